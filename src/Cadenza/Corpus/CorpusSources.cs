using Cadenza.Corpus.Sources;

namespace Cadenza.Corpus;

/// <summary>Tells the kind of a corpus path and opens it: MIDI folder or file, MAESTRO folder or zip, Bach Doodle shards, NoteSequence TFRecords.</summary>
public static class CorpusSources
{
    /// <summary>
    /// The kind of <paramref name="path"/>. A file: *.zip → zip (MAESTRO when its metadata is inside); *.jsonl,
    /// *.jsonl.gz, *.jsonl-*.gz → Bach Doodle; *.tfrecord* → TFRecord; maestro-v*.csv/.json → that MAESTRO folder;
    /// anything else → a MIDI file. A folder: MAESTRO metadata in it (or in its only subfolder that has one) →
    /// MAESTRO; JSON-lines shards in it → Bach Doodle; TFRecord files in it → TFRecord; else a MIDI folder.
    /// </summary>
    /// <exception cref="CorpusException">The path does not exist.</exception>
    public static CorpusSourceKind Detect(string path) => Resolve(path).Kind;

    /// <summary>Opens <paramref name="path"/> as the source <see cref="Detect"/> finds.</summary>
    /// <exception cref="CorpusException">The path does not exist, or holds nothing of its kind to read.</exception>
    public static ICorpusSource Open(string path)
    {
        var (kind, metadata) = Resolve(path);
        return kind switch
        {
            CorpusSourceKind.Maestro => MaestroSource.FromFolder(path, metadata!),
            CorpusSourceKind.Zip => MaestroSource.FromZip(path),
            CorpusSourceKind.BachDoodle => new BachDoodleSource(path),
            CorpusSourceKind.TfRecord => new TfRecordSource(path),
            _ => new MidiFolderSource(path),
        };
    }

    /// <summary>Parses a <c>--split</c> value: train, validation, test, or all (null).</summary>
    /// <exception cref="CorpusException">Another value.</exception>
    public static DataSplit? ParseSplit(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => null,
        "train" => DataSplit.Train,
        "validation" => DataSplit.Validation,
        "test" => DataSplit.Test,
        _ => throw new CorpusException($"split must be train, validation, test or all, got '{value}'"),
    };

    /// <summary>Parses a <c>--part</c> value: melody, harmony or both.</summary>
    /// <exception cref="CorpusException">Another value.</exception>
    public static BachDoodlePart ParsePart(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "harmony" => BachDoodlePart.Harmony,
        "melody" => BachDoodlePart.Melody,
        "both" => BachDoodlePart.Both,
        _ => throw new CorpusException($"part must be melody, harmony or both, got '{value}'"),
    };

    /// <summary>The split's name as the options spell it.</summary>
    public static string Name(DataSplit? split) => split?.ToString().ToLowerInvariant() ?? "all";

    private static (CorpusSourceKind Kind, string? Metadata) Resolve(string path)
    {
        if (File.Exists(path))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return (CorpusSourceKind.Zip, null);
            if (BachDoodleSource.IsShard(name)) return (CorpusSourceKind.BachDoodle, null);
            if (TfRecordSource.IsTfRecord(name)) return (CorpusSourceKind.TfRecord, null);
            if (MaestroMetadata.VersionOf(name) != null) return (CorpusSourceKind.Maestro, Path.GetFullPath(path));
            return (CorpusSourceKind.MidiFolder, null);
        }
        if (!Directory.Exists(path)) throw new CorpusException($"{path}: no such file or folder");
        string? metadata = MaestroMetadata.FindIn(path);
        if (metadata is null)
        {
            // the folder a download was extracted into holds maestro-vX.Y.Z/ with the metadata inside
            var inside = Directory.EnumerateDirectories(path).Select(MaestroMetadata.FindIn).OfType<string>().ToList();
            if (inside.Count == 1) metadata = inside[0];
        }
        if (metadata != null) return (CorpusSourceKind.Maestro, metadata);
        var files = Directory.EnumerateFiles(path).Select(Path.GetFileName).OfType<string>().ToList();
        // MIDI files beside a stray metadata.jsonl or a .tfrecord make it a MIDI folder, not a dataset of those
        if (files.Any(CorpusReader.IsMidiPath)) return (CorpusSourceKind.MidiFolder, null);
        if (files.Any(BachDoodleSource.IsShard)) return (CorpusSourceKind.BachDoodle, null);
        if (files.Any(TfRecordSource.IsTfRecord)) return (CorpusSourceKind.TfRecord, null);
        return (CorpusSourceKind.MidiFolder, null);
    }
}
