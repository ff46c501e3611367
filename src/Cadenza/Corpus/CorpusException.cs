namespace Cadenza.Corpus;

/// <summary>A corpus that cannot be used at all (missing folder, no MIDI files, nothing usable); one line a user can act on.</summary>
public sealed class CorpusException(string message, Exception? inner = null) : Exception(message, inner);
