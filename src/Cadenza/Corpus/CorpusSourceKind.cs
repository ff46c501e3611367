namespace Cadenza.Corpus;

/// <summary>The kinds of corpus Cadenza reads, told apart by <see cref="CorpusSources.Detect"/>.</summary>
public enum CorpusSourceKind : byte
{
    /// <summary>A folder of MIDI files (searched recursively) or one MIDI file.</summary>
    MidiFolder = 0,

    /// <summary>An extracted MAESTRO folder with its metadata (maestro-v2.0.0 or maestro-v3.0.0 .csv/.json).</summary>
    Maestro = 1,

    /// <summary>A zip of MIDI files, read in place: the MAESTRO download (metadata and splits used) or any zip of MIDI files.</summary>
    Zip = 2,

    /// <summary>Bach Doodle gzipped JSON-lines shards: one shard or a folder of them.</summary>
    BachDoodle = 3,

    /// <summary>Magenta NoteSequence TFRecord files: one file or a folder of them.</summary>
    TfRecord = 4,
}
