using Cadenza.Common;
using Cadenza.Evaluation;
using Cadenza.Generation;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;

namespace Cadenza.Tests.Generation;

/// <summary>Chord calibration: one offset on the step head's zero class, found by composing, seen only by the sampler.</summary>
public class ChordCalibrationTests
{
    private static readonly Note[] Training = [new(60, 0, 0.3), new(62, 0, 0.2), new(64, 0.25, 0.45), new(65, 0.55, 1.55), new(67, 0.6, 0.65), new(69, 1.6, 2.0)];

    private static (MusicModel Model, List<float[]> Seeds) Small()
    {
        MusicModel model = MusicModel.Create(CadenzaModelTests.TimeClasses.WithTimeValues([Training]), 5);
        var rng = new Rng(8);
        var seeds = new List<float[]>();
        for (int s = 0; s < 5; s++)
        {
            var notes = new Note[4];
            double t = 0;
            for (int i = 0; i < 4; i++) { t += rng.NextInt(3) * 0.2; notes[i] = new Note(48 + rng.NextInt(24), t, t + 0.3); }
            seeds.Add(NoteFeatures.ToFeatures(notes, model.Config.Features));
        }
        return (model, seeds);
    }

    private static double ComposedShare(MusicModel model, IReadOnlyList<float[]> seeds, GenerationOptions options)
    {
        var generator = new Generator(model);
        return MusicStatistics.Of(seeds.Select((s, i) => generator.Generate(s, options with { Seed = (ulong)(100 + i) })).ToList(), continuesSeed: true).ZeroStepShare;
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(0.05)]
    public void Calibrate_BringsTheComposedChordShareToTheTarget_EitherWay(double target)
    {
        var (model, seeds) = Small();
        ChordCalibrationResult r = ChordCalibration.Calibrate(model, seeds, target, seed: 3);
        Assert.Equal(r.Offset, r.Model.Config.Heads.Single(h => h.Name == "step").ZeroLogitOffset);
        Assert.True(target > r.Before ? r.Offset > 0 : r.Offset < 0, $"offset {r.Offset} from {r.Before} toward {target}");
        Assert.True(Math.Abs(r.After - target) < 0.03, $"calibrated share {r.After}, target {target}");
        // pieces composed with other seeds and draws than the calibration's land near the target too
        var options = new GenerationOptions { Notes = 400 };
        double before = ComposedShare(model, seeds, options), after = ComposedShare(r.Model, seeds, options);
        Assert.True(Math.Abs(after - target) < Math.Abs(before - target) && Math.Abs(after - target) < 0.06, $"composed {before} → {after}, target {target}");
    }

    [Fact]
    public void Offset_OnlyTheSamplerSeesIt_AndUncalibratedIgnoresIt()
    {
        var (model, seeds) = Small();
        MusicModel shifted = ChordCalibration.With(model, 1.5f);
        var windows = seeds.SelectMany(s => s).ToArray();
        var a = new MusicNetwork(model, seeds.Count);
        var b = new MusicNetwork(shifted, seeds.Count);
        float[] x = windows.Select((v, i) => model.Config.InputEncoding(model.Config.Features[i % 3]).Encode(v)).ToArray();
        a.Infer(x, seeds.Count);
        b.Infer(x, seeds.Count);
        Assert.Equal(a.HeadOutput(1, seeds.Count).ToArray(), b.HeadOutput(1, seeds.Count).ToArray());   // the network's odds are the same
        var options = new GenerationOptions { Notes = 50, Seed = 7 };
        Assert.Equal(new Generator(model).Generate(seeds[0], options), new Generator(shifted).Generate(seeds[0], options with { Uncalibrated = true }));
        Assert.NotEqual(new Generator(model).Generate(seeds[0], options), new Generator(shifted).Generate(seeds[0], options));
    }

    [Fact]
    public void Offset_SavedWithTheModel_AndAModelWithoutOneWritesNoKey()
    {
        using var dir = new TempDir();
        var (model, _) = Small();
        ModelStore.Save(model, dir.File("plain"));
        Assert.DoesNotContain("zeroLogitOffset", File.ReadAllText(Path.Combine(dir.File("plain"), ModelStore.ConfigFile)));
        ModelStore.SaveConfig(ChordCalibration.With(model, -0.75f).Config, dir.File("plain"));
        MusicModel back = ModelStore.Load(dir.File("plain"));
        Assert.Equal(-0.75f, back.Config.Heads.Single(h => h.Name == "step").ZeroLogitOffset);
        Assert.Equal(model.Parameters.Values, back.Parameters.Values);
    }

    [Fact]
    public void PaperModel_HasNothingToCalibrate()
    {
        MusicModel paper = MusicModel.Create(ModelConfig.Paper, 1);
        Assert.False(ChordCalibration.Applies(paper.Config));
        Assert.Contains("regresses the step", CalibrateJob.Problem(paper, null));
        Assert.Throws<ArgumentException>(() => ChordCalibration.Calibrate(paper, [new float[75]], 0.5, 1));
    }
}
