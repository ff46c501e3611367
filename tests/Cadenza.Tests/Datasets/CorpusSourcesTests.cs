using Cadenza.Corpus;
using Cadenza.Midi;

namespace Cadenza.Tests.Datasets;

public class CorpusSourcesTests
{
    [Fact]
    public void Detect_EachKindOfPath_FindsItsSource()
    {
        using var dir = new TempDir();
        string midi = Path.Combine(dir.Path, "midi");
        Directory.CreateDirectory(midi);
        MidiWriter.Write(Path.Combine(midi, "a.mid"), DatasetFiles.Piece(1, 30));
        Assert.Equal(CorpusSourceKind.MidiFolder, CorpusSources.Detect(midi));
        Assert.Equal(CorpusSourceKind.MidiFolder, CorpusSources.Detect(Path.Combine(midi, "a.mid")));
        Assert.Equal(CorpusSourceKind.MidiFolder, CorpusSources.Detect(Paths.Demo));
        File.WriteAllText(Path.Combine(midi, "metadata.jsonl"), "{}\n");   // a stray listing beside the MIDI files
        File.WriteAllText(Path.Combine(midi, "old.tfrecord"), "");
        Assert.Equal(CorpusSourceKind.MidiFolder, CorpusSources.Detect(midi));

        string doodle = Path.Combine(dir.Path, "doodle");
        Directory.CreateDirectory(doodle);
        DatasetFiles.Shard(Path.Combine(doodle, "bach-doodle.jsonl-00000-of-00192.gz"), []);
        Assert.Equal(CorpusSourceKind.BachDoodle, CorpusSources.Detect(doodle));
        Assert.Equal(CorpusSourceKind.BachDoodle, CorpusSources.Detect(Path.Combine(doodle, "bach-doodle.jsonl-00000-of-00192.gz")));

        string records = Path.Combine(dir.Path, "records");
        Directory.CreateDirectory(records);
        DatasetFiles.TfRecordFile(Path.Combine(records, "x.tfrecord-00000-of-00002"), []);
        Assert.Equal(CorpusSourceKind.TfRecord, CorpusSources.Detect(records));

        string maestro = Path.Combine(dir.Path, "maestro-v2.0.0");
        var pieces = DatasetFiles.MaestroPieces();
        DatasetFiles.MaestroFolder(maestro, pieces, "maestro-v2.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        Assert.Equal(CorpusSourceKind.Maestro, CorpusSources.Detect(maestro));
        Assert.Equal(CorpusSourceKind.Maestro, CorpusSources.Detect(Path.Combine(maestro, "maestro-v2.0.0.csv")));
        DatasetFiles.Zip(maestro, dir.File("m.zip"));
        Assert.Equal(CorpusSourceKind.Zip, CorpusSources.Detect(dir.File("m.zip")));

        Assert.Throws<CorpusException>(() => CorpusSources.Detect(dir.File("missing")));
    }

    [Fact]
    public void ParseSplitAndPart_UnknownValues_AreOneLineErrors()
    {
        Assert.Null(CorpusSources.ParseSplit("all"));
        Assert.Equal(DataSplit.Validation, CorpusSources.ParseSplit("validation"));
        Assert.Equal(BachDoodlePart.Harmony, CorpusSources.ParsePart(null));
        Assert.Equal(BachDoodlePart.Both, CorpusSources.ParsePart("both"));
        Assert.Contains("'dev'", Assert.Throws<CorpusException>(() => CorpusSources.ParseSplit("dev")).Message);
        Assert.Contains("'bass'", Assert.Throws<CorpusException>(() => CorpusSources.ParsePart("bass")).Message);
    }

    [Fact]
    public void Read_EmptyBachDoodleShard_GivesAnEmptySummary()
    {
        using var dir = new TempDir();
        DatasetFiles.Shard(dir.File("bach-doodle.jsonl-00000-of-00192.gz"), []);
        var (files, summary) = CorpusReader.Read(dir.Path);
        Assert.Empty(files);
        Assert.Equal(0, summary.Files);
    }
}
