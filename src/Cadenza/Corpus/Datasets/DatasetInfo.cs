namespace Cadenza.Corpus.Datasets;

/// <summary>A dataset Cadenza knows how to fetch: where it is and what it should look like.</summary>
/// <param name="Name">The name the command takes ("maestro-v3").</param>
/// <param name="Title">What it is, for the user.</param>
/// <param name="Url">The official download.</param>
/// <param name="FileName">The file name the download is saved under.</param>
/// <param name="Size">The download's size in bytes when published; null to trust the server's length.</param>
/// <param name="Sha256">The download's SHA-256 (lower-case hex) when published; null when none is.</param>
public sealed record DatasetInfo(string Name, string Title, Uri Url, string FileName, long? Size = null, string? Sha256 = null);
