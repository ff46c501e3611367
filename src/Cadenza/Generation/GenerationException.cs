namespace Cadenza.Generation;

/// <summary>Generation cannot start: the seed is too short or missing, or the options are out of range; one line a user can act on.</summary>
public sealed class GenerationException(string message) : Exception(message);
