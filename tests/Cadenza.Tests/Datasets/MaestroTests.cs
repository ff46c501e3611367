using Cadenza.Corpus;
using Cadenza.Midi;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Datasets;

public class MaestroTests
{
    private static CorpusOptions Options(TempDir cache) => new() { CacheDirectory = cache.Path };

    public static TheoryData<string, string> Layouts() => new()
    {
        { "maestro-v3.0.0", "maestro-v3.0.0.csv" },
        { "maestro-v3.0.0", "maestro-v3.0.0.json" },
        { "maestro-v2.0.0", "maestro-v2.0.0.csv" },
        { "maestro-v2.0.0", "maestro-v2.0.0.json" },
    };

    private static string Metadata(string name, List<DatasetFiles.MaestroPiece> pieces) =>
        name.EndsWith(".csv") ? DatasetFiles.MaestroCsv(pieces) : name.Contains("v3") ? DatasetFiles.MaestroV3Json(pieces) : DatasetFiles.MaestroV2Json(pieces);

    private static void AssertPiecesRead(List<DatasetFiles.MaestroPiece> pieces, List<CorpusFile> files)
    {
        Assert.Equal(pieces.Select(p => p.MidiFilename), files.Select(f => f.Path));
        for (int i = 0; i < pieces.Count; i++)
        {
            Assert.Equal(MidiWriter.Resolve(pieces[i].Notes), files[i].Notes);   // what the MIDI writer promises to keep
            Assert.Equal(CorpusSources.ParseSplit(pieces[i].Split), files[i].Split);
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Read_MaestroFolder_GivesTheNotesAndSplitsOfTheMetadata(string folder, string metadata)
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, folder);
        DatasetFiles.MaestroFolder(root, pieces, metadata, Metadata(metadata, pieces));
        File.WriteAllText(Path.Combine(root, "2004", "stray.midi"), "not listed, not read");

        Assert.Equal(CorpusSourceKind.Maestro, CorpusSources.Detect(root));
        Assert.Equal(CorpusSourceKind.Maestro, CorpusSources.Detect(dir.Path));   // the folder the zip was extracted into
        var (files, summary) = CorpusReader.Read(root, Options(cache));
        AssertPiecesRead(pieces, files);
        Assert.StartsWith($"MAESTRO v{folder[^5..]} (folder), 6 pieces: 3 train / 2 validation / 1 test", summary.Source);
        Assert.Equal(3, summary.UsableBySplit[DataSplit.Train]);
        Assert.Equal(2, summary.UsableBySplit[DataSplit.Validation]);
        Assert.Equal(1, summary.UsableBySplit[DataSplit.Test]);

        var (again, cached) = CorpusReader.Read(dir.Path, Options(cache));
        Assert.Equal(6, cached.FromCache);
        Assert.Equal(files.Select(f => f.Notes), again.Select(f => f.Notes));
    }

    [Fact]
    public void Read_MaestroZip_ReadsInPlaceWithSplits()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, "maestro-v3.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v3.0.0.json", DatasetFiles.MaestroV3Json(pieces));
        string zip = dir.File("maestro-v3.0.0-midi.zip");
        DatasetFiles.Zip(root, zip);
        Directory.Delete(root, true);

        Assert.Equal(CorpusSourceKind.Zip, CorpusSources.Detect(zip));
        var (files, summary) = CorpusReader.Read(zip, Options(cache) with { Threads = 2 });
        AssertPiecesRead(pieces, files);
        Assert.StartsWith("MAESTRO v3.0.0 (zip)", summary.Source);

        var (validation, _) = CorpusReader.Read(zip, Options(cache) with { Split = DataSplit.Validation });
        Assert.Equal(pieces.Where(p => p.Split == "validation").Select(p => p.MidiFilename), validation.Select(f => f.Path));
        Assert.All(validation, f => Assert.Equal(DataSplit.Validation, f.Split));
    }

    [Fact]
    public void Read_MaestroZipFromWindowsAndMacTools_BackslashesJunkAndDuplicatesHandled()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string zip = dir.File("maestro-v2.0.0-midi.zip");
        using (var archive = new System.IO.Compression.ZipArchive(File.Create(zip), System.IO.Compression.ZipArchiveMode.Create))
        {
            void Add(string name, byte[] data)
            {
                using Stream s = archive.CreateEntry(name).Open();
                s.Write(data);
            }
            // a zip tool on Windows stores '\' separators; Finder adds __MACOSX/._ companions; a name may be stored twice
            Add(@"maestro-v2.0.0\maestro-v2.0.0.json", System.Text.Encoding.UTF8.GetBytes(DatasetFiles.MaestroV2Json(pieces)));
            Add("__MACOSX/maestro-v2.0.0/._maestro-v2.0.0.json", [0, 5, 22, 7]);
            foreach (var p in pieces)
            {
                Add("maestro-v2.0.0\\" + p.MidiFilename.Replace('/', '\\'), MidiWriter.ToBytes(p.Notes));
                Add("__MACOSX/maestro-v2.0.0/" + Path.GetDirectoryName(p.MidiFilename) + "/._" + Path.GetFileName(p.MidiFilename), [0, 5, 22, 7]);
            }
            Add("maestro-v2.0.0\\" + pieces[0].MidiFilename.Replace('/', '\\'), MidiWriter.ToBytes(DatasetFiles.Piece(99, 30)));   // other notes: the first copy is read
        }
        var (files, summary) = CorpusReader.Read(zip, Options(cache));
        AssertPiecesRead(pieces, files);
        Assert.Equal(0, summary.SkippedCount);
        Assert.StartsWith("MAESTRO v2.0.0 (zip), 6 pieces: 3 train / 2 validation / 1 test", summary.Source);

        // entries named "./x.mid", as some zip tools write them, in a zip without metadata
        string dotted = dir.File("dotted.zip");
        using (var archive = new System.IO.Compression.ZipArchive(File.Create(dotted), System.IO.Compression.ZipArchiveMode.Create))
        using (Stream s = archive.CreateEntry("./songs/a.mid").Open())
            s.Write(MidiWriter.ToBytes(pieces[1].Notes));
        var (plain, _) = CorpusReader.Read(dotted, Options(cache));
        Assert.Equal("songs/a.mid", Assert.Single(plain).Path);
    }

    [Fact]
    public void Read_ZipWithoutMetadata_ReadsItsMidiFilesWithoutSplits()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        string root = Path.Combine(dir.Path, "pieces");
        Directory.CreateDirectory(root);
        MidiWriter.Write(Path.Combine(root, "a.mid"), DatasetFiles.Piece(1, 30));
        MidiWriter.Write(Path.Combine(root, "b.mid"), DatasetFiles.Piece(2, 30));
        string zip = dir.File("pieces.zip");
        DatasetFiles.Zip(root, zip);

        var (files, summary) = CorpusReader.Read(zip, Options(cache));
        Assert.Equal(["pieces/a.mid", "pieces/b.mid"], files.Select(f => f.Path));
        Assert.Equal(MidiWriter.Resolve(DatasetFiles.Piece(2, 30)), files[1].Notes);
        Assert.Empty(summary.UsableBySplit);
        Assert.Throws<CorpusException>(() => CorpusReader.Read(zip, Options(cache) with { Split = DataSplit.Train }));
    }

    [Fact]
    public void Read_MissingOrEscapingFiles_SkippedWithReason()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        pieces.Add(new("../outside.midi", "train", DatasetFiles.Piece(9, 30)));
        string root = Path.Combine(dir.Path, "maestro-v3.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v3.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        File.Delete(Path.Combine(root, pieces[0].MidiFilename));

        var (_, summary) = CorpusReader.Read(root, Options(cache));
        Assert.Equal(5, summary.FilesUsable);
        Assert.Contains(summary.Skipped, f => f.Path == pieces[0].MidiFilename && f.Reason.Contains("no such file"));
        Assert.Contains(summary.Skipped, f => f.Path == "../outside.midi" && f.Reason.Contains("outside the dataset folder"));
    }

    [Fact]
    public void Read_BrokenMetadata_OneLineErrorNamingTheFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("maestro-v3.0.0.csv"), "canonical_composer,split\nBach,train\n");
        var e = Assert.Throws<CorpusException>(() => CorpusReader.Read(dir.Path));
        Assert.Contains("maestro-v3.0.0.csv", e.Message);
        Assert.Contains("midi_filename", e.Message);
    }

    [Fact]
    public void Prepare_MaestroWithoutVal_TrainsOnTrainSplitAndValidatesOnValidationSplit()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, "maestro-v3.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v3.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        var request = new TrainRequest
        {
            Source = root, Output = dir.File("model"), Training = new TrainingConfig { BatchSize = 4, Epochs = 1, Threads = 1 },
            Corpus = Options(cache),
        };

        PreparedTraining bySource = TrainJob.Prepare(request);
        Assert.Equal(pieces.Where(p => p.Split == "train").Select(p => p.MidiFilename), bySource.TrainFiles.Select(f => f.Path));
        Assert.Equal(pieces.Where(p => p.Split == "validation").Select(p => p.MidiFilename), bySource.ValidationFiles.Select(f => f.Path));
        Assert.Contains("source", bySource.SplitMethod);

        // --val takes a random share of the files read instead; --split narrows what is read
        PreparedTraining random = TrainJob.Prepare(request with { Training = request.Training with { Validation = 0.2 } });
        Assert.Equal(6, random.TrainFiles.Count + random.ValidationFiles.Count);
        PreparedTraining trainOnly = TrainJob.Prepare(request with { Training = request.Training with { Split = "train" } });
        Assert.Equal(3, trainOnly.TrainFiles.Count + trainOnly.ValidationFiles.Count);
        Assert.Single(trainOnly.ValidationFiles);

        // --max-pieces keeps the first N usable pieces in corpus order
        PreparedTraining firstFour = TrainJob.Prepare(request with { Training = request.Training with { MaxPieces = 4 } });
        Assert.Equal(pieces.Take(4).Where(p => p.Split == "train").Select(p => p.MidiFilename), firstFour.TrainFiles.Select(f => f.Path));
        Assert.Equal(pieces.Take(4).Where(p => p.Split == "validation").Select(p => p.MidiFilename), firstFour.ValidationFiles.Select(f => f.Path));
        Assert.True(firstFour.Corpus.StoppedAtMaxPieces);
        Assert.Throws<TrainingException>(() => (request.Training with { MaxPieces = 0 }).Validate());
    }

    [Fact]
    public void Read_OneSplitThenAnother_KeepsBothInTheCache()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, "maestro-v3.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v3.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        CorpusReader.Read(root, Options(cache) with { Split = DataSplit.Train });
        var (_, validation) = CorpusReader.Read(root, Options(cache) with { Split = DataSplit.Validation });
        Assert.Equal(0, validation.FromCache);
        var (_, train) = CorpusReader.Read(root, Options(cache) with { Split = DataSplit.Train });
        Assert.Equal(3, train.FromCache);   // reading the validation split did not push the train split out
        var (_, all) = CorpusReader.Read(root, Options(cache));
        Assert.Equal(5, all.FromCache);     // the test split is the only one never read
    }
}
