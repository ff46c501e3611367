using System.Text.Json.Nodes;
using Cadenza.Generation;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Generation;

/// <summary>The Cadenza model end to end: time classes sampled and played at their recorded values, and a trained model that plays chords.</summary>
public class CadenzaModelTests
{
    // a small model of the Cadenza model's shape (embeddings, time classes with an exact-zero step class), shared by the generation tests
    internal static readonly ModelConfig TimeClasses = new()
    {
        SequenceLength = 4,
        Embeddings = [new("pitch", 4), new("step", 3), new("duration", 3)],
        TimeBinEdges = [0.001, 0.1, 0.5],
        LstmUnits = [8],
        Heads = [new("pitch", 128, HeadKind.Classes, 1f), new("step", 4, HeadKind.Classes, 1f), new("duration", 4, HeadKind.Classes, 1f)],
    };

    [Fact]
    public void Generate_TimeClassHeads_PlayTheDrawnBinsRecordedValue()
    {
        // the time values are the medians of the training notes in each bin
        Note[] training = [new(60, 0, 0.3), new(62, 0, 0.2), new(64, 0.25, 0.45), new(65, 0.55, 1.55), new(67, 0.6, 0.65), new(69, 1.6, 2.0)];
        ModelConfig config = TimeClasses.WithTimeValues([training]);
        float[] steps = config.Heads[1].Values!, durations = config.Heads[2].Values!;
        Assert.Equal(0f, steps[0]);                        // steps 0, 0 (the first note's, and the chord)
        Assert.Equal(0.05f, steps[1], 6);                  // one step in [0.001, 0.1): 0.05
        Assert.Equal(0.3f, steps[2], 6);                   // 0.25, 0.3 → the upper median
        Assert.Equal(1.0f, steps[3], 6);                   // 1.0
        Assert.Equal(0.0005f, durations[0], 6);            // no note shorter than 1 ms: half the edge, never a note of length 0
        Assert.Equal(0.3f, durations[2], 6);               // 0.2, 0.2, 0.3, 0.4 → the upper median
        Assert.Equal(1.0f, durations[3], 6);

        MusicModel model = MusicModel.Create(config, 3);
        model.Parameters.Span("step/bias")[2] = 50f;       // the step head all but certain of bin 2, duration of bin 3
        model.Parameters.Span("duration/bias")[3] = 50f;
        var generator = new Generator(model);
        float[] seed = NoteFeatures.ToFeatures(training.AsSpan(0, 4), config.Features);
        foreach (var options in new[] { new GenerationOptions { Notes = 6, Temperature = 0 }, new GenerationOptions { Notes = 6, Temperature = 1, Seed = 9 } })
        {
            Note[] notes = generator.Generate(seed, options);
            Assert.All(notes.Select((n, i) => n.Start - (i == 0 ? 0 : notes[i - 1].Start)), s => Assert.Equal(steps[2], s, 5));
            Assert.All(notes, n => Assert.Equal(durations[3], n.Duration, 5));
        }
    }

    [Fact]
    public void Generate_TimeClassHeadWithoutRecordedValues_IsRefused()
    {
        var e = Assert.Throws<GenerationException>(() => new Generator(MusicModel.Create(TimeClasses, 1)));
        Assert.Contains("no recorded values", e.Message);
    }

    [Fact]
    public void Resume_CadenzaPreset_EndsWithTheBitsOfAnUninterruptedRun()
    {
        // dropout masks and transpositions are drawn from the seed per batch, so a resumed run redraws the same ones
        using var dir = new TempDir();
        ModelConfig small = ModelConfig.Cadenza with { LstmUnits = [16] };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 2, Patience = 0, Threads = 1 };
        TrainRequest Request(string output, int epochs, bool resume = false) =>
            new() { Source = Paths.Demo, Output = output, Model = small, Training = training with { Epochs = epochs }, Resume = resume };
        TrainJob.Run(TrainJob.Prepare(Request(dir.File("whole"), 2)));
        TrainJob.Run(TrainJob.Prepare(Request(dir.File("split"), 1)));
        TrainJob.Run(TrainJob.Prepare(Request(dir.File("split"), 2, resume: true)));
        Assert.Equal(ModelStore.Load(dir.File("whole")).Parameters.Values, ModelStore.Load(dir.File("split")).Parameters.Values);
    }

    [Fact]
    public void TrainAndGenerate_CadenzaPreset_ThePiecePlaysChords()
    {
        using var dir = new TempDir();
        string model = dir.File("model");
        ModelConfig small = ModelConfig.Cadenza with { LstmUnits = [48] };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 3, Patience = 0 };
        TrainingResult result = TrainJob.Run(TrainJob.Prepare(new TrainRequest { Source = Paths.Demo, Output = model, Model = small, Training = training, Calibrate = true }));
        Assert.Equal(3, result.History.Count);
        Assert.True(result.History[^1].Loss < result.History[0].Loss, "the training loss falls");
        // --calibrate: composed from the validation files, the share of chords meets the training notes', and the offset is saved
        ChordCalibrationResult c = result.Calibration!;
        Assert.True(Math.Abs(c.After - c.Target) < 0.05, $"calibrated share {c.After}, training notes {c.Target}");
        Assert.Equal(c.Offset, ModelStore.Load(model).Config.Heads.Single(h => h.Name == "step").ZeroLogitOffset);
        // eval composes with the offset and says so (JSON generation.zero_logit_offset), or without it when asked
        var eval = new EvalRequest { ModelPath = model, Notes = 20, Seeds = 2, JsonPath = dir.File("eval.json"), PlotPath = dir.File("eval.png") };
        Assert.Equal(c.Offset, EvalJob.Run(eval).Report.ChordOffset);
        Assert.Equal(c.Offset, JsonNode.Parse(File.ReadAllText(dir.File("eval.json")))!["generation"]!["zero_logit_offset"]!.GetValue<float>());
        Assert.Equal(0, EvalJob.Run(eval with { Uncalibrated = true }).Report.ChordOffset);

        GenerateOutcome piece = GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("piece"), Audio = [], Options = new GenerationOptions { Notes = 200, Seed = 4 } });
        Assert.Equal(c.Offset, piece.ChordOffset);
        double[] stepsPlayed = piece.Notes.Skip(1).Select((n, i) => n.Start - piece.Notes[i].Start).ToArray();
        int chords = stepsPlayed.Count(s => s < 0.001);
        Assert.True(chords >= 10, $"{chords} of {stepsPlayed.Length} notes start with the one before");
        Assert.All(piece.Notes, n => Assert.True(n.Duration > 0, $"a note of length {n.Duration}"));
        // every step and duration is one of the values recorded for the bins
        ModelConfig trained = ModelStore.Load(model).Config;
        float[] values = trained.Heads.Single(h => h.Name == "step").Values!;
        Assert.All(stepsPlayed, s => Assert.Contains(values, v => Math.Abs(v - s) < 1e-4));
    }

    [Fact]
    public void TrainAndGenerate_PaddedWindows_APieceShorterThanTheWindowAndAFiveNoteSeed()
    {
        // a 128-note piece and a 200-note window: without padding it has no window at all; padded, all 127 of its
        // notes after the first are labels, and a seed may be shorter than the window
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("short"));
        File.Copy(Path.Combine(Paths.Demo, "BoosterMusic_02-LavendersBlue.mid"), dir.File("short/a.mid"));
        ModelConfig padded = ModelConfig.Cadenza with { LstmUnits = [16], SequenceLength = 200, PadStart = true };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 1, Patience = 0, Validation = 0, Threads = 1 };
        PreparedTraining prepared = TrainJob.Prepare(new TrainRequest { Source = dir.File("short"), Output = dir.File("model"), Model = padded, Training = training });
        Assert.Equal(127, prepared.TrainWindows.Count);
        TrainJob.Run(prepared);

        Note[] seed = Cadenza.Midi.MidiReader.Read(dir.File("short/a.mid")).Notes[..5];
        GenerateOutcome fromFive = GenerateJob.Run(new GenerateRequest { ModelPath = dir.File("model"), Output = dir.File("five"), Audio = [], SeedNotes = seed, Options = new GenerationOptions { Notes = 40, Seed = 2 } });
        Assert.Equal(40, fromFive.Notes.Length);
        Assert.Equal(5, fromFive.SeedNotes.Length);   // the padding is not played
        Assert.Equal(seed.Select(n => n.Pitch), fromFive.SeedNotes.Select(n => n.Pitch));
        Assert.All(fromFive.Notes, n => Assert.InRange(n.Pitch, 0, 127));
        // the model's recorded seeds are windows that start before the piece: their real notes, padded again to generate
        GenerateOutcome recorded = GenerateJob.Run(new GenerateRequest { ModelPath = dir.File("model"), Output = dir.File("recorded"), Audio = [], Options = new GenerationOptions { Notes = 10, Seed = 3 } });
        Assert.InRange(recorded.SeedNotes.Length, 1, 127);
        Assert.Equal(10, recorded.Notes.Length);

        // eval judges it on windows as it was trained: the 127 labels of the short piece, and the count models on the same
        EvalOutcome judged = EvalJob.Run(new EvalRequest { ModelPath = dir.File("model"), Data = dir.File("short"), Seeds = 2, Notes = 20 });
        Assert.Equal(127, judged.Report.Loss.Windows);
        Assert.True(double.IsFinite(judged.Report.Loss.PitchNats));
        Assert.All(judged.Report.CountModels, c => Assert.True(double.IsFinite(c.CopyNats), $"{c.Feature} copy model"));
        Assert.Equal(2, judged.Report.Generated.Pieces);
    }

    [Fact]
    public void PadStart_NeedsEveryInputEmbedded()
    {
        var e = Assert.Throws<ModelFormatException>(() => (ModelConfig.Paper with { PadStart = true }).Validate("test"));
        Assert.Contains("padStart needs every input embedded", e.Message);
    }
}
