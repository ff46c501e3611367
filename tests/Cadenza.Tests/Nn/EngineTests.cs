using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Tests.Nn;

public class EngineTests
{
    private static readonly ModelConfig Small = new()
    {
        SequenceLength = 4,
        LstmUnits = [6, 5],
        Heads = [new("pitch", 7, HeadKind.Classes, 0.5f), new("step", 1, HeadKind.Regression, 1f), new("duration", 1, HeadKind.Regression, 1f)],
    };

    private static (float[] X, float[] Labels) RandomBatch(ModelConfig c, int batch, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[batch * c.SequenceLength * c.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        var labels = new float[batch * c.Heads.Length];
        for (int b = 0; b < batch; b++)
        for (int h = 0; h < c.Heads.Length; h++)
            labels[b * c.Heads.Length + h] = c.Heads[h].Kind == HeadKind.Classes ? rng.NextInt(c.Heads[h].Units) : (float)rng.NextDouble();
        return (x, labels);
    }

    [Fact]
    public void Gradients_StackedModel_MatchCentralFiniteDifferences()
    {
        MusicModel model = MusicModel.Create(Small, seed: 3);
        // move the regression heads well away from the positive-pressure kink at 0, where finite differences are meaningless
        model.Parameters.Span("step/bias").Fill(0.7f);
        model.Parameters.Span("duration/bias").Fill(-0.6f);
        var (x, labels) = RandomBatch(Small, 3, 9);
        var network = new MusicNetwork(model, 3);
        var gradients = new float[model.ParameterCount];
        var heads = new float[3];
        network.ComputeGradients(x, labels, 3, gradients, heads);

        float[] w = model.Parameters.Values;
        const float h = 1e-2f;
        int checkedCount = 0;
        for (int i = 0; i < w.Length; i++)
        {
            float saved = w[i];
            w[i] = saved + h; network.Forward(x, 3); double plus = network.Loss(labels, 3, heads);
            w[i] = saved - h; network.Forward(x, 3); double minus = network.Loss(labels, 3, heads);
            w[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradients[i]) <= 2e-3 + 2e-2 * Math.Abs(gradients[i]),
                $"weight {i}: analytic {gradients[i]} vs numeric {numeric}");
            checkedCount++;
        }
        Assert.Equal(model.ParameterCount, checkedCount);
        Assert.Contains(gradients, g => Math.Abs(g) > 1e-2f);   // the check is not vacuous
    }

    [Fact]
    public void PaperConfig_Has84354Parameters()
    {
        Assert.Equal(84_354, MusicModel.Create(ModelConfig.Paper, 1).ParameterCount);
        Assert.Equal([0, 67_584, 16_512, 129, 129], ModelSummary.Rows(ModelConfig.Paper).Select(r => r.Parameters));
        Assert.Contains("Total params: 84,354", ModelSummary.ToText(ModelConfig.Paper));
    }

    [Fact]
    public void Create_KerasInitialisation_OrthogonalRecurrentGlorotKernelsForgetBiasOne()
    {
        MusicModel model = MusicModel.Create(ModelConfig.Paper, 42);
        float[] u = model.Parameters.Span("lstm/recurrent_kernel").ToArray();   // [128, 512]: orthonormal rows
        for (int r = 0; r < 128; r += 9)
        for (int s = 0; s < 128; s += 7)
        {
            double dot = 0;
            for (int j = 0; j < 512; j++) dot += u[r * 512 + j] * u[s * 512 + j];
            Assert.Equal(r == s ? 1.0 : 0.0, dot, 5);
        }
        float limit = MathF.Sqrt(6f / (3 + 512));
        Assert.All(model.Parameters.Span("lstm/kernel").ToArray(), v => Assert.InRange(v, -limit, limit));
        Assert.True(model.Parameters.Span("lstm/kernel").ToArray().Max() > 0.9f * limit);   // spread over the whole range
        float[] bias = model.Parameters.Span("lstm/bias").ToArray();
        Assert.Equal(Enumerable.Repeat(0f, 128).Concat(Enumerable.Repeat(1f, 128)).Concat(Enumerable.Repeat(0f, 256)), bias);
        Assert.Equal(model.Parameters.Values, MusicModel.Create(ModelConfig.Paper, 42).Parameters.Values);
        Assert.NotEqual(model.Parameters.Values, MusicModel.Create(ModelConfig.Paper, 43).Parameters.Values);
    }

    [Fact]
    public void Losses_HandComputed()
    {
        // logits [0, ln 3] → softmax [1/4, 3/4]; label 1: loss = −ln(3/4)
        float[] dLogits = new float[2];
        float ce = Losses.SparseCrossEntropy([0f, MathF.Log(3)], 2, [1f], 1, 0, 1, 1f, dLogits);
        Assert.Equal(-Math.Log(0.75), ce, 6);
        Assert.Equal(0.25f, dLogits[0], 6);
        Assert.Equal(-0.25f, dLogits[1], 6);
        // ŷ = [−0.5, 2], y = [1, 1]: ((1.5² + 5) + 1²) / 2 = 4.125
        float[] d = new float[2];
        float mse = Losses.MsePositivePressure([-0.5f, 2f], [1f, 1f], 1, 0, 2, 1f, d);
        Assert.Equal(4.125f, mse, 6);
        Assert.Equal((2 * (-0.5f - 1) - 10) / 2, d[0], 6);
        Assert.Equal(2 * (2f - 1) / 2, d[1], 6);
    }

    [Fact]
    public void Gemm_RandomShapes_MatchNaiveProduct()
    {
        var rng = new Rng(5);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (3, 17, 5), (4, 16, 8), (7, 33, 130), (64, 512, 131), (5, 130, 128) })
        {
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextNormal()).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextNormal()).ToArray();
            float[] c = Enumerable.Range(0, m * n).Select(_ => (float)rng.NextNormal()).ToArray();
            float[] expected = (float[])c.Clone();
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = expected[i * n + j];
                for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
                expected[i * n + j] = (float)s;
            }
            Gemm.Multiply(a, k, b, n, c, n, m, n, k, accumulate: true);
            for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"{m}x{n}x{k} at {i}");
        }
    }

    [Fact]
    public void Gemm_OneRowOnContiguousPanels_SameBitsAsTheWholeMatrix()
    {
        // generation multiplies one row by [kernel; recurrent] packed into 64-column panels (LstmLayer.Pack), where a
        // 512-bit row kernel runs where there is one: the same bits as the micro-kernels over the whole matrix
        const int m = 9, n = 192, k = 300, panel = 64;
        var rng = new Rng(12);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] c0 = Enumerable.Range(0, m * n).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] panels = new float[k * n];
        for (int q = 0; q < n / panel; q++)
            for (int p = 0; p < k; p++) b.AsSpan(p * n + q * panel, panel).CopyTo(panels.AsSpan((q * k + p) * panel, panel));
        foreach (bool accumulate in new[] { false, true })
        {
            float[] whole = (float[])c0.Clone();
            Gemm.Multiply(a, k, b, n, whole, n, m, n, k, accumulate);
            float[] rows = (float[])c0.Clone();
            for (int i = 0; i < m; i++)
                for (int q = 0; q < n / panel; q++)
                    Gemm.Multiply(a.AsSpan(i * k, k), k, panels.AsSpan(q * k * panel, k * panel), panel, rows.AsSpan(i * n + q * panel), n, 1, panel, k, accumulate);
            Assert.Equal(whole, rows);
        }
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Gemm_RowsGiveTheSameBits_WhicheverKernelTakesThem_AndTransposedAMatches(int m)
    {
        // 21–23 rows: with AVX-512 two 8-row tiles, a 4-row tile and a tail of one to three rows; without, three 6-row
        // tiles and the rest in 4-row tiles and rows alone; k = 300 spans two k passes. Each row computed on its own
        // (the matrix-vector kernel) must give the same bits: every element sums over k in the same order.
        const int n = 96, k = 300;
        var rng = new Rng(11);
        float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] c0 = Enumerable.Range(0, m * n).Select(_ => (float)rng.NextNormal()).ToArray();
        foreach (bool accumulate in new[] { false, true })
        {
            float[] whole = (float[])c0.Clone();
            Gemm.Multiply(a, k, b, n, whole, n, m, n, k, accumulate);
            for (int i = 0; i < m; i++)
            {
                float[] row = c0.AsSpan(i * n, n).ToArray();
                Gemm.Multiply(a.AsSpan(i * k, k), k, b, n, row, n, 1, n, k, accumulate);
                Assert.Equal(row, whole.AsSpan(i * n, n).ToArray());
                for (int j = 0; j < n; j += 17)
                {
                    double sum = accumulate ? c0[i * n + j] : 0;
                    for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
                    Assert.True(Math.Abs(whole[i * n + j] - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"row {i}, column {j}");
                }
            }
            // the same product from Aᵀ stored as [k × m] (the weight gradients' shape): the same bits again
            float[] at = new float[k * m];
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
            float[] viaT = (float[])c0.Clone();
            Gemm.MultiplyTransposedA(at, m, b, n, viaT, n, m, n, k, accumulate);
            Assert.Equal(whole, viaT);
        }
    }

    [Fact]
    public void Gemm_PackedStrips_SameBitsAsTheMatrixItself_ForAnyBlockOfItsRows()
    {
        // B packed into strips (Gemm.Pack) feeds the same kernels in the same order: C = A·B[first..first+rows−1, ·],
        // Aᵀ·B and every batch shape (a 6- or 8-row tile, a 4-row one, rows alone) give the bits of the unpacked product
        int w = Gemm.StripWidth, n = 3 * w, k = 300;
        var rng = new Rng(12);
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] strips = new float[k * n];
        Gemm.Pack(b, n, k, n, strips);
        Assert.Equal(b[5 * n + w + 3], strips[(1 * k + 5) * w + 3]);   // row 5, column w + 3: strip 1, its row 5
        foreach (int m in new[] { 1, 3, 4, 23 })
        foreach (var (first, rows) in new[] { (0, k), (0, 7), (290, 10), (44, 256) })
        foreach (bool accumulate in new[] { false, true })
        {
            float[] a = Enumerable.Range(0, m * rows).Select(_ => (float)rng.NextNormal()).ToArray();
            float[] c0 = Enumerable.Range(0, m * n).Select(_ => (float)rng.NextNormal()).ToArray();
            float[] plain = (float[])c0.Clone(), packed = (float[])c0.Clone();
            Gemm.Multiply(a, rows, b.AsSpan(first * n), n, plain, n, m, n, rows, accumulate);
            Gemm.MultiplyPacked(a, rows, strips, k, first, packed, n, m, n, rows, accumulate);
            Assert.Equal(plain, packed);
        }
        float[] at = Enumerable.Range(0, k * 23).Select(_ => (float)rng.NextNormal()).ToArray();   // Aᵀ stored [k × 23]
        float[] viaT = new float[23 * n], viaTPacked = new float[23 * n];
        Gemm.MultiplyTransposedA(at, 23, b, n, viaT, n, 23, n, k, accumulate: false);
        Gemm.MultiplyTransposedAPacked(at, 23, strips, viaTPacked, n, 23, n, k, accumulate: false);
        Assert.Equal(viaT, viaTPacked);
        Assert.Throws<ArgumentException>(() => Gemm.Pack(b, n, k, n - 1, strips));   // a partial strip
        Assert.Throws<ArgumentException>(() => Gemm.MultiplyPacked(new float[k], k, strips, k, 290, new float[n], n, 1, n, 20, false));   // rows past B's end
    }
}
