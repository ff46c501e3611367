namespace Cadenza.Corpus.NoteSequences;

/// <summary>One record of a TFRecord file as read: its data, or why it was not usable.</summary>
/// <param name="Index">1-based record number in the file.</param>
/// <param name="Offset">Byte offset of the record's header in the (uncompressed) file.</param>
/// <param name="Data">The record's bytes; valid only until the next record is read (the buffer is reused).</param>
/// <param name="Error">Why the record is skipped (a CRC mismatch, a truncation); null for a good record.</param>
internal readonly record struct TfRecord(int Index, long Offset, ReadOnlyMemory<byte> Data, string? Error);
