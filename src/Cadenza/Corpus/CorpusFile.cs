using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>Whether a corpus file can be trained on.</summary>
public enum CorpusFileStatus : byte
{
    /// <summary>Read, with enough notes for at least one training window.</summary>
    Usable = 0,

    /// <summary>Read, but of no use for training (drums only, too few notes); the reason says which.</summary>
    Unusable = 1,

    /// <summary>Could not be read (corrupt, truncated, empty, not MIDI); the reason is the reader's one-line error.</summary>
    Skipped = 2,
}

/// <summary>One file of a corpus: its notes and whether it can be trained on.</summary>
/// <param name="Path">Path relative to the corpus root (the file name for a single file).</param>
/// <param name="Notes">The selected notes, sorted by start then pitch (empty when skipped).</param>
/// <param name="Status">Usable, unusable or skipped.</param>
/// <param name="Reason">Why it is unusable or skipped; empty when usable.</param>
/// <param name="Bytes">File size in bytes.</param>
public sealed record CorpusFile(string Path, Note[] Notes, CorpusFileStatus Status, string Reason, long Bytes)
{
    /// <summary>Seconds from the first onset to the last release (0 without notes).</summary>
    public double Seconds => Notes.Length == 0 ? 0 : Notes.Max(n => n.End) - Notes[0].Start;
}
