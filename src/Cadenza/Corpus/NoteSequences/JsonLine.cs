namespace Cadenza.Corpus.NoteSequences;

/// <summary>One line of a JSON-lines stream.</summary>
/// <param name="Number">1-based line number.</param>
/// <param name="Text">The line's UTF-8 bytes without the line break; valid only until the next line is read (the buffer is reused).</param>
/// <param name="Error">Why the line cannot be used (longer than the limit); null for a good line.</param>
internal readonly record struct JsonLine(long Number, ReadOnlyMemory<byte> Text, string? Error);
