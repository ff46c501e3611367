using System.Diagnostics;
using System.Numerics.Tensors;
using Cadenza.Corpus;
using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Notes;

namespace Cadenza.Evaluation;

/// <summary>
/// Runs a model over every window of a <see cref="WindowSet"/> and measures, per window, the pitch cross-entropy
/// (a log-softmax of the pitch head), whether the argmax pitch is right, and the step and duration losses: the
/// training loss of a regression head, or the cross-entropy of a time class head over the reference time bins (its
/// finer bins' probabilities added up inside each reference bin).
/// </summary>
/// <remarks>
/// The windows are cut into one contiguous range per thread, each with its own <see cref="MusicNetwork"/> and
/// buffers; sums are kept in double per range and added in range order, so a thread count always gives the same
/// result. Nothing is allocated per window.
/// </remarks>
public static class LossEvaluator
{
    /// <summary>Windows per forward pass: large enough to keep the GEMMs busy, small enough for the buffers to stay in cache.</summary>
    public const int DefaultBatch = 128;

    /// <summary>Losses of <paramref name="model"/> on every window of <paramref name="windows"/>.</summary>
    /// <param name="threads">Threads to use; 0 = one per core, at most 2 (the most that pays on this model).</param>
    /// <param name="windows">Windows of the model's input features, in its order.</param>
    /// <exception cref="EvaluationException">The model does not read pitch, step and duration, or windows of this shape, or has no pitch head.</exception>
    public static HeldOutLoss Evaluate(MusicModel model, WindowSet windows, int threads = 0, int batch = DefaultBatch)
    {
        ModelConfig c = model.Config;
        if (NoteFeatures.Names.Any(f => !c.Features.Contains(f)))
            throw new EvaluationException($"the model reads ({string.Join(", ", c.Features)}); evaluation needs pitch, step and duration among its inputs");
        if (!windows.Features.SequenceEqual(c.Features))
            throw new EvaluationException($"windows of ({string.Join(", ", windows.Features)}) do not fit a model reading ({string.Join(", ", c.Features)})");
        if (windows.SequenceLength != c.SequenceLength)
            throw new EvaluationException($"windows of {windows.SequenceLength} notes do not fit a model reading {c.SequenceLength}");
        int pitchHead = Array.FindIndex(c.Heads, h => h.Name == "pitch" && h.Kind == HeadKind.Classes);
        if (pitchHead < 0) throw new EvaluationException("the model has no pitch class head");
        if (windows.Count == 0) throw new EvaluationException("no held-out windows to evaluate");
        int stepHead = Array.FindIndex(c.Heads, h => h.Name == "step"), durationHead = Array.FindIndex(c.Heads, h => h.Name == "duration");
        int[]? toReference = c.TimeBinEdges is { } edges ? TimeBins.ToReference(edges) : null;
        bool TimeClasses(int h) => h >= 0 && c.Heads[h].Kind == HeadKind.Classes;
        if ((TimeClasses(stepHead) || TimeClasses(durationHead)) && toReference is null)
            throw new EvaluationException("the model's time bins do not refine the reference bins, so its step and duration cross-entropy cannot be measured on them");
        int instrumentHead = Array.FindIndex(c.Heads, h => h.Name == "instrument" && h.Kind == HeadKind.Classes);
        var heads = new Heads(pitchHead, c.Heads[pitchHead].Units, stepHead, durationHead, TimeClasses(stepHead), TimeClasses(durationHead), toReference, instrumentHead);

        batch = Math.Max(1, batch);
        int wanted = threads > 0 ? threads : Math.Min(2, Environment.ProcessorCount);
        int workers = Math.Clamp(wanted, 1, (windows.Count + batch - 1) / batch);
        var sums = new Sums[workers];
        var clock = Stopwatch.StartNew();
        if (workers == 1) sums[0] = Range(model, windows, heads, 0, windows.Count, batch);
        else
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                int lo = (int)((long)windows.Count * w / workers), hi = (int)((long)windows.Count * (w + 1) / workers);
                sums[w] = Range(model, windows, heads, lo, hi, batch);
            });
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Sums total = default;
        foreach (Sums s in sums) total = total.Add(s);
        double n = windows.Count;
        double Mean(double sum, int head, bool classes, bool wantClasses) => head >= 0 && classes == wantClasses ? sum / n : double.NaN;
        return new HeldOutLoss(total.Nll / n, Mean(total.Step, heads.Step, heads.StepClasses, false), Mean(total.Duration, heads.Duration, heads.DurationClasses, false),
            total.Correct / n, windows.Count, seconds, workers)
        {
            StepNats = Mean(total.Step, heads.Step, heads.StepClasses, true),
            DurationNats = Mean(total.Duration, heads.Duration, heads.DurationClasses, true),
            ExpectedZeroStepShare = Mean(total.ZeroStep, heads.Step, heads.StepClasses, true),
            InstrumentNats = Mean(total.Instrument, heads.Instrument, true, true),
        };
    }

    private static Sums Range(MusicModel model, WindowSet windows, Heads heads, int lo, int hi, int batch)
    {
        ModelConfig c = model.Config;
        batch = Math.Min(batch, hi - lo);
        var network = new MusicNetwork(model, batch);
        network.FoldInputs();   // the weights stay as they are for the whole evaluation
        var inputs = new float[batch * c.SequenceLength * c.InputSize];   // [B, T, F]
        int stride = c.Heads.Length;
        var labels = new float[batch * stride];                           // [B, heads] the next note, as training labels it
        // labels as in training: a class index for a class head (a pitch, a time bin), seconds for a regression head
        var (inputEncodings, labelColumns, labelEncodings) = c.WindowLayout();
        var indices = new int[batch];
        var scratch = new float[c.Heads.Max(h => h.Units)];
        var reference = new double[TimeBins.Count];
        Sums sums = default;
        for (int start = lo; start < hi; start += batch)
        {
            int n = Math.Min(batch, hi - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            windows.Fill(indices.AsSpan(0, n), inputs, labels, inputEncodings, labelColumns, labelEncodings);
            network.Infer(inputs, n, labels);
            ReadOnlySpan<float> logits = network.HeadOutput(heads.Pitch, n);
            for (int b = 0; b < n; b++)
            {
                ReadOnlySpan<float> row = logits.Slice(b * heads.Classes, heads.Classes);
                int label = (int)labels[b * stride + heads.Pitch];
                if ((uint)label >= (uint)heads.Classes) throw new EvaluationException($"pitch {label} is outside the model's {heads.Classes} classes");
                sums.Nll += Losses.CrossEntropy(row, label, scratch, out _);
                if (TensorPrimitives.IndexOfMax(row) == label) sums.Correct++;
            }
            if (heads.Instrument >= 0)
            {
                int k = c.Heads[heads.Instrument].Units;
                ReadOnlySpan<float> outputs = network.HeadOutput(heads.Instrument, n);
                for (int b = 0; b < n; b++)
                    sums.Instrument += Losses.CrossEntropy(outputs.Slice(b * k, k), (int)labels[b * stride + heads.Instrument], scratch.AsSpan(0, k), out _);
            }
            if (heads.Step >= 0 && heads.StepClasses)
            {
                var (nll, zero) = TimeCrossEntropy(network.HeadOutput(heads.Step, n), labels, stride, heads.Step, n, heads.ToReference!, scratch, reference);
                sums.Step += nll;
                sums.ZeroStep += zero;
            }
            else if (heads.Step >= 0) sums.Step += Regression(network.HeadOutput(heads.Step, n), labels, stride, heads.Step, n);
            if (heads.Duration >= 0)
                sums.Duration += heads.DurationClasses ? TimeCrossEntropy(network.HeadOutput(heads.Duration, n), labels, stride, heads.Duration, n, heads.ToReference!, scratch, reference).Nll
                    : Regression(network.HeadOutput(heads.Duration, n), labels, stride, heads.Duration, n);
        }
        return sums;
    }

    // summed over the windows: −ln of the probability the head gives the label's reference bin (its classes' softmax
    // added up per reference bin), and the probability of the zero bin (how many chord notes the model expects)
    private static (double Nll, double ZeroMass) TimeCrossEntropy(ReadOnlySpan<float> outputs, ReadOnlySpan<float> labels, int stride, int column, int n,
                                                                  int[] toReference, Span<float> scratch, Span<double> reference)
    {
        int classes = toReference.Length;
        double sum = 0, zeroMass = 0;
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> row = outputs.Slice(b * classes, classes);
            Span<float> p = scratch[..classes];
            TensorPrimitives.SoftMax(row, p);
            reference.Clear();
            for (int k = 0; k < classes; k++) reference[toReference[k]] += p[k];
            sum -= Math.Log(Math.Max(reference[toReference[(int)labels[b * stride + column]]], 1e-30));
            zeroMass += reference[0];
        }
        return (sum, zeroMass);
    }

    // the training loss of a regression head, summed in double so that neither batch nor thread count changes it
    private static double Regression(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels, int stride, int column, int n)
    {
        double sum = 0;
        for (int b = 0; b < n; b++) sum += Losses.MsePositivePressure(labels[b * stride + column], predictions[b]);
        return sum;
    }

    private sealed record Heads(int Pitch, int Classes, int Step, int Duration, bool StepClasses, bool DurationClasses, int[]? ToReference, int Instrument);

    private record struct Sums(double Nll, double Step, double Duration, long Correct, double ZeroStep, double Instrument)
    {
        public readonly Sums Add(Sums o) => new(Nll + o.Nll, Step + o.Step, Duration + o.Duration, Correct + o.Correct, ZeroStep + o.ZeroStep, Instrument + o.Instrument);
    }
}
