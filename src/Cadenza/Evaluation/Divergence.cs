namespace Cadenza.Evaluation;

/// <summary>Distances between histograms.</summary>
public static class Divergence
{
    /// <summary>
    /// Jensen–Shannon divergence in bits of two histograms (counts, normalised here): 0 for identical distributions,
    /// 1 for disjoint ones; NaN when either histogram is empty or the lengths differ.
    /// </summary>
    /// <remarks>Sum form, ½·Σ p·log₂(p/m) + ½·Σ q·log₂(q/m) with m = (p + q)/2, so empty bins add nothing and identical inputs give exactly 0.</remarks>
    public static double JensenShannon(ReadOnlySpan<long> p, ReadOnlySpan<long> q)
    {
        if (p.Length != q.Length) return double.NaN;
        double sp = 0, sq = 0;
        for (int i = 0; i < p.Length; i++) { sp += p[i]; sq += q[i]; }
        if (!(sp > 0) || !(sq > 0)) return double.NaN;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double a = p[i] / sp, b = q[i] / sq, m = 0.5 * (a + b);
            if (a > 0) sum += a * Math.Log2(a / m);
            if (b > 0) sum += b * Math.Log2(b / m);
        }
        return Math.Clamp(0.5 * sum, 0, 1);   // rounding can step a hair outside the exact bounds
    }
}
