using Cadenza.Notes;

namespace Cadenza.Evaluation;

/// <summary>
/// What a model must beat on held-out pitches: a uniform guess over the classes, and the unigram histogram of the
/// training pitches with add-one smoothing, each as cross-entropy (nats per note) and top-1 accuracy.
/// </summary>
/// <param name="UniformNats">ln(classes): the loss of knowing nothing.</param>
/// <param name="UniformTop1">1 / classes.</param>
/// <param name="UnigramNats">Mean −ln p(label) with p = (count + 1)/(N + classes) from the training counts; null without them.</param>
/// <param name="UnigramTop1">Share of labels equal to the training corpus's most frequent pitch; null without training counts.</param>
public sealed record PitchBaselines(double UniformNats, double UniformTop1, double? UnigramNats, double? UnigramTop1)
{
    /// <summary>Baselines on held-out labels <paramref name="labelCounts"/> (count per class), the unigram from <paramref name="trainingCounts"/> when given.</summary>
    public static PitchBaselines Of(ReadOnlySpan<long> labelCounts, ReadOnlySpan<long> trainingCounts)
    {
        int classes = labelCounts.Length;
        bool unigram = trainingCounts.Length == classes && classes > 0;
        long labels = 0;
        foreach (long c in labelCounts) labels += c;
        double? top1 = null;
        if (unigram && labels > 0)
        {
            int top = 0;
            for (int i = 1; i < classes; i++) if (trainingCounts[i] > trainingCounts[top]) top = i;
            top1 = (double)labelCounts[top] / labels;
        }
        return new PitchBaselines(Math.Log(classes), 1.0 / classes, unigram ? UnigramCrossEntropy(trainingCounts, labelCounts) : null, top1);
    }

    /// <summary>Mean over the labels of −ln((training count + 1)/(training total + classes)), nats; NaN without labels.</summary>
    public static double UnigramCrossEntropy(ReadOnlySpan<long> trainingCounts, ReadOnlySpan<long> labelCounts)
    {
        if (trainingCounts.Length != labelCounts.Length) throw new ArgumentException("training and label histograms differ in length");
        long total = 0, labels = 0;
        foreach (long c in trainingCounts) total += c;
        double sum = 0;
        for (int i = 0; i < labelCounts.Length; i++)
        {
            if (labelCounts[i] == 0) continue;
            labels += labelCounts[i];
            sum -= labelCounts[i] * Math.Log((trainingCounts[i] + 1.0) / (total + trainingCounts.Length));
        }
        return labels == 0 ? double.NaN : sum / labels;
    }

    /// <summary>Count per pitch of the window labels of <paramref name="pieces"/>: every note after the first <paramref name="sequenceLength"/> of its piece (with <paramref name="padStart"/>, after its first).</summary>
    public static long[] LabelCounts(IEnumerable<Note[]> pieces, int sequenceLength, int classes = 128, bool padStart = false)
    {
        var counts = new long[classes];
        int first = Corpus.WindowSet.FirstLabel(sequenceLength, padStart);
        foreach (Note[] piece in pieces)
            for (int i = first; i < piece.Length; i++) counts[piece[i].Pitch]++;
        return counts;
    }
}
