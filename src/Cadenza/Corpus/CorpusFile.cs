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

/// <summary>One piece of a corpus (a MIDI file, a Bach Doodle harmonisation, a TFRecord NoteSequence): its notes and whether it can be trained on.</summary>
/// <param name="Path">Path relative to the corpus root (the file name for a single file); for pieces inside a shard or record file, the file and the position ("shard.gz:17", "train.tfrecord#5").</param>
/// <param name="Notes">The selected notes, sorted by start then pitch (empty when skipped).</param>
/// <param name="Status">Usable, unusable or skipped.</param>
/// <param name="Reason">Why it is unusable or skipped; empty when usable.</param>
/// <param name="Bytes">Size of the piece's data in bytes (the file, the JSON line, the record).</param>
/// <param name="Split">The dataset's own train/validation/test tag; null when the source has none.</param>
public sealed record CorpusFile(string Path, Note[] Notes, CorpusFileStatus Status, string Reason, long Bytes, DataSplit? Split = null)
{
    /// <summary>What reading ignored, clamped or dropped to keep the notes (e.g. "ignored 1 invalid key signature"); empty when nothing.</summary>
    public string Warning { get; init; } = "";

    /// <summary>True when the notes came from the note cache instead of parsing.</summary>
    public bool FromCache { get; init; }

    /// <summary>Seconds from the first onset to the last release (0 without notes).</summary>
    public double Seconds
    {
        get
        {
            if (Notes.Length == 0) return 0;
            double end = double.MinValue;
            foreach (ref readonly Note n in Notes.AsSpan()) end = Math.Max(end, n.End);
            return end - Notes[0].Start;
        }
    }
}
