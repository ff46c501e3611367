using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>Histograms of a note collection: pitch (128 bins), pitch class (12), step and duration on <see cref="TimeBins"/>.</summary>
public sealed record NoteStatistics
{
    /// <summary>Notes counted.</summary>
    public long Notes { get; init; }

    /// <summary>Count per MIDI pitch 0..127.</summary>
    public long[] Pitch { get; init; } = new long[128];

    /// <summary>Count per step bin (see <see cref="TimeBins"/>).</summary>
    public long[] Step { get; init; } = new long[TimeBins.Count];

    /// <summary>Count per duration bin.</summary>
    public long[] Duration { get; init; } = new long[TimeBins.Count];

    /// <summary>Counts the notes of the given pieces (each sorted by start).</summary>
    public static NoteStatistics Of(IEnumerable<Note[]> pieces)
    {
        var s = new NoteStatistics();
        long n = 0;
        foreach (Note[] piece in pieces)
        for (int i = 0; i < piece.Length; i++)
        {
            s.Pitch[piece[i].Pitch]++;
            s.Step[TimeBins.Of(NoteFeatures.Step(piece, i))]++;
            s.Duration[TimeBins.Of(piece[i].Duration)]++;
            n++;
        }
        return s with { Notes = n };
    }

    /// <summary>Count per pitch class (C = 0).</summary>
    public long[] PitchClass()
    {
        var pc = new long[12];
        for (int p = 0; p < 128; p++) pc[p % 12] += Pitch[p];
        return pc;
    }
}

/// <summary>Time bins for step and duration histograms: exactly 0, then 20 log-spaced bins from 0.01 s to 4 s, then &gt; 4 s.</summary>
/// <remarks>Values in (0, 0.01) go to the first log bin, so that every value has a bin.</remarks>
public static class TimeBins
{
    /// <summary>Number of bins: 1 + 20 + 1.</summary>
    public const int Count = 22;

    /// <summary>Lower edge of the log bins, seconds.</summary>
    public const double Low = 0.01;

    /// <summary>Upper edge of the log bins, seconds.</summary>
    public const double High = 4.0;

    private const int LogBins = 20;

    /// <summary>The bin of <paramref name="seconds"/>.</summary>
    public static int Of(double seconds)
    {
        if (seconds <= 0) return 0;
        if (seconds > High) return Count - 1;
        if (seconds < Low) return 1;
        int k = (int)Math.Floor(Math.Log(seconds / Low) / Math.Log(High / Low) * LogBins);
        return 1 + Math.Clamp(k, 0, LogBins - 1);
    }

    /// <summary>Upper edge of bin <paramref name="bin"/> in seconds (0 for the zero bin, +∞ for the last).</summary>
    public static double UpperEdge(int bin) =>
        bin == 0 ? 0 : bin == Count - 1 ? double.PositiveInfinity : Low * Math.Pow(High / Low, (double)bin / LogBins);

    /// <summary>A short label for bin <paramref name="bin"/>.</summary>
    public static string Label(int bin) => bin == 0 ? "0" : bin == Count - 1 ? $">{High}" : $"≤{UpperEdge(bin):0.###}";
}
