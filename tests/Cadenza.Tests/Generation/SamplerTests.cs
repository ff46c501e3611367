using Cadenza.Common;
using Cadenza.Generation;

namespace Cadenza.Tests.Generation;

public class SamplerTests
{
    private static int[] Draw(Sampler s, float[] logits, int n)
    {
        var counts = new int[logits.Length];
        var scratch = new float[2 * logits.Length];
        for (int i = 0; i < n; i++) counts[s.Sample(logits, scratch)]++;
        return counts;
    }

    [Fact]
    public void TemperatureZero_IsArgmax()
    {
        var s = new Sampler(0f, 0, new Rng(1));
        Assert.Equal([0, 0, 500, 0], Draw(s, [0.1f, 2f, 3f, -1f], 500));
    }

    [Fact]
    public void TemperatureOne_FollowsSoftmax()
    {
        // logits [0, ln 3]: probabilities 1/4 and 3/4
        int[] counts = Draw(new Sampler(1f, 0, new Rng(2)), [0f, MathF.Log(3)], 40_000);
        Assert.InRange(counts[1] / 40_000.0, 0.74, 0.76);
    }

    [Fact]
    public void TemperatureTwo_Flattens_AsSoftmaxOfHalfLogits()
    {
        // logits [0, 2 ln 3] at T = 2 behave as [0, ln 3]
        int[] counts = Draw(new Sampler(2f, 0, new Rng(3)), [0f, 2 * MathF.Log(3)], 40_000);
        Assert.InRange(counts[1] / 40_000.0, 0.74, 0.76);
    }

    [Fact]
    public void TopK_NeverDrawsOutsideTheKMostLikely()
    {
        float[] logits = [1f, 5f, 2f, 4f, 3f, 0f];
        int[] counts = Draw(new Sampler(5f, 3, new Rng(4)), logits, 20_000);
        Assert.Equal(0, counts[0] + counts[2] + counts[5]);
        Assert.All(new[] { 1, 3, 4 }, i => Assert.True(counts[i] > 1000));
    }

    [Fact]
    public void SameSeed_SameDraws_DifferentSeed_Different()
    {
        float[] logits = Enumerable.Range(0, 128).Select(i => MathF.Sin(i)).ToArray();
        Assert.Equal(Draw(new Sampler(1f, 0, new Rng(9)), logits, 200), Draw(new Sampler(1f, 0, new Rng(9)), logits, 200));
        var a = new Sampler(1f, 0, new Rng(9));
        var b = new Sampler(1f, 0, new Rng(10));
        var scratch = new float[256];
        Assert.NotEqual(Enumerable.Range(0, 50).Select(_ => a.Sample(logits, scratch)), Enumerable.Range(0, 50).Select(_ => b.Sample(logits, scratch)));
    }

    [Fact]
    public void NegativeTemperature_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sampler(-1f, 0, new Rng(1)));
}
