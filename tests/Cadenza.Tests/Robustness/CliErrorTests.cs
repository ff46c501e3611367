using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Tests.Nn;

namespace Cadenza.Tests.Robustness;

/// <summary>Every command answers bad input with one clear line on stderr, a non-zero exit code, and no partial output.</summary>
public class CliErrorTests
{
    private static void AssertOneLineError(string[] args, string expected, string? outputFolder = null)
    {
        var (exit, _, err) = Cli.Run(args);
        Assert.NotEqual(0, exit);
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one error line, got: {err}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        if (outputFolder != null && Directory.Exists(outputFolder))
            Assert.Empty(Directory.GetFiles(outputFolder, "*", SearchOption.AllDirectories));
    }

    private static string BrokenModel(TempDir dir, Action<string> damage)
    {
        string folder = dir.File("model");
        ModelStore.Save(KerasFixtures.Model(), folder);
        damage(folder);
        return folder;
    }

    [Fact]
    public void Notes_MissingFile() => AssertOneLineError(["notes", "/nonexistent/piece.mid"], "/nonexistent/piece.mid: no such file");

    [Fact]
    public void Notes_DirectoryInsteadOfFile() => AssertOneLineError(["notes", Paths.Demo], "is a directory");

    [Fact]
    public void Notes_CorruptFile() => AssertOneLineError(["notes", Path.Combine(Paths.MidiFixtures, "truncated.mid")], "truncated.mid: MTrk chunk");

    [Fact]
    public void Corpus_MissingFolder() => AssertOneLineError(["corpus", "/nonexistent/corpus"], "/nonexistent/corpus: no such file or folder");

    [Fact]
    public void Inspect_MissingWeights()
    {
        using var dir = new TempDir();
        AssertOneLineError(["inspect", BrokenModel(dir, f => File.Delete(Path.Combine(f, "weights.safetensors")))], "weights file is missing");
    }

    [Fact]
    public void Inspect_CorruptWeights()
    {
        using var dir = new TempDir();
        string model = BrokenModel(dir, f => File.WriteAllBytes(Path.Combine(f, "weights.safetensors"), new byte[100]));
        AssertOneLineError(["inspect", model], "weights.safetensors");
    }

    [Fact]
    public void Inspect_IncompatibleVersion()
    {
        using var dir = new TempDir();
        string model = BrokenModel(dir, f => File.WriteAllText(Path.Combine(f, "config.json"),
            File.ReadAllText(Path.Combine(f, "config.json")).Replace("\"version\": 1", "\"version\": 7")));
        AssertOneLineError(["inspect", model], "version 7 is not supported");
    }

    [Fact]
    public void Generate_SeedMidiWithTooFewNotes_NoOutput()
    {
        using var dir = new TempDir();
        AssertOneLineError(["generate", KerasFixtures.ModelJson, "--out", dir.File("out/piece"), "--seed-midi", Path.Combine(Paths.MidiFixtures, "edge-tpq96.mid")],
            "13 notes", dir.File("out"));
    }

    [Fact]
    public void Generate_UnwritableOutput()
    {
        AssertOneLineError(["generate", KerasFixtures.ModelJson, "--out", "/dev/null/piece", "--seed-midi", Path.Combine(Paths.Demo, "BoosterMusic_01-ClairDeLaLune.mid")],
            "/dev/null");
    }

    [Fact]
    public void Generate_ModelWithoutCorpusAndNoSeed()
    {
        using var dir = new TempDir();
        AssertOneLineError(["generate", KerasFixtures.ModelJson, "--out", dir.File("x")], "--seed-midi", dir.Path);
    }

    [Fact]
    public void Train_UnwritableOutput() => AssertOneLineError(["train", Paths.Demo, "--out", "/dev/null/model", "--epochs", "1"], "/dev/null");

    [Fact]
    public void Train_IncompatibleConfigFile()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("cfg.json"), """{"training": {"batchSize": "many"}}""");
        AssertOneLineError(["train", Paths.Demo, "--out", dir.File("m"), "--config", dir.File("cfg.json")], "cfg.json", dir.File("m"));
    }

    [Fact]
    public void Train_NoMidiFiles()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("empty"));
        AssertOneLineError(["train", dir.File("empty"), "--out", dir.File("m")], "no MIDI files", dir.File("m"));
    }

    [Fact]
    public void Train_WindowOutOfRange()
    {
        using var dir = new TempDir();
        AssertOneLineError(["train", Paths.Demo, "--out", dir.File("m"), "--window", "0"], "sequence length 0 must be in 1..", dir.File("m"));
    }

    [Fact]
    public void Train_WindowLongerThanEveryPiece_SaysWhatWouldKeepThem()
    {
        // the 128-note piece cannot fill a 200-note window and its label; the error names the way out
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("short"));
        File.Copy(Path.Combine(Paths.Demo, "BoosterMusic_02-LavendersBlue.mid"), dir.File("short/a.mid"));
        AssertOneLineError(["train", dir.File("short"), "--out", dir.File("m"), "--window", "200"], "1 too short or drums only; --pad-start or a smaller --window keeps shorter pieces", dir.File("m"));
    }

    [Fact]
    public void Train_WindowLongerThanEveryPiece_PadStartKeepsIt()
    {
        // the way out the error names: with --pad-start the same piece is trained on, all 127 notes after its first
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("short"));
        File.Copy(Path.Combine(Paths.Demo, "BoosterMusic_02-LavendersBlue.mid"), dir.File("short/a.mid"));
        var (exit, output, err) = Cli.Run(["train", dir.File("short"), "--out", dir.File("m"), "--window", "200", "--pad-start", "--epochs", "1", "--val", "0"]);
        Assert.True(exit == 0, err);
        Assert.Contains("127 / 0 windows", output);
        ModelConfig c = ModelStore.Load(dir.File("m")).Config;
        Assert.True(c.PadStart);
        Assert.Equal(200, c.SequenceLength);
    }

    [Fact]
    public void Render_MissingMidi()
    {
        using var dir = new TempDir();
        AssertOneLineError(["render", "/nonexistent/x.mid", "--out", dir.File("x.wav")], "/nonexistent/x.mid", dir.Path);
    }

    [Fact]
    public void ModelCalibrate_MissingModel() => AssertOneLineError(["model", "calibrate", "/nonexistent/model"], "/nonexistent/model");

    [Fact]
    public void ModelCalibrate_PaperModel_SaysWhy_AndLeavesTheConfigAsItWas()
    {
        using var dir = new TempDir();
        string model = BrokenModel(dir, _ => { });
        string config = File.ReadAllText(Path.Combine(model, ModelStore.ConfigFile));
        AssertOneLineError(["model", "calibrate", model], "cannot calibrate the chords: its step head does not draw time classes");
        Assert.Equal(config, File.ReadAllText(Path.Combine(model, ModelStore.ConfigFile)));
    }

    [Fact]
    public void ModelCalibrate_CadenzaModelWithoutTrainingStatistics_AndAShareOutOfRange()
    {
        using var dir = new TempDir();
        string model = dir.File("model");
        Note[] notes = [new(60, 0, 0.5), new(64, 0, 0.5), new(67, 0.5, 1.0), new(72, 1.0, 1.25)];
        ModelStore.Save(MusicModel.Create(ModelConfig.Cadenza.WithTimeValues([notes]), 1), model);   // time classes, no corpus section
        AssertOneLineError(["model", "calibrate", model], "records no statistics of its training notes");
        AssertOneLineError(["model", "calibrate", model, "--share", "1.5"], "--share must be between 0 and 1");
    }

    [Fact]
    public void ModelExport_MissingModel() => AssertOneLineError(["model", "export", "/nonexistent/model", "--out", "/tmp/never"], "/nonexistent/model");
}
