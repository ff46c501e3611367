using System.Text.Json.Nodes;
using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Evaluation;

/// <summary>A tiny model trained for one epoch on a copy of the demo corpus, with a held-out split; shared by the job tests.</summary>
public sealed class TinyEvalModel : IDisposable
{
    private readonly TempDir _dir = new();

    public TinyEvalModel()
    {
        Corpus = Path.Combine(_dir.Path, "corpus");
        Directory.CreateDirectory(Corpus);
        foreach (string f in Directory.GetFiles(Paths.Demo, "*.mid")) File.Copy(f, Path.Combine(Corpus, Path.GetFileName(f)));
        Model = Path.Combine(_dir.Path, "model");
        TrainJob.Run(TrainJob.Prepare(new TrainRequest
        {
            Source = Corpus,
            Output = Model,
            Model = new ModelConfig { SequenceLength = 8, LstmUnits = [16] },
            Training = new TrainingConfig { Epochs = 1, Threads = 1, Validation = 0.2, Seed = 3 },
            Corpus = CorpusOptions.Default with { UseCache = false },
        }));
    }

    public string Corpus { get; }
    public string Model { get; }
    public string Temp(string name) => _dir.File(name);
    public void Dispose() => _dir.Dispose();
}

public class EvalJobTests(TinyEvalModel tiny) : IClassFixture<TinyEvalModel>
{
    private EvalRequest Request(string name) => new()
    {
        ModelPath = tiny.Model,
        Notes = 30,
        Seeds = 3,
        JsonPath = tiny.Temp(name + ".json"),
        PlotPath = tiny.Temp(name + ".png"),
        Corpus = CorpusOptions.Default with { UseCache = false },
    };

    [Fact]
    public void Run_DefaultHeldOut_IsTheRecordedValidationFiles_AndWritesJsonAndPng()
    {
        EvalOutcome o = EvalJob.Run(Request("a"));
        JsonObject config = ModelStore.ReadConfig(tiny.Model);
        Assert.Equal(config["corpus"]!["validationFiles"]!.AsArray().Count, o.Report.HeldOutFiles);
        Assert.Equal(config["corpus"]!["validationWindows"]!.GetValue<int>(), o.Report.Loss.Windows);
        Assert.Equal(90, o.Report.Generated.Notes);
        Assert.Equal(3, o.Report.Seeds.Count);
        Assert.NotNull(o.Report.Baselines.UnigramNats);
        Assert.InRange(o.Report.Loss.PitchNats, 0.5, 6);
        Assert.Empty(o.Report.Warnings);

        JsonObject json = JsonNode.Parse(File.ReadAllText(tiny.Temp("a.json")))!.AsObject();
        foreach (string key in new[] { "pitch_nll_nats", "pitch_nll_bits", "step_loss", "duration_loss", "top1_accuracy", "windows" })
            Assert.NotNull(json["heldout_loss"]![key]);
        Assert.Equal(Math.Log(128), json["baselines"]!["uniform_nats"]!.GetValue<double>(), 12);
        Assert.NotNull(json["baselines"]!["unigram_nats"]);
        var generated = json["generated"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(generated, json["heldout"]!.AsObject().Select(p => p.Key));
        foreach (string key in new[] { "zero_step_share", "zero_duration_share", "longest_pitch_run", "top_pitch_share", "notes_per_second", "histograms" })
            Assert.Contains(key, generated);
        foreach (string key in new[] { "pitch", "pitch_class", "step", "duration" })
            Assert.InRange(json["jsd"]![key]!.GetValue<double>(), 0, 1);
        Assert.Equal(128, json["heldout"]!["histograms"]!["pitch"]!.AsArray().Count);
        Assert.Equal(TimeBins.Count, json["heldout"]!["histograms"]!["step"]!.AsArray().Count);

        byte[] png = File.ReadAllBytes(tiny.Temp("a.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void Run_SameRngSeed_SameReport_OtherSeedOtherMusic()
    {
        EvalReport a = EvalJob.Run(Request("b1")).Report;
        EvalReport b = EvalJob.Run(Request("b2")).Report;
        EvalReport c = EvalJob.Run(Request("b3") with { RngSeed = 7 }).Report;
        Assert.Equal(a.Seeds, b.Seeds);
        Assert.Equal(a.Generated.Histograms.Pitch, b.Generated.Histograms.Pitch);
        Assert.Equal(a.Jsd, b.Jsd);
        Assert.Equal(a.Loss.PitchNats, b.Loss.PitchNats);
        Assert.NotEqual(a.Seeds, c.Seeds);
    }

    [Fact]
    public void Run_RealContinuations_AreTheHeldOutNotesAfterEachSeed()
    {
        EvalReport r = EvalJob.Run(Request("r")).Report;
        var (all, _) = CorpusReader.Read(tiny.Corpus, CorpusOptions.Default with { UseCache = false, MinNotes = 9 });
        var pitch = new long[128];
        long notes = 0, chordNotes = 0;
        foreach (SeedWindow seed in r.Seeds)
        {
            Note[] file = all.Single(f => f.Path == seed.File).Notes;
            // the 30 notes after the seed's 8 (fewer at the end of a file); the first one's step counts from the seed's last onset
            for (int i = seed.Note + 8; i < Math.Min(file.Length, seed.Note + 8 + 30); i++)
            {
                pitch[file[i].Pitch]++;
                notes++;
                if (file[i].Start == file[i - 1].Start) chordNotes++;
            }
        }
        MusicStatistics real = r.RealContinuations!;
        Assert.Equal(notes, real.Notes);
        Assert.Equal(pitch, real.Histograms.Pitch);
        Assert.Equal(notes, real.Histograms.Step.Sum());
        Assert.Equal((double)chordNotes / notes, real.ZeroStepShare, 12);
        Assert.Equal(DistributionDivergence.Between(real, r.HeldOut), r.RealContinuationJsd);
        Assert.NotNull(r.ToJson()["jsd_real_continuations"]!["duration"]);
    }

    [Fact]
    public void Run_DataThatWasTrainedOn_WarnsThatItIsNotHeldOut()
    {
        EvalOutcome o = EvalJob.Run(Request("c") with { Data = tiny.Corpus, Seeds = 0 });
        Assert.Contains(o.Report.Warnings, w => w.Contains("used to train the model"));
        Assert.Equal(0, o.Report.Generated.Notes);
        Assert.Null(o.Report.ToJson()["jsd"]!["pitch"]);   // nothing generated: no divergence
    }

    [Fact]
    public void Run_TfjsModelWithData_SkipsTheUnigramBaseline()
    {
        string tfjs = tiny.Temp("tfjs");
        TfjsFormat.Export(ModelStore.Load(tiny.Model), tfjs);
        EvalOutcome o = EvalJob.Run(Request("d") with { ModelPath = Path.Combine(tfjs, "model.json"), Data = Paths.Demo, Seeds = 1, PlotPath = null });
        Assert.Null(o.Report.Baselines.UnigramNats);
        Assert.Contains(o.Report.Warnings, w => w.Contains("unigram"));
        Assert.Equal(Path.Combine(tfjs, EvalJob.PlotFile), o.Files[0]);
        Assert.Null(o.Report.ToJson()["baselines"]!["unigram_nats"]);
    }

    [Fact]
    public void Run_TfjsModelWithoutData_AsksForData()
    {
        string tfjs = tiny.Temp("tfjs2");
        TfjsFormat.Export(ModelStore.Load(tiny.Model), tfjs);
        var e = Assert.Throws<EvaluationException>(() => EvalJob.Run(Request("e") with { ModelPath = tfjs }));
        Assert.Contains("--data", e.Message);
    }

    [Fact]
    public void Run_CorpusGone_AsksForData()
    {
        string model = tiny.Temp("moved-model");
        Directory.CreateDirectory(model);
        JsonObject config = ModelStore.ReadConfig(tiny.Model);
        config["corpus"]!["source"] = tiny.Temp("no-such-corpus");
        File.WriteAllText(Path.Combine(model, ModelStore.ConfigFile), config.ToJsonString());
        File.Copy(Path.Combine(tiny.Model, ModelStore.WeightsFile), Path.Combine(model, ModelStore.WeightsFile));
        var e = Assert.Throws<EvaluationException>(() => EvalJob.Run(Request("f") with { ModelPath = model }));
        Assert.Contains("--data", e.Message);
        Assert.Contains("no-such-corpus", e.Message);
    }

    [Fact]
    public void Run_BadOptions_Throw()
    {
        Assert.Throws<EvaluationException>(() => EvalJob.Run(Request("g") with { Notes = 0 }));
        Assert.Throws<EvaluationException>(() => EvalJob.Run(Request("g") with { Seeds = -1 }));
        Assert.Throws<EvaluationException>(() => EvalJob.Run(Request("g") with { Temperature = -1 }));
    }
}
