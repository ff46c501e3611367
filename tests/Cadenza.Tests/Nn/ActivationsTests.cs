using Cadenza.Common;
using Cadenza.Nn;

namespace Cadenza.Tests.Nn;

/// <summary>The LSTM cell's own tanh and σ: accuracy against double precision, the properties the Keras parity needs, the same bits on every path.</summary>
public class ActivationsTests
{
    private static IEnumerable<float> Grid()
    {
        for (int n = -400_000; n <= 400_000; n++) yield return n * 3e-5f;   // [−12, 12]: past both saturations
        for (int e = -40; e <= 0; e++) { yield return MathF.Pow(2, e); yield return -MathF.Pow(2, e); }   // down to 1e-12
    }

    [Fact]
    public void Tanh_WithinThreeTenMillionthsOfDoublePrecision_OddAndBounded_RelativeNearZero()
    {
        foreach (float x in Grid())
        {
            float t = Activations.Tanh(x);
            double exact = Math.Tanh(x);
            Assert.True(Math.Abs(t - exact) <= 3e-7, $"tanh({x}) = {t}, exact {exact}");
            Assert.True(Math.Abs(t) <= 1f, $"tanh({x}) = {t}");
            Assert.Equal(-t, Activations.Tanh(-x));   // odd: the sign of a tiny value is the sign of its input
            if (Math.Abs(x) < 1) Assert.True(Math.Abs(t - exact) <= 3e-7 * Math.Abs(exact), $"tanh({x}) = {t}: relative error {Math.Abs(t - exact) / Math.Abs(exact):E2}");
        }
        Assert.Equal(0f, Activations.Tanh(0f));
        Assert.True(Activations.Tanh(float.PositiveInfinity) > 1 - 3e-7f && Activations.Tanh(float.NegativeInfinity) < -1 + 3e-7f);
    }

    [Fact]
    public void Sigmoid_WithinTwoTenMillionthsOfDoublePrecision_HalfAtZero()
    {
        foreach (float x in Grid())
        {
            float s = Activations.Sigmoid(x);
            double exact = 1 / (1 + Math.Exp(-(double)x));
            Assert.True(Math.Abs(s - exact) <= 2e-7, $"σ({x}) = {s}, exact {exact}");
            Assert.InRange(s, 0f, 1f);
        }
        Assert.Equal(0.5f, Activations.Sigmoid(0f));
    }

    [Fact]
    public void Sigmoid_IsHalfPlusHalfTanhOfHalf_BitForBit()
    {
        // σ's coefficients are tanh's scaled by powers of two, which rounds nothing: the same bits as ½ + ½·tanh(x/2)
        foreach (float x in Grid().Where(x => Math.Abs(x) > 1e-9f).Concat([20f, -20f, float.PositiveInfinity, float.NegativeInfinity]))
            Assert.Equal(BitConverter.SingleToInt32Bits(MathF.FusedMultiplyAdd(0.5f, Activations.Tanh(0.5f * x), 0.5f)), BitConverter.SingleToInt32Bits(Activations.Sigmoid(x)));
    }

    [Fact]
    public void Spans_EveryVectorWidthAndTheScalarTail_SameBitsAsOneValue_AndNaNPassesThrough()
    {
        var rng = new Rng(11);
        // 16 + 8 + 3 values: one 512-bit block, one 256-bit block and a scalar tail on a machine that has both
        foreach (int length in new[] { 27, 45, 128 })
        {
            float[] x = Enumerable.Range(0, length).Select(_ => (float)(6 * rng.NextNormal())).ToArray();
            x[length / 2] = float.NaN;
            float[] t = new float[length], s = new float[length];
            Activations.Tanh(x, t);
            Activations.Sigmoid(x, s);
            for (int j = 0; j < length; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Tanh(x[j])), BitConverter.SingleToInt32Bits(t[j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Sigmoid(x[j])), BitConverter.SingleToInt32Bits(s[j]));
            }
            Assert.True(float.IsNaN(t[length / 2]) && float.IsNaN(s[length / 2]), "a NaN pre-activation must reach the loss, where training reports it");
            Activations.Tanh(x, x);   // in place
            Assert.Equal(t.Select(BitConverter.SingleToInt32Bits), x.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Theory]
    [InlineData(128)]   // the paper's units: 512-bit blocks only
    [InlineData(29)]    // 16 + 8 + 5: every path
    public void LstmStep_HandComputedStep_AndTheSameBitsAsOneUnitAtATime(int units)
    {
        var rng = new Rng(4);
        float[] z = Enumerable.Range(0, 4 * units).Select(_ => (float)(2 * rng.NextNormal())).ToArray();
        float[] cPrev = Enumerable.Range(0, units).Select(_ => (float)rng.NextNormal()).ToArray();
        float[] gates = (float[])z.Clone(), c = new float[units], h = new float[units];
        Activations.LstmStep(gates, cPrev, c, h);
        Assert.Equal(z, gates);   // read only
        for (int j = 0; j < units; j++)
        {
            // the Keras cell in double precision
            double i = 1 / (1 + Math.Exp(-(double)z[j])), f = 1 / (1 + Math.Exp(-(double)z[units + j]));
            double g = Math.Tanh(z[2 * units + j]), o = 1 / (1 + Math.Exp(-(double)z[3 * units + j]));
            double cj = f * cPrev[j] + i * g;
            Assert.InRange(c[j] - cj, -1e-6, 1e-6);
            Assert.InRange(h[j] - o * Math.Tanh(cj), -1e-6, 1e-6);

            // one unit alone takes the scalar path: the same bits as its lane
            float[] c1 = new float[1], h1 = new float[1];
            Activations.LstmStep([z[j], z[units + j], z[2 * units + j], z[3 * units + j]], [cPrev[j]], c1, h1);
            Assert.Equal(BitConverter.SingleToInt32Bits(c[j]), BitConverter.SingleToInt32Bits(c1[0]));
            Assert.Equal(BitConverter.SingleToInt32Bits(h[j]), BitConverter.SingleToInt32Bits(h1[0]));
        }
    }
}
