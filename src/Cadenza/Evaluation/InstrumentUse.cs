using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Evaluation;

/// <summary>One instrument of a model in its generated pieces and in the held-out pieces: share of the notes and pitch range.</summary>
/// <param name="Name">The instrument class's name.</param>
/// <param name="Program">Its General MIDI program.</param>
/// <param name="GeneratedShare">Share of the generated notes it plays.</param>
/// <param name="HeldOutShare">Share of the held-out notes it plays.</param>
/// <param name="Generated">Lowest and highest generated pitch; null when it played nothing.</param>
/// <param name="HeldOut">Lowest and highest held-out pitch; null when it played nothing.</param>
/// <param name="Training">Lowest and highest pitch of the training corpus for it (recorded in the vocabulary).</param>
public sealed record InstrumentUse(string Name, int Program, double GeneratedShare, double HeldOutShare,
                                   (int Low, int High)? Generated, (int Low, int High)? HeldOut, (int Low, int High) Training)
{
    /// <summary>True when every generated note of it lies inside its training range.</summary>
    public bool WithinTrainingRange => Generated is not { } g || (g.Low >= Training.Low && g.High <= Training.High);
}

/// <summary>How a model with instruments orchestrates: each instrument's use, and the divergence of the instrument shares.</summary>
/// <param name="Instruments">Per class, in class order.</param>
/// <param name="ShareJsd">Jensen–Shannon divergence (base 2) of the generated instrument shares from the held-out ones.</param>
/// <param name="InstrumentsPerPiece">Mean number of distinct instruments in a generated piece.</param>
public sealed record InstrumentReport(IReadOnlyList<InstrumentUse> Instruments, double ShareJsd, double InstrumentsPerPiece)
{
    /// <summary>
    /// Compares <paramref name="generated"/> (composed notes: <see cref="Note.Instrument"/> is the class) with
    /// <paramref name="heldOut"/> (read notes, classed by <paramref name="vocabulary"/>).
    /// </summary>
    public static InstrumentReport Of(InstrumentVocabulary vocabulary, IReadOnlyList<Note[]> generated, IReadOnlyList<Note[]> heldOut)
    {
        int k = vocabulary.Count;
        var g = new long[k];
        var h = new long[k];
        var gRange = new (int Low, int High)?[k];
        var hRange = new (int Low, int High)?[k];
        static void Add((int Low, int High)?[] ranges, int c, int pitch) =>
            ranges[c] = ranges[c] is { } r ? (Math.Min(r.Low, pitch), Math.Max(r.High, pitch)) : (pitch, pitch);
        foreach (Note[] piece in generated)
        foreach (Note n in piece)
        {
            int c = Math.Clamp(n.Instrument, 0, k - 1);
            g[c]++;
            Add(gRange, c, n.Pitch);
        }
        foreach (Note[] piece in heldOut)
        foreach (Note n in piece)
        {
            int c = vocabulary.ClassOf(n);
            h[c]++;
            Add(hRange, c, n.Pitch);
        }
        double gTotal = Math.Max(1, g.Sum()), hTotal = Math.Max(1, h.Sum());
        var uses = Enumerable.Range(0, k).Select(c =>
        {
            InstrumentClass ic = vocabulary.Classes[c];
            return new InstrumentUse(ic.Name, ic.Program, g[c] / gTotal, h[c] / hTotal, gRange[c], hRange[c], (ic.LowestPitch, ic.HighestPitch));
        }).ToList();
        double perPiece = generated.Count == 0 ? 0 : generated.Average(p => p.Select(n => n.Instrument).Distinct().Count());
        return new InstrumentReport(uses, Divergence.JensenShannon(g, h), perPiece);
    }
}
