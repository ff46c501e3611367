namespace Cadenza.Corpus;

/// <summary>What reading a corpus gave: counts, notes, duration, and every skipped or unusable file with its reason.</summary>
public sealed record CorpusSummary
{
    /// <summary>MIDI files found.</summary>
    public int Files { get; init; }

    /// <summary>Files read without error (usable or not).</summary>
    public int FilesRead { get; init; }

    /// <summary>Files read and long enough to train on.</summary>
    public int FilesUsable { get; init; }

    /// <summary>Files that could not be read, with the reason.</summary>
    public IReadOnlyList<CorpusFile> Skipped { get; init; } = [];

    /// <summary>Files read but of no use for training, with the reason.</summary>
    public IReadOnlyList<CorpusFile> Unusable { get; init; } = [];

    /// <summary>Notes in all files read.</summary>
    public long Notes { get; init; }

    /// <summary>Total music in the files read, seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Bytes of MIDI read.</summary>
    public long Bytes { get; init; }

    /// <summary>Files whose notes came from the cache.</summary>
    public int FromCache { get; init; }

    /// <summary>Wall-clock time spent reading.</summary>
    public TimeSpan Elapsed { get; init; }
}
