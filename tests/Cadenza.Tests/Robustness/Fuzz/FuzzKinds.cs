using System.IO.Compression;
using Cadenza.Corpus;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Tests.Datasets;
using Cadenza.Tests.Midi;
using Cadenza.Tests.Nn;

namespace Cadenza.Tests.Robustness.Fuzz;

/// <summary>Every input kind Cadenza reads, with seed files made by its writers and the dataset writers of the tests, read as the commands read them.</summary>
internal static class FuzzKinds
{
    private static readonly CorpusOptions Corpus = new() { UseCache = false, MinNotes = 1, Threads = 1 };

    // a corpus read never throws for a bad piece: it skips it with a one-line reason naming it
    private static int ReadCorpus(string path)
    {
        var (_, summary) = CorpusReader.Read(path, Corpus);
        foreach (CorpusFile f in summary.Skipped)
            if (f.Reason.Contains('\n') || f.Path.Length == 0) throw new InvalidOperationException($"skipped piece '{f.Path}' has no one-line reason: {f.Reason}");
        return summary.SkippedCount;
    }

    // a store is read as training reads it: every window of it, for a model with time classes and instruments
    private static int ReadStore(string path)
    {
        using var store = Cadenza.Store.NoteStore.Open(path);
        Note[][] sample = [.. new Cadenza.Store.StorePieces(store)];
        ModelConfig c = ModelConfig.Cadenza.WithInstruments(Cadenza.Instruments.InstrumentVocabulary.Build(sample));
        var windows = new Cadenza.Store.StoreWindows(store, 4, c.Features, c.Vocabulary());
        var (inputs, columns, labels) = c.WindowLayout();
        var x = new float[4 * c.InputSize];
        var y = new float[c.Heads.Length];
        for (int w = 0; w < windows.Count; w++) windows.Fill([w], x, y, inputs, columns, labels);
        return 0;   // a store has no pieces to skip: it opens whole, or not at all
    }

    private static readonly Lazy<byte[]> StoreSeed = new(() => Bytes(path => Cadenza.Store.NoteStore.Write(path,
        [DatasetFiles.Piece(1, 30, instruments: 3), DatasetFiles.Piece(2, 3), DatasetFiles.Piece(3, 20, withDrums: true)]), "train.notes"));

    private static int LoadModel(string path)
    {
        ModelStore.Load(path);
        return 0;
    }

    private static byte[] Bytes(Action<string> write, string name)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        write(path);
        return File.ReadAllBytes(path);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }

    // a small model of the Cadenza preset's shape (embeddings, time classes, copy heads, a given feature)
    private static readonly Lazy<(byte[] Config, byte[] Weights)> CadenzaModel = new(() =>
    {
        using var dir = new TempDir();
        ModelStore.Save(MusicModel.Create(ModelConfig.Cadenza with { LstmUnits = [8] }, 3), dir.Path);
        return (File.ReadAllBytes(dir.File(ModelStore.ConfigFile)), File.ReadAllBytes(dir.File(ModelStore.WeightsFile)));
    });

    private static readonly Lazy<(byte[] ModelJson, byte[] Shard)> TfjsModel = new(() =>
    {
        using var dir = new TempDir();
        TfjsFormat.Export(KerasFixtures.Model(), dir.Path);
        return (File.ReadAllBytes(dir.File("model.json")), File.ReadAllBytes(dir.File(TfjsFormat.ShardName)));
    });

    private static List<byte[]> MidiSeeds() =>
    [
        .. Directory.GetFiles(Paths.MidiFixtures, "*.mid").Concat(Directory.GetFiles(Paths.Demo, "*.mid")).Order(StringComparer.Ordinal)
            .Where(Reads).Select(File.ReadAllBytes),
        // the event layouts parsers get wrong, each once: sysex in packets and an F7 escape, running status across
        // a lyric, metas longer and shorter than their type, an invalid key signature, system real-time messages
        SmfBytes.OneTrack(0x00, 0xF0, 0x03, 0x43, 0x10, 0x4C, 0x0A, 0xF7, 0x02, 0x00, 0xF7, 0x00, 0xF7, 0x02, 0x01, 0x02,
                 0x00, 0x90, 0x3C, 0x40, 0x83, 0x60, 0x80, 0x3C, 0x40, 0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7),
        SmfBytes.OneTrack(0x00, 0x90, 0x3C, 0x40, 0x00, 0xFF, 0x05, 0x02, 0x68, 0x69, 0x83, 0x60, 0x3C, 0x00, 0x00, 0x3E, 0x40,
                 0x00, 0xFF, 0x51, 0x04, 0x07, 0xA1, 0x20, 0x00, 0x83, 0x60, 0x3E, 0x00),
        SmfBytes.OneTrack(0x00, 0xFF, 0x00, 0x00, 0x00, 0xFF, 0x59, 0x03, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x58, 0x05, 0x04, 0x02, 0x18, 0x08, 0x00,
                 0x00, 0xFF, 0x59, 0x02, 0x00, 0xFF, 0x00, 0xFF, 0x20, 0x00, 0x00, 0xF8, 0x00, 0x90, 0x3C, 0x40, 0x83, 0x60, 0xFE, 0x00, 0x80, 0x3C, 0x40),
    ];


    // the fixtures include files made to be refused (a bad header, a lying chunk): seeds are the ones that read
    private static bool Reads(string midi)
    {
        try { MidiReader.Read(midi); return true; }
        catch (MidiFormatException) { return false; }
    }

    private static byte[] TfRecordSeed(ulong seed) => Bytes(p => DatasetFiles.TfRecordFile(p,
        [DatasetFiles.NoteSequence(DatasetFiles.Piece(seed, 30)), DatasetFiles.NoteSequence(DatasetFiles.Piece(seed + 1, 12, instruments: 3, withDrums: true)),
         DatasetFiles.Example("sequence", DatasetFiles.NoteSequence(DatasetFiles.Piece(seed + 2, 20)))]), "x.tfrecord");

    private static byte[] ShardSeed(ulong seed) => System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
        Enumerable.Range(0, 3).Select(i => DatasetFiles.Session([BachDoodleTests.Request(seed + (ulong)i * 10)], int64AsStrings: i == 1))) + "\n");

    private const string MaestroRoot = "maestro-v3.0.0";

    private static void MaestroMidi(string dir)
    {
        string root = Path.Combine(dir, MaestroRoot);
        foreach (DatasetFiles.MaestroPiece p in DatasetFiles.MaestroPieces())
        {
            string path = Path.Combine(root, p.MidiFilename);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            MidiWriter.Write(path, p.Notes);
        }
    }

    private static readonly Lazy<byte[]> MaestroZip = new(() =>
    {
        using var dir = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        DatasetFiles.MaestroFolder(dir.File(MaestroRoot), pieces, "maestro-v3.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        DatasetFiles.Zip(dir.File(MaestroRoot), dir.File("maestro.zip"));
        return File.ReadAllBytes(dir.File("maestro.zip"));
    });

    private static void Nothing(string dir) { }

    /// <summary>The kinds, in the order of the report.</summary>
    public static IReadOnlyList<FuzzKind> All() =>
    [
        new("MIDI (type 0/1, running status, sysex, odd metas)", "piece.mid", MidiSeeds(), Nothing, d => { MidiReader.Read(Path.Combine(d, "piece.mid")); return 0; }),
        new("NoteSequence TFRecord", "notes.tfrecord", [TfRecordSeed(1), TfRecordSeed(7)], Nothing, d => ReadCorpus(Path.Combine(d, "notes.tfrecord"))),
        new("NoteSequence TFRecord, gzip", "notes.tfrecord.gz", [Gzip(TfRecordSeed(3))], Nothing, d => ReadCorpus(Path.Combine(d, "notes.tfrecord.gz"))),
        new("Bach Doodle JSONL shard", BachDoodleTests.ShardName, [ShardSeed(1), ShardSeed(40)], Nothing, d => ReadCorpus(Path.Combine(d, BachDoodleTests.ShardName)), Text: true),
        new("safetensors weights", "model/" + ModelStore.WeightsFile, [CadenzaModel.Value.Weights], d => Write(d, "model/" + ModelStore.ConfigFile, CadenzaModel.Value.Config),
            d => LoadModel(Path.Combine(d, "model"))),
        new("config.json", "model/" + ModelStore.ConfigFile, [CadenzaModel.Value.Config], d => Write(d, "model/" + ModelStore.WeightsFile, CadenzaModel.Value.Weights),
            d => LoadModel(Path.Combine(d, "model")), Text: true),
        new("TF.js model.json", "tfjs/model.json", [TfjsModel.Value.ModelJson], d => Write(d, "tfjs/" + TfjsFormat.ShardName, TfjsModel.Value.Shard),
            d => LoadModel(Path.Combine(d, "tfjs", "model.json")), Text: true),
        new("TF.js weight shard", "tfjs/" + TfjsFormat.ShardName, [TfjsModel.Value.Shard], d => Write(d, "tfjs/model.json", TfjsModel.Value.ModelJson),
            d => LoadModel(Path.Combine(d, "tfjs", "model.json"))),
        new("MAESTRO metadata CSV", $"{MaestroRoot}/maestro-v3.0.0.csv", [System.Text.Encoding.UTF8.GetBytes(DatasetFiles.MaestroCsv(DatasetFiles.MaestroPieces()))], MaestroMidi,
            d => ReadCorpus(Path.Combine(d, MaestroRoot)), Text: true),
        new("MAESTRO metadata JSON", $"{MaestroRoot}/maestro-v3.0.0.json",
            [System.Text.Encoding.UTF8.GetBytes(DatasetFiles.MaestroV3Json(DatasetFiles.MaestroPieces())), System.Text.Encoding.UTF8.GetBytes(DatasetFiles.MaestroV2Json(DatasetFiles.MaestroPieces()))],
            MaestroMidi, d => ReadCorpus(Path.Combine(d, MaestroRoot)), Text: true),
        new("note store", "train.notes", [StoreSeed.Value], Nothing, d => ReadStore(Path.Combine(d, "train.notes"))),
        new("MAESTRO zip", "maestro-v3.0.0-midi.zip", [MaestroZip.Value], Nothing, d => ReadCorpus(Path.Combine(d, "maestro-v3.0.0-midi.zip"))),
    ];

    private static void Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
