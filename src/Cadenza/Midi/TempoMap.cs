namespace Cadenza.Midi;

/// <summary>Tick → seconds, built from the tempo events of track 0 exactly as pretty_midi 0.2.10 does.</summary>
/// <remarks>
/// pretty_midi fills an array <c>time[tick] = T_k + scale_k·(tick − tick_k)</c> for the last change k at or before
/// the tick; this evaluates the same double expressions on demand so results are bit-equal without the array.
/// </remarks>
internal sealed class TempoMap
{
    /// <summary>Tempo a file has before any tempo event: 120 bpm.</summary>
    public const double DefaultBpm = 120.0;

    private readonly long[] _ticks;
    private readonly double[] _scales;
    private readonly double[] _offsets;

    private TempoMap(long[] ticks, double[] scales, double[] offsets)
    {
        _ticks = ticks;
        _scales = scales;
        _offsets = offsets;
    }

    /// <summary>Builds the map from (tick, µs per quarter) tempo events of track 0, in file order.</summary>
    public static TempoMap Build(int ticksPerQuarter, IEnumerable<(long Tick, int MicrosecondsPerQuarter)> tempos)
    {
        var ticks = new List<long> { 0 };
        var scales = new List<double> { 60.0 / (DefaultBpm * ticksPerQuarter) };
        foreach (var (tick, us) in tempos)
        {
            double scale = 60.0 / ((6e7 / us) * ticksPerQuarter);
            if (tick == 0)
            {
                // pretty_midi: a tempo at tick 0 replaces the whole list so far
                ticks.Clear(); scales.Clear();
                ticks.Add(0); scales.Add(scale);
            }
            else if (scale != scales[^1])
            {
                ticks.Add(tick); scales.Add(scale);
            }
        }
        var offsets = new double[ticks.Count];
        for (int k = 1; k < ticks.Count; k++)
            offsets[k] = offsets[k - 1] + scales[k - 1] * (ticks[k] - ticks[k - 1]);
        return new TempoMap(ticks.ToArray(), scales.ToArray(), offsets);
    }

    /// <summary>Seconds at <paramref name="tick"/>.</summary>
    public double ToSeconds(long tick)
    {
        long[] t = _ticks;
        int k = t.Length - 1;
        if (k > 0)
        {
            // last change at or before the tick; several changes on one tick: the later wins, as in pretty_midi
            int i = Array.BinarySearch(t, tick);
            if (i >= 0) { while (i + 1 < t.Length && t[i + 1] == tick) i++; k = i; }
            else k = ~i - 1;
        }
        return _offsets[k] + _scales[k] * (tick - t[k]);
    }
}
