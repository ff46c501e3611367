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
/// <param name="Counts">Count per class of the training labels (every note after a piece's first window).</param>
/// <param name="Lambda">The copy share λ that fitted the training windows best.</param>
public sealed record CountBaseline(string Feature, long[] Counts, double Lambda)
{
    /// <summary>The λ grid the copy model is fitted on.</summary>
    public static readonly double[] LambdaGrid = [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9];

    /// <summary>The features with count baselines.</summary>
    public static readonly string[] Features = ["pitch", "step", "duration"];

    /// <summary>Fits the unigram and λ of <paramref name="feature"/> on the windows of <paramref name="pieces"/>; instrument needs the model's <paramref name="instruments"/>.</summary>
    public static CountBaseline Fit(string feature, IReadOnlyList<Note[]> pieces, int sequenceLength, InstrumentVocabulary? instruments = null)
    {
        int classes = ClassesOf(feature, instruments);
        var counts = new long[classes];
        foreach (Note[] piece in pieces)
        {
            int[] v = Values(feature, piece, instruments);
            for (int i = sequenceLength; i < v.Length; i++) counts[v[i]]++;
        }
        var sums = new double[LambdaGrid.Length];
        var unigram = Unigram(counts);
        ForEachWindow(feature, pieces, sequenceLength, instruments, (share, label) =>
        {
            for (int k = 0; k < LambdaGrid.Length; k++) sums[k] -= Math.Log(LambdaGrid[k] * share + (1 - LambdaGrid[k]) * unigram[label]);
        });
        int best = 0;
        for (int k = 1; k < sums.Length; k++) if (sums[k] < sums[best]) best = k;
        return new CountBaseline(feature, counts, LambdaGrid[best]);
    }

    /// <summary>Mean −ln p of the held-out labels of <paramref name="pieces"/> under the unigram and under the copy model: (unigram, copy) nats per note.</summary>
    public (double Unigram, double Copy) CrossEntropy(IReadOnlyList<Note[]> pieces, int sequenceLength, InstrumentVocabulary? instruments = null)
    {
        double[] unigram = Unigram(Counts);
        double u = 0, c = 0;
        long n = 0;
        double lambda = Lambda;
        ForEachWindow(Feature, pieces, sequenceLength, instruments, (share, label) =>
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

    // each window's label class and the share of the window's notes with that class, counted with a sliding histogram
    private static void ForEachWindow(string feature, IReadOnlyList<Note[]> pieces, int t, InstrumentVocabulary? instruments, Action<double, int> visit)
    {
        var window = new int[ClassesOf(feature, instruments)];
        foreach (Note[] piece in pieces)
        {
            if (piece.Length <= t) continue;
            int[] v = Values(feature, piece, instruments);
            Array.Clear(window);
            for (int i = 0; i < t; i++) window[v[i]]++;
            for (int s = 0; s + t < v.Length; s++)
            {
                int label = v[s + t];
                visit((double)window[label] / t, label);
                window[v[s]]--;
                window[v[s + t]]++;
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
