using Cadenza.Corpus;
using Cadenza.Notes;

namespace Cadenza.Evaluation;

/// <summary>
/// What a collection of pieces sounds like in numbers: histograms of pitch, pitch class, step and duration, the share
/// of chord notes (step 0) and of zero-length notes, the longest run of one pitch, the share of the most frequent
/// pitch and the note rate. Computed alike for generated and real music so that each has the other as reference.
/// </summary>
public sealed record MusicStatistics
{
    /// <summary>Pieces counted.</summary>
    public int Pieces { get; init; }

    /// <summary>Notes counted.</summary>
    public long Notes { get; init; }

    /// <summary>Pitch and duration of every note; step of every note that has a previous onset (see <see cref="Of"/>).</summary>
    public NoteStatistics Histograms { get; init; } = new();

    /// <summary>Count per pitch class (C = 0).</summary>
    public long[] PitchClass { get; init; } = new long[12];

    /// <summary>Share of steps that are exactly 0: notes struck with the previous one (chords).</summary>
    public double ZeroStepShare { get; init; }

    /// <summary>Share of notes whose duration is exactly 0.</summary>
    public double ZeroDurationShare { get; init; }

    /// <summary>The most notes of one pitch in a row within a piece.</summary>
    public int LongestRun { get; init; }

    /// <summary>The most frequent pitch (the lowest on a tie); −1 without notes.</summary>
    public int TopPitch { get; init; } = -1;

    /// <summary>Share of notes at <see cref="TopPitch"/>.</summary>
    public double TopPitchShare { get; init; }

    /// <summary>Onsets per second: steps counted / their sum (+∞ when every step is 0, NaN without steps).</summary>
    public double NotesPerSecond { get; init; }

    /// <summary>
    /// Counts <paramref name="pieces"/> (each sorted by start). A real piece's first note has no step and is left out
    /// of the step figures; a generated piece continues its seed, so with <paramref name="continuesSeed"/> its first
    /// step is its start (the generator starts the first note at its predicted step after the seed's last onset).
    /// </summary>
    public static MusicStatistics Of(IReadOnlyList<Note[]> pieces, bool continuesSeed)
    {
        var pitch = new long[128];
        var step = new long[TimeBins.Count];
        var duration = new long[TimeBins.Count];
        long notes = 0, steps = 0;
        double stepSeconds = 0;
        int longest = 0;
        foreach (Note[] piece in pieces)
        {
            int run = 0;
            for (int i = 0; i < piece.Length; i++)
            {
                Note n = piece[i];
                pitch[n.Pitch]++;
                duration[TimeBins.Of(n.Duration)]++;
                notes++;
                run = i > 0 && piece[i - 1].Pitch == n.Pitch ? run + 1 : 1;
                longest = Math.Max(longest, run);
                if (i == 0 && !continuesSeed) continue;
                double s = i == 0 ? n.Start : NoteFeatures.Step(piece, i);
                step[TimeBins.Of(s)]++;
                steps++;
                stepSeconds += s;
            }
        }
        var histograms = new NoteStatistics { Notes = notes, Pitch = pitch, Step = step, Duration = duration };
        int top = notes == 0 ? -1 : Array.IndexOf(pitch, pitch.Max());
        return new MusicStatistics
        {
            Pieces = pieces.Count,
            Notes = notes,
            Histograms = histograms,
            PitchClass = histograms.PitchClass(),
            ZeroStepShare = steps == 0 ? double.NaN : (double)step[0] / steps,
            ZeroDurationShare = notes == 0 ? double.NaN : (double)duration[0] / notes,
            LongestRun = longest,
            TopPitch = top,
            TopPitchShare = notes == 0 ? double.NaN : (double)pitch[top] / notes,
            NotesPerSecond = steps == 0 ? double.NaN : stepSeconds > 0 ? steps / stepSeconds : double.PositiveInfinity,
        };
    }
}
