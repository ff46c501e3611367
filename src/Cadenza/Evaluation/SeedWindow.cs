namespace Cadenza.Evaluation;

/// <summary>Where one generation seed was taken from: a held-out file and the index of its first note.</summary>
/// <param name="File">Path relative to the held-out source.</param>
/// <param name="Note">Index of the seed's first note in the file (0-based).</param>
/// <param name="SamplingSeed">Seed of the sampler for the notes generated after it.</param>
public sealed record SeedWindow(string File, int Note, ulong SamplingSeed);
