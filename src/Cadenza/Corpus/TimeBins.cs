namespace Cadenza.Corpus;

/// <summary>
/// The reference time bins for step and duration (the development split's definition, 23 bins): below 1 ms (notes
/// together: chords), 1–10 ms, 20 log-spaced bins from 0.01 s to 4 s, and 4 s or more. Each bin holds its lower edge.
/// </summary>
/// <remarks>A model may use finer bins (<see cref="Refine"/>); its probabilities are then added up inside each reference bin.</remarks>
public static class TimeBins
{
    /// <summary>Number of reference bins: 2 + 20 + 1.</summary>
    public const int Count = 23;

    /// <summary>Below this a step is "together" (bin 0), seconds.</summary>
    public const double Together = 0.001;

    /// <summary>Lower edge of the log bins, seconds.</summary>
    public const double Low = 0.01;

    /// <summary>Upper edge of the log bins, seconds.</summary>
    public const double High = 4.0;

    private const int LogBins = 20;

    /// <summary>The 22 edges between the reference bins, ascending (bin k = [edge k−1, edge k)).</summary>
    public static IReadOnlyList<double> Edges { get; } = Refine(1);

    /// <summary>
    /// The reference edges with each log bin split into <paramref name="parts"/> log-equal parts (1 gives the
    /// reference itself): a finer grid for a model whose classes still add up exactly into the reference bins.
    /// </summary>
    public static double[] Refine(int parts)
    {
        if (parts < 1) throw new ArgumentOutOfRangeException(nameof(parts));
        var edges = new List<double> { Together, Low };
        for (int k = 1; k <= LogBins * parts; k++) edges.Add(k == LogBins * parts ? High : Low * Math.Pow(High / Low, (double)k / (LogBins * parts)));
        return edges.ToArray();
    }

    /// <summary>The reference bin of <paramref name="seconds"/>.</summary>
    public static int Of(double seconds) => Index(Edges, seconds);

    /// <summary>The bin of <paramref name="value"/> among <paramref name="edges"/> (ascending): how many edges are ≤ it.</summary>
    public static int Index(IReadOnlyList<double> edges, double value)
    {
        int lo = 0, hi = edges.Count;   // binary search for the first edge above the value
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (edges[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// For each bin of <paramref name="edges"/>, the reference bin it lies in; null when those edges do not refine the
    /// reference (some reference edge is not among them), so that model bins cannot be added up into reference bins.
    /// </summary>
    public static int[]? ToReference(IReadOnlyList<double> edges)
    {
        foreach (double e in Edges)
            if (!edges.Any(m => Math.Abs(m - e) <= 1e-9 * e)) return null;
        var map = new int[edges.Count + 1];
        map[0] = 0;
        for (int b = 1; b < map.Length; b++) map[b] = Of(edges[b - 1] * (1 + 1e-12));
        return map;
    }

    /// <summary>Upper edge of reference bin <paramref name="bin"/> in seconds (+∞ for the last).</summary>
    public static double UpperEdge(int bin) => bin == Count - 1 ? double.PositiveInfinity : Edges[bin];

    /// <summary>A short label for reference bin <paramref name="bin"/>.</summary>
    public static string Label(int bin) => bin == 0 ? "0" : bin == Count - 1 ? $"≥{High}" : $"<{UpperEdge(bin):0.###}";
}
