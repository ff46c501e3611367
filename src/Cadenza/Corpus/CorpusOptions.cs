using Cadenza.Midi;

namespace Cadenza.Corpus;

/// <summary>How a corpus is read: instrument selection, the minimum useful length, caching and threads.</summary>
public sealed record CorpusOptions
{
    /// <summary>The defaults: merged instruments, 26 notes minimum, cache on, all cores.</summary>
    public static CorpusOptions Default { get; } = new();

    /// <summary>How each MIDI file is read.</summary>
    public MidiReadSettings Midi { get; init; } = MidiReadSettings.Default;

    /// <summary>Files with fewer notes than this cannot give one training window (sequence length 25 + the label).</summary>
    public int MinNotes { get; init; } = 26;

    /// <summary>Use the binary note cache (parse each file once).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>
    /// Hold no more than a chunk of pieces at a time, whatever the source: MIDI files are parsed 256 at a time and the
    /// note cache (which keeps every entry it saves) is not used. For streaming a corpus into a note store.
    /// </summary>
    public bool Streamed { get; init; }

    /// <summary>Folder for cache files; null: $CADENZA_CACHE, else $XDG_CACHE_HOME/cadenza, else ~/.cache/cadenza.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Threads used for parsing; 0 = one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Read only the pieces the dataset tags with this split; null reads them all. Only for sources that have splits.</summary>
    public DataSplit? Split { get; init; }

    /// <summary>Which notes of a Bach Doodle session become a piece.</summary>
    public BachDoodlePart Part { get; init; } = BachDoodlePart.Harmony;

    /// <summary>Stop after this many usable pieces (corpus order); null reads the whole source.</summary>
    public int? MaxPieces { get; init; }

    /// <summary>At most this many unusable and this many skipped pieces are listed (all are counted), so that a huge dataset of short pieces cannot fill memory with them.</summary>
    public int MaxListed { get; init; } = 10_000;

    /// <summary>Receives one line when the note cache cannot be written (a full disk, a read-only folder): the read itself goes on, only the next one is slower.</summary>
    public Action<string>? CacheWarning { get; init; }

    /// <summary>The folder the cache lives in, resolved from the options and the environment.</summary>
    public string ResolveCacheDirectory()
    {
        if (CacheDirectory is { Length: > 0 }) return CacheDirectory;
        string? env = Environment.GetEnvironmentVariable("CADENZA_CACHE");
        if (!string.IsNullOrEmpty(env)) return env;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "cadenza");
    }
}
