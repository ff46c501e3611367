using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Tests.Nn;

/// <summary>The Cadenza model's layers (embeddings, time class heads, copy paths): hand-computed forward passes and finite-difference gradients.</summary>
public class CadenzaLayerTests
{
    // pitch and step embedded, duration a scaled value; pitch and step copy from the window, duration is regressed;
    // pitch reads the next note's step (its embedding) and duration reads its step and pitch
    private static readonly ModelConfig Small = new()
    {
        SequenceLength = 5,
        Embeddings = [new("pitch", 4), new("step", 3)],
        TimeBinEdges = [0.001, 0.1, 0.5],
        LstmUnits = [6],
        Heads =
        [
            new("pitch", 128, HeadKind.Classes, 1f) { Copy = true, Given = ["step"] },
            new("step", 4, HeadKind.Classes, 0.5f) { Copy = true },
            new("duration", 1, HeadKind.Regression, 1f) { Given = ["step", "pitch"] },
        ],
    };

    // encoded windows: pitch a class from a few (so the window repeats values the labels can copy), step a bin, duration seconds
    private static (float[] X, float[] Labels) RandomBatch(ModelConfig c, int batch, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[batch * c.SequenceLength * c.InputSize];
        for (int i = 0; i < x.Length; i += 3)
        {
            x[i] = 60 + rng.NextInt(4);
            x[i + 1] = rng.NextInt(4);
            x[i + 2] = 0.2f + (float)rng.NextDouble();
        }
        var labels = new float[batch * 3];
        for (int b = 0; b < batch; b++)
        {
            labels[b * 3] = b == 0 ? 100 : 60 + rng.NextInt(4);   // window 0's label is in no window: only the softmax explains it
            labels[b * 3 + 1] = rng.NextInt(4);
            labels[b * 3 + 2] = 0.5f + (float)rng.NextDouble();
        }
        return (x, labels);
    }

    [Fact]
    public void Gradients_EmbeddingsTimeClassesAndCopyPaths_MatchCentralFiniteDifferences() => CheckGradients(Small, dropout: null);

    [Fact]
    public void Gradients_WithDropout_MatchCentralFiniteDifferences() => CheckGradients(Small with { Dropout = 0.3f }, dropout: 77);

    [Fact]
    public void Gradients_WithPositionScores_MatchCentralFiniteDifferences() => CheckGradients(Small with { CopyPositions = true }, dropout: null);

    [Fact]
    public void Gradients_PaddedWindows_MatchCentralFiniteDifferences() => CheckGradients(Small with { CopyPositions = true }, dropout: null, padded: 2);

    [Fact]
    public void Dropout_TrainingOnly_AndTheSameSeedGivesTheSameMask()
    {
        MusicModel model = MusicModel.Create(Small with { Dropout = 0.5f }, seed: 5);
        var (x, labels) = RandomBatch(Small, 3, 9);
        var network = new MusicNetwork(model, 3);
        float Loss(ulong? seed) { network.Forward(x, 3, labels, seed); return network.Loss(labels, 3, new float[3]); }
        float plain = Loss(null);
        Assert.Equal(plain, Loss(null));
        Assert.Equal(Loss(1), Loss(1));
        Assert.NotEqual(plain, Loss(1));
        Assert.NotEqual(Loss(1), Loss(2));
    }

    // padded: that many padding rows (class −1 in the embedded pitch and step) at the start of the first window
    private static void CheckGradients(ModelConfig config, ulong? dropout, int padded = 0)
    {
        MusicModel model = MusicModel.Create(config, seed: 5);
        var rng = new Rng(8);
        string[] positions = config.CopyPositions ? ["pitch_copy/position_bias", "step_copy/position_bias"] : [];
        foreach (string name in new[] { "pitch_copy/sentinel_kernel", "step_copy/sentinel_kernel", "pitch_copy/sentinel_bias" }.Concat(positions))
        {
            Span<float> w = model.Parameters.Span(name);
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextNormal() * 0.5f;   // away from the all-zero start, so their gradients are tested
        }
        model.Parameters.Span("duration/bias").Fill(0.7f);   // away from the positive-pressure kink at 0
        var (x, labels) = RandomBatch(Small, 3, 9);
        for (int r = 0; r < padded; r++) { x[r * 3] = EmbeddingLayer.Pad; x[r * 3 + 1] = EmbeddingLayer.Pad; }
        // only the embedding rows the batch uses have a gradient; every other entry must stay exactly 0
        var (_, touched) = GradientCheck.Run(model, x, labels, 3, dropout);
        // the check is not vacuous: every tensor of the new layers carries gradient
        foreach (string name in new[] { "pitch_embedding/embeddings", "step_embedding/embeddings", "pitch_copy/kernel", "pitch_copy/sentinel_kernel",
                                        "pitch_copy/sentinel_bias", "step_copy/kernel", "step/kernel", "lstm/kernel" }.Concat(positions))
            Assert.Contains(name, touched);
    }

    [Theory]
    [InlineData(1, 0)]   // packed panels (generation's per-note window)
    [InlineData(3, 2)]   // packed, with padding rows
    [InlineData(5, 2)]   // the plain product (eval's batches)
    public void FoldedInputs_Inference_MatchesTheUnfoldedPass_AndFollowsTheWeightsOnlyWhenFoldedAgain(int batch, int padded)
    {
        // generation and eval look the first LSTM's input product up (FoldInputs): pitch and step through their tables,
        // duration (a scaled value) through its kernel row; a second LSTM reads the first as before
        ModelConfig config = Small with { LstmUnits = [16, 8] };   // 4H = 64: one panel
        MusicModel model = MusicModel.Create(config, seed: 3);
        var (x, labels) = RandomBatch(config, batch, 4);
        for (int r = 0; r < padded; r++) { x[r * 3] = EmbeddingLayer.Pad; x[r * 3 + 1] = EmbeddingLayer.Pad; }
        var plain = new MusicNetwork(model, batch);
        var folded = new MusicNetwork(model, batch);
        folded.PackWeights();
        folded.FoldInputs();
        void AssertClose(float tolerance)
        {
            plain.Infer(x, batch, labels);
            folded.Infer(x, batch, labels);
            for (int h = 0; h < config.Heads.Length; h++)
                Assert.True(MaxDiff(plain.HeadOutput(h, batch), folded.HeadOutput(h, batch)) <= tolerance, $"head {h}");
            Assert.True(MaxDiff(plain.LastHidden(batch), folded.LastHidden(batch)) <= tolerance);
            Assert.True(MaxDiff(plain.LastCell(batch), folded.LastCell(batch)) <= tolerance);
        }
        AssertClose(1e-6f);

        // the lookup is what ran: changed embedding rows (the window's pitches, 60..63) are not seen until the tables are folded again
        model.Parameters.Span("pitch_embedding/embeddings").Slice(60 * 4, 4 * 4).Fill(0.9f);
        plain.Infer(x, batch, labels);
        folded.Infer(x, batch, labels);
        Assert.True(MaxDiff(plain.LastHidden(batch), folded.LastHidden(batch)) > 1e-3f);
        folded.PackWeights();
        folded.FoldInputs();
        AssertClose(1e-6f);

        // training passes never fold: the same bits as a network that was not folded
        plain.Forward(x, batch, labels);
        folded.Forward(x, batch, labels);
        for (int h = 0; h < config.Heads.Length; h++) Assert.Equal(plain.HeadOutput(h, batch).ToArray(), folded.HeadOutput(h, batch).ToArray());
    }

    [Fact]
    public void FoldedInputs_AClassOutsideTheTable_IsRefused()
    {
        MusicModel model = MusicModel.Create(Small, seed: 3);
        var (x, labels) = RandomBatch(Small, 1, 4);
        x[3 * 2 + 1] = 4;   // step class 4 of 0..3
        var network = new MusicNetwork(model, 1);
        network.FoldInputs();
        Assert.Contains("outside 0..3", Assert.Throws<ArgumentOutOfRangeException>(() => network.Infer(x, 1, labels)).Message);
    }

    private static float MaxDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    [Fact]
    public void DrawingOrder_GivenFeaturesFirst_AndACycleIsRefused()
    {
        Assert.Equal([1, 0, 2], Small.DrawingOrder()!);                    // step, then pitch (given step), then duration
        Assert.Equal([0, 1, 2], ModelConfig.Paper.DrawingOrder()!);        // the paper draws pitch first
        ModelConfig cycle = Small with { Heads = [Small.Heads[0], Small.Heads[1] with { Given = ["pitch"] }, Small.Heads[2]] };
        Assert.Contains("cycle", Assert.Throws<ModelFormatException>(() => cycle.Validate("test")).Message);
        // step no longer embedded (and so not copied): pitch cannot read it
        ModelConfig scaled = Small with { Heads = [Small.Heads[0], Small.Heads[1] with { Copy = false }, Small.Heads[2]], Embeddings = [new("pitch", 4)] };
        Assert.Contains("reads 'step'", Assert.Throws<ModelFormatException>(() => scaled.Validate("test")).Message);
    }

    [Fact]
    public void CopyMixture_ZeroScores_HandComputed()
    {
        // all scores 0: the vocabulary and each of the T positions get 1/(T+1); with logits 0 the softmax is 1/C
        // p(j) = (1/C + count_j) / (T+1)
        const int t = 3, c = 4, hidden = 2;
        var parameters = new ParameterSet([("m/kernel", [hidden, hidden]), ("m/sentinel_kernel", [hidden, 1]), ("m/sentinel_bias", [1])]);
        var mixture = new CopyMixture(parameters, "m", hidden, c, t, maxBatch: 1);
        float[] sequence = [0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.9f];   // [T, B=1, H]
        float[] window = [2, 0, 2];                                  // [T, B=1, F=1] the classes at the three positions
        mixture.Forward(sequence, sequence.AsSpan(4, 2), new float[c], window, 1, 0, 1, parameters.Values);
        double[] expected = [(0.25 + 1) / 4, 0.25 / 4, (0.25 + 2) / 4, 0.25 / 4];
        float[] logp = mixture.LogProbs(1).ToArray();
        for (int j = 0; j < c; j++) Assert.Equal(Math.Log(expected[j]), logp[j], 5);
        Assert.Equal(0.25f, mixture.SentinelWeight(0), 6);
        // loss of label 2 and its gradient on the logits: π₀ = a₀·q₂ / p₂ = (1/4 · 1/4) / (2.25/4) = 1/9; dz = π₀·(q − onehot)
        var dz = new float[c];
        float loss = mixture.Loss([2f], 1, 0, 1, 1f, dz);
        Assert.Equal(-Math.Log(2.25 / 4), loss, 5);
        Assert.Equal(1 / 9.0 * 0.25, dz[0], 5);
        Assert.Equal(1 / 9.0 * (0.25 - 1), dz[2], 5);
    }

    [Fact]
    public void CopyMixture_PaddingIsNeverPointedAt_HandComputed()
    {
        // position 0 is padding (−1): the sentinel and the two notes share the attention, 1/3 each (scores 0)
        // p(j) = (1/3)·(1/C) + (1/3)·[j = 0] + (1/3)·[j = 2]
        const int t = 3, c = 4, hidden = 2;
        var parameters = new ParameterSet([("m/kernel", [hidden, hidden]), ("m/sentinel_kernel", [hidden, 1]), ("m/sentinel_bias", [1])]);
        var mixture = new CopyMixture(parameters, "m", hidden, c, t, maxBatch: 1);
        float[] sequence = [0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.9f];
        mixture.Forward(sequence, sequence.AsSpan(4, 2), new float[c], [EmbeddingLayer.Pad, 0, 2], 1, 0, 1, parameters.Values);
        double[] expected = [(0.25 + 1) / 3, 0.25 / 3, (0.25 + 1) / 3, 0.25 / 3];
        float[] logp = mixture.LogProbs(1).ToArray();
        for (int j = 0; j < c; j++) Assert.Equal(Math.Log(expected[j]), logp[j], 5);
        Assert.Equal(1 / 3f, mixture.SentinelWeight(0), 6);
    }

    [Fact]
    public void CopyMixture_PositionScores_HandComputed()
    {
        // the hidden states' scores are 0 (K = 0); position 0's own score ln 3 makes its weight 3/6, the rest 1/6 each:
        // p(j) = (1/6)·(1/C) + (3/6)·[v₀ = j] + (1/6)·[v₁ = j] + (1/6)·[v₂ = j]
        const int t = 3, c = 4, hidden = 2;
        var parameters = new ParameterSet([("m/kernel", [hidden, hidden]), ("m/sentinel_kernel", [hidden, 1]), ("m/sentinel_bias", [1]), ("m/position_bias", [t])]);
        parameters.Span("m/position_bias")[0] = MathF.Log(3);
        var mixture = new CopyMixture(parameters, "m", hidden, c, t, maxBatch: 1, positions: true);
        float[] sequence = [0.3f, -0.2f, 0.5f, 0.1f, -0.4f, 0.9f];
        float[] window = [2, 0, 2];
        mixture.Forward(sequence, sequence.AsSpan(4, 2), new float[c], window, 1, 0, 1, parameters.Values);
        double[] expected = [5 / 24.0, 1 / 24.0, 17 / 24.0, 1 / 24.0];
        float[] logp = mixture.LogProbs(1).ToArray();
        for (int j = 0; j < c; j++) Assert.Equal(Math.Log(expected[j]), logp[j], 5);
        Assert.Equal(1 / 6f, mixture.SentinelWeight(0), 6);
        // label 0 is explained by position 1 alone (and a little by the softmax): dL/dr = a − π, so r₁'s gradient is
        // 1/6 − (1/6)/p₀ = 1/6 − 4/5, and r₀'s is its prior weight 1/2 (position 0 holds a 2)
        mixture.Loss([0f], 1, 0, 1, 1f, new float[c]);
        var gradients = new float[parameters.Count];
        mixture.Backward(sequence, sequence.AsSpan(4, 2), 1, parameters.Values, gradients, new float[hidden], new float[t * hidden]);
        ReadOnlySpan<float> dr = gradients.AsSpan(parameters["m/position_bias"].Offset, t);
        Assert.Equal(0.5, dr[0], 5);
        Assert.Equal(1 / 6.0 - 0.8, dr[1], 5);
        Assert.Equal(1 / 6.0, dr[2], 5);
    }

    [Fact]
    public void Embedding_ForwardCopiesTheRow_BackwardAddsIntoIt()
    {
        var parameters = new ParameterSet([("e/embeddings", [3, 2])]);
        float[] table = [1, 2, 3, 4, 5, 6];
        table.CopyTo(parameters.Values, 0);
        var layer = new EmbeddingLayer(parameters, "e", 3, 2);
        var row = new float[2];
        layer.Forward(1, row, parameters.Values);
        Assert.Equal([3f, 4f], row);
        var gradients = new float[6];
        layer.Backward(1, [0.5f, -1f], gradients);
        layer.Backward(1, [0.25f, 0f], gradients);
        Assert.Equal([0f, 0f, 0.75f, -1f, 0f, 0f], gradients);
        // padding (class −1) is the zero vector and learns nothing
        layer.Forward(EmbeddingLayer.Pad, row, parameters.Values);
        Assert.Equal([0f, 0f], row);
        layer.Backward(EmbeddingLayer.Pad, [9f, 9f], gradients);
        Assert.Equal([0f, 0f, 0.75f, -1f, 0f, 0f], gradients);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(3, row, parameters.Values));
    }
}
