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
