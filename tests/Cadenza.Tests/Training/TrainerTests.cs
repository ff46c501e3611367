using System.Text.Json.Nodes;
using Cadenza.Corpus;
using Cadenza.Generation;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Training;

public class TrainerTests
{
    private static readonly ModelConfig Tiny = new() { SequenceLength = 8, LstmUnits = [16] };

    private static TrainRequest Request(string output, int epochs, bool resume = false, int patience = 5, double validation = 0.1) => new()
    {
        Source = Paths.Demo,
        Output = output,
        Model = Tiny,
        Training = new TrainingConfig { Epochs = epochs, Threads = 1, Patience = patience, Validation = validation, Seed = 11 },
        Resume = resume,
        Corpus = CorpusOptions.Default with { UseCache = false },
    };

    [Fact]
    public void Resume_TwoPlusTwoEpochs_BitIdenticalToFourEpochs()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TrainJob.Run(TrainJob.Prepare(Request(a.Path, 4)));
        TrainJob.Run(TrainJob.Prepare(Request(b.Path, 2)));
        TrainingResult resumed = TrainJob.Run(TrainJob.Prepare(Request(b.Path, 4, resume: true)));
        Assert.Equal(4, resumed.History.Count);
        Assert.Equal(ModelStore.Load(a.Path).Parameters.Values, ModelStore.Load(b.Path).Parameters.Values);
        // the checkpoints hold the same state (compared field by field: their files also record seconds, whose text may be of another length)
        var layout = ModelStore.Load(a.Path).Parameters;
        Checkpoint ca = Checkpoint.Load(a.Path, layout), cb = Checkpoint.Load(b.Path, layout);
        Assert.Equal((ca.CompletedEpochs, ca.BatchInEpoch, ca.AdamStep, ca.Best, ca.BestEpoch, ca.Wait), (cb.CompletedEpochs, cb.BatchInEpoch, cb.AdamStep, cb.Best, cb.BestEpoch, cb.Wait));
        Assert.Equal(ca.RngAtEpochStart, cb.RngAtEpochStart);
        Assert.Equal(ca.Weights, cb.Weights);
        Assert.Equal(ca.BestWeights, cb.BestWeights);
        Assert.Equal(ca.AdamM, cb.AdamM);
        Assert.Equal(ca.AdamV, cb.AdamV);
        Assert.Equal(
            File.ReadAllLines(Path.Combine(a.Path, "history.csv")).Select(l => l[..l.LastIndexOf(',')]),
            File.ReadAllLines(Path.Combine(b.Path, "history.csv")).Select(l => l[..l.LastIndexOf(',')]));   // all but the seconds column
    }

    [Fact]
    public void Resume_AfterCancellationMidEpoch_BitIdenticalToUninterrupted()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TrainJob.Run(TrainJob.Prepare(Request(a.Path, 2)));
        using var cancel = new CancellationTokenSource();
        var stopper = new CancelAfterBatches(cancel, 30);
        TrainingResult stopped = TrainJob.Run(TrainJob.Prepare(Request(b.Path, 2)), stopper, cancel.Token);
        Assert.True(stopped.Cancelled);
        TrainJob.Run(TrainJob.Prepare(Request(b.Path, 2, resume: true)));
        Assert.Equal(ModelStore.Load(a.Path).Parameters.Values, ModelStore.Load(b.Path).Parameters.Values);
    }

    private sealed class CancelAfterBatches(CancellationTokenSource cancel, int batches) : ITrainingObserver
    {
        private int _seen;
        public void BatchDone(int epoch, int batch, int total, int windows) { if (++_seen == batches) cancel.Cancel(); }
    }

    [Fact]
    public void SameSeedSingleThreaded_BitIdenticalWeights()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TrainJob.Run(TrainJob.Prepare(Request(a.Path, 1)));
        TrainJob.Run(TrainJob.Prepare(Request(b.Path, 1)));
        Assert.Equal(ModelStore.Load(a.Path).Parameters.Values, ModelStore.Load(b.Path).Parameters.Values);
    }

    [Fact]
    public void SameSeedTwoThreads_AlsoBitIdentical()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        TrainRequest Two(string o) { var r = Request(o, 1); return r with { Training = r.Training with { Threads = 2 } }; }
        TrainJob.Run(TrainJob.Prepare(Two(a.Path)));
        TrainJob.Run(TrainJob.Prepare(Two(b.Path)));
        Assert.Equal(ModelStore.Load(a.Path).Parameters.Values, ModelStore.Load(b.Path).Parameters.Values);
    }

    [Fact]
    public void Prepare_ModelWithAnInputThatIsNotANoteFeature_OneLineErrorBeforeReadingAnything()
    {
        using var dir = new TempDir();
        TrainRequest request = Request(dir.File("model"), 1);
        var loudness = new ModelConfig
        {
            Features = ["pitch", "step", "duration", "loudness"],
            Heads = [.. ModelConfig.Paper.Heads, new HeadConfig("loudness", 1, HeadKind.Regression, 1f)],
        };
        var e = Assert.Throws<TrainingException>(() => TrainJob.Prepare(request with { Model = loudness }));
        Assert.Contains("(pitch, step, duration, loudness)", e.Message);
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Theory]
    [InlineData("no velocity head", "input 'velocity' has no head")]
    [InlineData("velocity classes", "the velocity head must be a regression head")]
    [InlineData("88 pitch classes", "at least 128 classes")]
    public void Prepare_ModelThatCouldNotComposeFromItsPredictions_Refused(string change, string expected)
    {
        using var dir = new TempDir();
        HeadConfig[] paper = ModelConfig.Paper.Heads;
        ModelConfig model = change switch
        {
            "no velocity head" => Tiny with { Features = ["pitch", "step", "duration", "velocity"] },
            "velocity classes" => Tiny with { Features = ["pitch", "step", "duration", "velocity"], Heads = [.. paper, new HeadConfig("velocity", 128, HeadKind.Classes, 1f)] },
            _ => Tiny with { Heads = [paper[0] with { Units = 88 }, paper[1], paper[2]] },
        };
        var e = Assert.Throws<TrainingException>(() => TrainJob.Prepare(Request(dir.File("model"), 1) with { Model = model }));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void VelocityModel_TrainsAndGeneratesItsOwnDynamics()
    {
        using var dir = new TempDir();
        var velocity = Tiny with
        {
            Features = ["pitch", "step", "duration", "velocity"],
            Heads = [.. ModelConfig.Paper.Heads, new HeadConfig("velocity", 1, HeadKind.Regression, 1f)],
        };
        TrainRequest request = Request(dir.File("model"), 2) with { Model = velocity };
        PreparedTraining prepared = TrainJob.Prepare(request);
        Assert.Equal(4, prepared.TrainWindows.Features.Length);
        TrainingResult result = TrainJob.Run(prepared);
        Assert.All(result.History, e => Assert.True(double.IsFinite(e.HeadLosses[3])));   // the velocity head's loss

        // the demo corpus plays at several velocities; the model's own dynamics reach the MIDI and the CSV
        string output = dir.File("piece");
        GenerateOutcome o = GenerateJob.Run(new GenerateRequest
        {
            ModelPath = dir.File("model"), Output = output, Audio = [], Options = new GenerationOptions { Notes = 40, Seed = 3 },
        });
        Assert.All(o.Notes, n => Assert.InRange(n.Velocity, 1, 127));
        Assert.NotEqual(Note.DefaultVelocity, o.Notes[0].Velocity);   // not the paper's fixed 100
        Note[] back = Cadenza.Midi.MidiReader.Read(output + ".mid").Notes;
        Assert.Equal(o.Notes.Select(n => n.Velocity).Order(), back.Select(n => n.Velocity).Order());
        Assert.EndsWith(",velocity", File.ReadLines(output + ".csv").First());

        // and it evaluates: the held-out pitch loss of its pitch, step and duration heads
        EvalOutcome eval = EvalJob.Run(new EvalRequest
        {
            ModelPath = dir.File("model"), Notes = 20, Seeds = 1, PlotPath = null, Corpus = CorpusOptions.Default with { UseCache = false },
        });
        Assert.InRange(eval.Report.Loss.PitchNats, 0.5, 6.0);
    }

    [Fact]
    public void EarlyStopping_RestoresBestEpochWeights()
    {
        // a huge learning rate makes training loss worse after the first epochs; patience 1 stops and restores the best
        using var dir = new TempDir();
        var request = Request(dir.Path, 8, patience: 1, validation: 0) with { };
        request = request with { Training = request.Training with { LearningRate = 0.3f } };
        PreparedTraining prepared = TrainJob.Prepare(request);
        var observer = new Recorder { CurrentWeights = () => (float[])prepared.Model.Parameters.Values.Clone() };
        TrainingResult result = TrainJob.Run(prepared, observer);
        Assert.True(result.StoppedEarly);
        int best = result.History.MinBy(r => r.Loss)!.Epoch;
        Assert.Equal(best, result.BestEpoch);
        Assert.True(result.History.Count < 8);
        Assert.Equal(observer.Snapshots[best], ModelStore.Load(dir.Path).Parameters.Values);
        Assert.NotEqual(observer.Snapshots[result.History.Count], ModelStore.Load(dir.Path).Parameters.Values);
    }

    private sealed class Recorder : ITrainingObserver
    {
        public Dictionary<int, float[]> Snapshots { get; } = new();
        public void EpochDone(EpochRecord record, bool improved) => Snapshots[record.Epoch] = CurrentWeights!();
        public Func<float[]>? CurrentWeights { get; set; }
    }

    [Fact]
    public void Checkpoint_IsWrittenAtomically_NoTempFilesLeft()
    {
        using var dir = new TempDir();
        TrainJob.Run(TrainJob.Prepare(Request(dir.Path, 1)));
        Assert.True(File.Exists(Path.Combine(dir.Path, Checkpoint.FileName)));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        var model = ModelStore.Load(dir.Path);
        Checkpoint cp = Checkpoint.Load(dir.Path, model.Parameters);
        Assert.Equal(1, cp.CompletedEpochs);
        Assert.Single(cp.History);
    }

    [Fact]
    public void Settings_ConfigFileThenOptionsOverrideDefaults()
    {
        using var dir = new TempDir();
        string file = dir.File("cfg.json");
        File.WriteAllText(file, """{"model": {"lstmUnits": [64, 32]}, "training": {"epochs": 7, "batchSize": 32}}""");
        var (model, training) = TrainSettings.Resolve(dir.File("m"), false, file, new JsonObject { ["epochs"] = 3 }, preset: "paper");
        Assert.Equal([64, 32], model.LstmUnits);
        Assert.Equal(3, training.Epochs);
        Assert.Equal(32, training.BatchSize);
        Assert.Equal(0.005f, training.LearningRate);
    }

    [Fact]
    public void Settings_AnUnknownKeyInsideAHead_IsRefusedNamingTheFileAndTheKey_AndSoIsAModelFolderWithOne()
    {
        // a list (heads) replaces the preset's whole; a misspelt key inside one of its items used to be dropped, so
        // the head trained without its copy path and nothing said so
        using var dir = new TempDir();
        string file = dir.File("cfg.json");
        static string Heads(string pitch) =>
            "{\"model\": {\"heads\": [{\"name\": \"pitch\", \"units\": 128, \"kind\": \"classes\", \"lossWeight\": 1, " + pitch + "}, " +
            "{\"name\": \"step\", \"units\": 43, \"kind\": \"classes\", \"lossWeight\": 1}, {\"name\": \"duration\", \"units\": 43, \"kind\": \"classes\", \"lossWeight\": 1}]}}";
        File.WriteAllText(file, Heads("\"cpy\": true"));
        var refused = Assert.Throws<FormatException>(() => TrainSettings.Resolve(dir.File("m"), false, file, null));
        Assert.Contains(file, refused.Message);
        Assert.Contains("unknown HeadConfig setting 'cpy' in $.heads[0] (known: name, units, kind, lossWeight, copy,", refused.Message);
        File.WriteAllText(file, Heads("\"copy\": true"));
        Assert.True(TrainSettings.Resolve(dir.File("m"), false, file, null).Model.Heads[0].Copy);

        // a model folder whose config.json has a head setting this build does not know (say, from a newer build)
        string folder = dir.File("model");
        ModelStore.Save(MusicModel.Create(ModelConfig.Cadenza, 1), folder);
        string config = Path.Combine(folder, ModelStore.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"copy\": true", "\"copy\": true, \"relative\": true"));
        var unknown = Assert.Throws<ModelFormatException>(() => ModelStore.Load(folder));
        Assert.Contains(config, unknown.Message);
        Assert.Contains("unknown HeadConfig setting 'relative' in $.heads[0]", unknown.Message);
    }

    [Fact]
    public void Settings_DefaultPresetIsCadenza_PaperPresetIsThePapersModel()
    {
        using var dir = new TempDir();
        var (cadenza, cadenzaTraining) = TrainSettings.Resolve(dir.File("m"), false, null, null);
        Assert.Equal(ModelConfig.Cadenza.LstmUnits, cadenza.LstmUnits);
        Assert.NotNull(cadenza.Embeddings);
        Assert.All(cadenza.Heads, h => Assert.Equal(HeadKind.Classes, h.Kind));
        Assert.True(cadenzaTraining.Transpose > 0);
        Assert.True(cadenzaTraining.Stretch > 0);
        Assert.Contains("stretch", Assert.Throws<TrainingException>(() => (cadenzaTraining with { Stretch = 1.5f }).Validate()).Message);
        Assert.Contains("stretch", Assert.Throws<TrainingException>(() => (cadenzaTraining with { Stretch = float.NaN }).Validate()).Message);
        Assert.True(cadenzaTraining.Articulation > 0);
        Assert.Contains("articulation", Assert.Throws<TrainingException>(() => (cadenzaTraining with { Articulation = -0.5f }).Validate()).Message);
        Assert.Contains("articulation", Assert.Throws<TrainingException>(() => (cadenzaTraining with { Articulation = float.NaN }).Validate()).Message);
        var (paper, paperTraining) = TrainSettings.Resolve(dir.File("m"), false, null, null, preset: "paper");
        Assert.Equal(84_354, MusicModel.Create(paper, 1).ParameterCount);
        Assert.Equal(new TrainingConfig(), paperTraining);
        Assert.Contains("preset", Assert.Throws<FormatException>(() => TrainSettings.Resolve(dir.File("m"), false, null, null, preset: "jazz")).Message);
    }

    [Fact]
    public void Settings_WindowOption_SetsTheSequenceLength_AfterTheConfigFile_WithinItsBounds()
    {
        // `train --window N` arrives as the model patch {"sequenceLength": N}; it wins over the file and is bounded
        using var dir = new TempDir();
        string file = dir.File("cfg.json");
        File.WriteAllText(file, """{"model": {"sequenceLength": 10}}""");
        Assert.Equal(10, TrainSettings.Resolve(dir.File("m"), false, file, null).Model.SequenceLength);
        Assert.Equal(50, TrainSettings.Resolve(dir.File("m"), false, file, null, modelOptions: new JsonObject { ["sequenceLength"] = 50 }).Model.SequenceLength);
        foreach (int bad in new[] { 0, ModelConfig.MaxSequenceLength + 1 })
        {
            var e = Assert.Throws<ModelFormatException>(() => TrainSettings.Resolve(dir.File("m"), false, null, null, modelOptions: new JsonObject { ["sequenceLength"] = bad }));
            Assert.Contains($"sequence length {bad}", e.Message);
        }
    }

    [Fact]
    public void Settings_PaperModelConfigJson_ReusedWithoutPreset_IsThePaperModel()
    {
        // a model's config.json names every architecture key, so reusing it gives that model whatever the preset
        using var dir = new TempDir();
        ModelStore.Save(MusicModel.Create(ModelConfig.Paper, 1), dir.File("paper"));
        var (model, _) = TrainSettings.Resolve(dir.File("m"), false, dir.File("paper/config.json"), null);
        Assert.True(model.SameArchitecture(ModelConfig.Paper));
    }

    [Fact]
    public void Settings_UnknownKey_IsRejectedNamingIt()
    {
        using var dir = new TempDir();
        string file = dir.File("cfg.json");
        File.WriteAllText(file, """{"training": {"epochz": 7}}""");
        var e = Assert.Throws<FormatException>(() => TrainSettings.Resolve(dir.File("m"), false, file, null));
        Assert.Contains("epochz", e.Message);
    }

    [Fact]
    public void Trainer_NonFiniteLoss_StopsWithClearError()
    {
        using var dir = new TempDir();
        PreparedTraining p = TrainJob.Prepare(Request(dir.Path, 1));
        p.Model.Parameters.Span("pitch/bias")[3] = float.NaN;
        var e = Assert.Throws<TrainingException>(() => TrainJob.Run(p));
        Assert.Contains("NaN", e.Message);
    }
}
