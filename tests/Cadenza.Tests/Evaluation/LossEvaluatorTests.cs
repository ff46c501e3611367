using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Training;

namespace Cadenza.Tests.Evaluation;

public class LossEvaluatorTests
{
    private static readonly ModelConfig Small = new() { SequenceLength = 2, LstmUnits = [4] };

    // pitches 60 62 | 62 64 62: windows of 2 notes, labels 62, 64, 62
    private static readonly Note[] Piece =
    [
        new(60, 0.0, 0.5), new(62, 0.5, 1.0), new(62, 1.0, 1.25), new(64, 1.5, 2.5), new(62, 1.75, 2.0),
    ];

    [Fact]
    public void Evaluate_ZeroWeightsWithBiases_HandComputed()
    {
        // every weight 0: the logits are the pitch bias (2 at pitch 62, 0 elsewhere) whatever the input
        MusicModel model = MusicModel.Create(Small, 1);
        Array.Clear(model.Parameters.Values);
        model.Parameters.Values[model.Parameters["pitch/bias"].Offset + 62] = 2f;
        model.Parameters.Values[model.Parameters["step/bias"].Offset] = 0.1f;
        model.Parameters.Values[model.Parameters["duration/bias"].Offset] = -0.2f;

        HeldOutLoss loss = LossEvaluator.Evaluate(model, new WindowSet([Piece], 2), threads: 1);

        double logZ = Math.Log(127 + Math.Exp(2));
        Assert.Equal(3, loss.Windows);
        Assert.Equal(logZ - 4.0 / 3, loss.PitchNats, 1e-6);                    // −ln p: logZ − 2 for 62 (twice), logZ for 64 (float32 sums)
        Assert.Equal((logZ - 4.0 / 3) / Math.Log(2), loss.PitchBits, 1e-6);
        Assert.Equal(2.0 / 3, loss.Top1Accuracy, 12);                            // argmax is always 62
        Assert.Equal((0.4 * 0.4 + 0.4 * 0.4 + 0.15 * 0.15) / 3, loss.StepLoss, 6);   // steps 0.5, 0.5, 0.25 against 0.1
        Assert.Equal((0.45 * 0.45 + 1.2 * 1.2 + 0.45 * 0.45) / 3 + 10 * 0.2, loss.DurationLoss, 5);   // durations 0.25, 1, 0.25 against −0.2, plus pressure
    }

    [Fact]
    public void Evaluate_AllLogitsEqual_IsUniform()
    {
        MusicModel model = MusicModel.Create(Small, 1);
        Array.Clear(model.Parameters.Values);
        HeldOutLoss loss = LossEvaluator.Evaluate(model, new WindowSet([Piece], 2));
        Assert.Equal(Math.Log(128), loss.PitchNats, 6);
        Assert.Equal(7.0, loss.PitchBits, 6);
        Assert.Equal(0.0, loss.Top1Accuracy);   // ties go to pitch 0, never a label here
    }

    [Fact]
    public void Evaluate_MatchesTrainerValidationLoss_AnyThreadsOrBatch()
    {
        var (files, _) = CorpusReader.Read(Paths.Demo, CorpusOptions.Default with { UseCache = false });
        var config = new ModelConfig { SequenceLength = 8, LstmUnits = [16] };
        var windows = new WindowSet(files.Where(f => f.Status == CorpusFileStatus.Usable).Select(f => f.Notes).ToList(), config.SequenceLength);
        MusicModel model = MusicModel.Create(config, 5);

        HeldOutLoss one = LossEvaluator.Evaluate(model, windows, threads: 1, batch: 128);
        HeldOutLoss two = LossEvaluator.Evaluate(model, windows, threads: 2, batch: 37);
        var (_, heads) = Trainer.Evaluate(new MusicNetwork(model, 64), windows, 64, [0, 1, 2]);

        Assert.Equal(windows.Count, one.Windows);
        Assert.Equal(heads[0], one.PitchNats, 4);
        Assert.Equal(heads[1], one.StepLoss, 4);
        Assert.Equal(heads[2], one.DurationLoss, 4);
        Assert.Equal(one.PitchNats, two.PitchNats, 9);
        Assert.Equal(one.StepLoss, two.StepLoss, 9);
        Assert.Equal(one.DurationLoss, two.DurationLoss, 9);
        Assert.Equal(one.Top1Accuracy, two.Top1Accuracy);
        Assert.Equal(2, two.Threads);
    }

    [Fact]
    public void Evaluate_WrongSequenceLength_Throws()
    {
        MusicModel model = MusicModel.Create(Small, 1);
        Assert.Throws<EvaluationException>(() => LossEvaluator.Evaluate(model, new WindowSet([Piece], 3)));
    }
}
