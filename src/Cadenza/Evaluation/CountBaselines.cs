using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Evaluation;

/// <summary>
/// The count models every model is judged against, per note feature (pitch over 128 classes; step and duration over
/// the 23 reference time bins; instrument over a model's instrument vocabulary): a unigram of the training labels with add-one smoothing, and the context copy
/// λ·(share of the label's value among the window's notes) + (1 − λ)·unigram, with λ chosen on the training windows.
/// </summary>
/// <param name="Feature">pitch, step or duration.</param>
/// <param name="Counts">Count per class of the training labels (every note after a piece's first window; with padding,
/// every note after its first).</param>
/// <param name="Lambda">The copy share λ that fitted the training windows best.</param>
public sealed record CountBaseline(string Feature, long[] Counts, double Lambda)
{
    /// <summary>The λ grid the copy model is fitted on.</summary>
    public static readonly double[] LambdaGrid = [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9];

    /// <summary>The features with count baselines.</summary>
    public static readonly string[] Features = ["pitch", "step", "duration"];

    /// <summary>
    /// Fits the unigram and λ of <paramref name="feature"/> on the windows of <paramref name="pieces"/>; instrument needs
    /// the model's <paramref name="instruments"/>. With <paramref name="padStart"/> the windows are a padded model's:
    /// every note from a piece's second on is a label, and a window holds the notes before it, at most T.
    /// </summary>
    public static CountBaseline Fit(string feature, IReadOnlyList<Note[]> pieces, int sequenceLength, InstrumentVocabulary? instruments = null, bool padStart = false)
    {
        int classes = ClassesOf(feature, instruments);
        var counts = new long[classes];
        foreach (Note[] piece in pieces)
        {
            int[] v = Values(feature, piece, instruments);
            for (int i = WindowSet.FirstLabel(sequenceLength, padStart); i < v.Length; i++) counts[v[i]]++;
        }
        var sums = new double[LambdaGrid.Length];
        var unigram = Unigram(counts);
        ForEachWindow(feature, pieces, sequenceLength, padStart, instruments, (share, label) =>
        {
            for (int k = 0; k < LambdaGrid.Length; k++) sums[k] -= Math.Log(LambdaGrid[k] * share + (1 - LambdaGrid[k]) * unigram[label]);
        });
        int best = 0;
        for (int k = 1; k < sums.Length; k++) if (sums[k] < sums[best]) best = k;
        return new CountBaseline(feature, counts, LambdaGrid[best]);
    }

    /// <summary>Mean −ln p of the held-out labels of <paramref name="pieces"/> under the unigram and under the copy model: (unigram, copy) nats per note; <paramref name="padStart"/> as in <see cref="Fit"/>.</summary>
    public (double Unigram, double Copy) CrossEntropy(IReadOnlyList<Note[]> pieces, int sequenceLength, InstrumentVocabulary? instruments = null, bool padStart = false)
    {
        double[] unigram = Unigram(Counts);
        double u = 0, c = 0;
        long n = 0;
        double lambda = Lambda;
        ForEachWindow(Feature, pieces, sequenceLength, padStart, instruments, (share, label) =>
        {
            u -= Math.Log(unigram[label]);
            c -= Math.Log(lambda * share + (1 - lambda) * unigram[label]);
            n++;
        });
        return n == 0 ? (double.NaN, double.NaN) : (u / n, c / n);
    }

    /// <summary>Classes of a feature: 128 pitches, the reference time bins, or the instrument vocabulary's classes.</summary>
    public static int ClassesOf(string feature, InstrumentVocabulary? instruments = null) =>
        feature == "pitch" ? 128 : feature == "instrument" ? instruments?.Count ?? 0 : TimeBins.Count;

    private static double[] Unigram(long[] counts)
    {
        long total = counts.Sum();
        return counts.Select(c => (c + 1.0) / (total + counts.Length)).ToArray();
    }

    // each window's label class and the share of the window's notes with that class, counted with a sliding histogram;
    // a padded window's share is over the notes it really holds (padding is no note)
    private static void ForEachWindow(string feature, IReadOnlyList<Note[]> pieces, int t, bool padStart, InstrumentVocabulary? instruments, Action<double, int> visit)
    {
        var window = new int[ClassesOf(feature, instruments)];
        int first = WindowSet.FirstLabel(t, padStart);
        foreach (Note[] piece in pieces)
        {
            if (piece.Length <= first) continue;
            int[] v = Values(feature, piece, instruments);
            Array.Clear(window);
            for (int i = 0; i < first; i++) window[v[i]]++;
            for (int i = first; i < v.Length; i++)
            {
                int label = v[i];
                visit((double)window[label] / Math.Min(i, t), label);
                if (i >= t) window[v[i - t]]--;   // the window slides once it is full
                window[v[i]]++;
            }
        }
    }

    private static int[] Values(string feature, Note[] piece, InstrumentVocabulary? instruments)
    {
        if (feature == "instrument" && instruments is null) throw new ArgumentException("the instrument count model needs the model's instrument vocabulary", nameof(instruments));
        var v = new int[piece.Length];
        for (int i = 0; i < piece.Length; i++)
            v[i] = feature switch
            {
                "pitch" => piece[i].Pitch,
                "step" => TimeBins.Of(NoteFeatures.Step(piece, i)),
                "duration" => TimeBins.Of(piece[i].Duration),
                "instrument" => instruments!.ClassOf(piece[i]),
                _ => throw new ArgumentException($"no count baseline for '{feature}'", nameof(feature)),
            };
        return v;
    }
}
