using System.Numerics.Tensors;
using Cadenza.Common;

namespace Cadenza.Generation;

/// <summary>Draws a class from logits: softmax(logits / temperature), optionally restricted to the top k; temperature 0 is argmax.</summary>
/// <remarks>Allocation-free: the caller owns the scratch buffer. Ties in argmax go to the lowest index, as numpy's argmax.</remarks>
public sealed class Sampler
{
    /// <summary>Creates a sampler; <paramref name="topK"/> 0 means all classes.</summary>
    public Sampler(float temperature, int topK, Rng rng)
    {
        if (!(temperature >= 0) || float.IsInfinity(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be ≥ 0, got {temperature}");
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), $"top-k must be ≥ 0, got {topK}");
        Temperature = temperature;
        TopK = topK;
        Rng = rng;
    }

    /// <summary>Softmax temperature: below 1 sharper, above 1 flatter, 0 argmax.</summary>
    public float Temperature { get; }

    /// <summary>Only the k most likely classes can be drawn (0 = no limit).</summary>
    public int TopK { get; }

    /// <summary>The random source.</summary>
    public Rng Rng { get; }

    /// <summary>Draws a class index; <paramref name="scratch"/> must be at least as long as <paramref name="logits"/>.</summary>
    public int Sample(ReadOnlySpan<float> logits, Span<float> scratch)
    {
        if (Temperature == 0 || TopK == 1) return TensorPrimitives.IndexOfMax(logits);
        Span<float> p = scratch[..logits.Length];
        TensorPrimitives.Divide(logits, Temperature, p);
        if (TopK > 0 && TopK < p.Length)
        {
            float threshold = KthLargest(p, TopK, scratch.Length >= 2 * logits.Length ? scratch.Slice(logits.Length, logits.Length) : default);
            int kept = 0;
            for (int i = 0; i < p.Length; i++)
            {
                // keep exactly k: values above the threshold, then ties at it in index order
                if (p[i] > threshold) kept++;
            }
            int tiesAllowed = TopK - kept;
            for (int i = 0; i < p.Length; i++)
            {
                if (p[i] > threshold) continue;
                if (p[i] == threshold && tiesAllowed > 0) { tiesAllowed--; continue; }
                p[i] = float.NegativeInfinity;
            }
        }
        TensorPrimitives.SoftMax(p, p);
        double u = Rng.NextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0) continue;
            last = i;
            cumulative += p[i];
            if (u < cumulative) return i;
        }
        return last >= 0 ? last : TensorPrimitives.IndexOfMax(logits);   // rounding left u above the total
    }

    private static float KthLargest(ReadOnlySpan<float> values, int k, Span<float> work)
    {
        if (work.IsEmpty) work = new float[values.Length];   // only when the caller gave a short scratch
        values.CopyTo(work);
        work = work[..values.Length];
        work.Sort();
        return work[values.Length - k];
    }
}
