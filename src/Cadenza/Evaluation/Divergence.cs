namespace Cadenza.Evaluation;

/// <summary>Distances between histograms.</summary>
public static class Divergence
{
    /// <summary>
    /// Jensen–Shannon divergence in bits of two histograms (counts, normalised here): 0 for identical distributions,
    /// 1 for disjoint ones; NaN when either histogram is empty or the lengths differ.
    /// </summary>
    /// <remarks>Sum form, ½·Σ p·log₂(p/m) + ½·Σ q·log₂(q/m) with m = (p + q)/2, so empty bins add nothing and identical inputs give exactly 0.</remarks>
    public static double JensenShannon(ReadOnlySpan<long> p, ReadOnlySpan<long> q) => JensenShannonOf(p, q);

    /// <summary>The same for histograms of weights (expected counts: probabilities summed over windows).</summary>
    public static double JensenShannon(ReadOnlySpan<double> p, ReadOnlySpan<double> q) => JensenShannonOf(p, q);

    private static double JensenShannonOf<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q) where T : System.Numerics.INumberBase<T>
    {
        if (p.Length != q.Length) return double.NaN;
        double sp = 0, sq = 0;
        for (int i = 0; i < p.Length; i++) { sp += double.CreateTruncating(p[i]); sq += double.CreateTruncating(q[i]); }
        if (!(sp > 0) || !(sq > 0)) return double.NaN;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double a = double.CreateTruncating(p[i]) / sp, b = double.CreateTruncating(q[i]) / sq, m = 0.5 * (a + b);
            if (a > 0) sum += a * Math.Log2(a / m);
            if (b > 0) sum += b * Math.Log2(b / m);
        }
        return Math.Clamp(0.5 * sum, 0, 1);   // rounding can step a hair outside the exact bounds
    }
}
