namespace Cadenza.Corpus;

/// <summary>What reading a corpus gave: counts, notes, duration, and the skipped or unusable pieces with their reasons.</summary>
public sealed record CorpusSummary
{
    /// <summary>The source, as <see cref="ICorpusSource.Description"/> gives it.</summary>
    public string Source { get; init; } = "";

    /// <summary>What kind of source it was.</summary>
    public CorpusSourceKind Kind { get; init; }

    /// <summary>Pieces found (MIDI files, harmonisations, records), after the split filter.</summary>
    public int Files { get; init; }

    /// <summary>Reading stopped at <see cref="CorpusOptions.MaxPieces"/> usable pieces: the counts cover the part read.</summary>
    public bool StoppedAtMaxPieces { get; init; }

    /// <summary>Pieces read without error (usable or not).</summary>
    public int FilesRead { get; init; }

    /// <summary>Pieces read and long enough to train on.</summary>
    public int FilesUsable { get; init; }

    /// <summary>Pieces that could not be read, with the reason (the first <see cref="CorpusOptions.MaxListed"/>; <see cref="SkippedCount"/> counts all).</summary>
    public IReadOnlyList<CorpusFile> Skipped { get; init; } = [];

    /// <summary>Pieces read but of no use for training, with the reason (the first <see cref="CorpusOptions.MaxListed"/>; <see cref="UnusableCount"/> counts all).</summary>
    public IReadOnlyList<CorpusFile> Unusable { get; init; } = [];

    /// <summary>Pieces read with a warning (an event ignored, a value clamped, a note dropped), the first <see cref="CorpusOptions.MaxListed"/>, without their notes; <see cref="WarnedCount"/> counts all.</summary>
    public IReadOnlyList<CorpusFile> Warned { get; init; } = [];

    /// <summary>All pieces read with a warning.</summary>
    public int WarnedCount { get; init; }

    /// <summary>All pieces that could not be read.</summary>
    public int SkippedCount { get; init; }

    /// <summary>All pieces read but of no use for training.</summary>
    public int UnusableCount { get; init; }

    /// <summary>Usable pieces per dataset split (empty when the source has no splits).</summary>
    public IReadOnlyDictionary<DataSplit, int> UsableBySplit { get; init; } = new Dictionary<DataSplit, int>();

    /// <summary>Notes in all pieces read.</summary>
    public long Notes { get; init; }

    /// <summary>Total music in the pieces read, seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Bytes of data read (MIDI files, JSON lines, records).</summary>
    public long Bytes { get; init; }

    /// <summary>Pieces whose notes came from the cache.</summary>
    public int FromCache { get; init; }

    /// <summary>Wall-clock time spent reading.</summary>
    public TimeSpan Elapsed { get; init; }
}
