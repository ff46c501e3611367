using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Cadenza.Model;

namespace Cadenza.Pipeline;

/// <summary>
/// How much of the machine's arithmetic a training step uses: the step's floating-point operations per window,
/// counted from the model's shapes, against the FP32 FMA peak measured by a kernel of independent FMAs in the same
/// run, so the figure does not depend on how busy this shared machine is.
/// </summary>
public static class TrainingEfficiency
{
    /// <summary>
    /// FLOPs of one training window (forward, backward and Adam) for <paramref name="config"/> at batch
    /// <paramref name="batch"/>, a multiply-add counted as 2. Forward: per step the LSTM's [in+H]·[in+H × 4H] product (at
    /// the first step only the input part, h₀ being 0), per head its Dense product, per copy path h·K and the T scores.
    /// Backward: each product twice more (the input gradient and the weight gradient; the first layer's input
    /// gradient only where an embedding needs it). Adam: about 12 per weight a step, shared by the batch. Activations,
    /// softmaxes and the cell update are left out: they are a few per gate, not per product term.
    /// </summary>
    public static double FlopsPerWindow(ModelConfig config, int batch)
    {
        int t = config.SequenceLength;
        double forward = 0, weightGradient = 0, inputGradient = 0;
        int input = config.EncodedSize;
        for (int l = 0; l < config.LstmUnits.Length; l++)
        {
            int h = config.LstmUnits[l], g = 4 * h;
            double product = 2.0 * ((t - 1) * (input + h) + input) * g;   // h₀ = 0: the first step multiplies the input part only
            forward += product;
            weightGradient += 2.0 * t * (input + h) * g;
            bool needsInput = l > 0 || config.Embeddings is { Length: > 0 };
            inputGradient += 2.0 * t * ((needsInput ? input : 0) + h) * g;
            input = h;
        }
        int top = config.LstmUnits[^1];
        foreach (HeadConfig head in config.Heads)
        {
            double dense = 2.0 * config.HeadInputSize(head, top) * head.Units;
            forward += dense;
            weightGradient += dense;
            inputGradient += dense;
            if (!head.Copy) continue;
            double copy = 2.0 * top * top + 2.0 * t * top + 2.0 * top;   // u = h·K, the T scores, the sentinel
            forward += copy;
            weightGradient += copy;
            inputGradient += copy;
        }
        double adam = 12.0 * config.WeightShapes().Sum(w => (double)w.Shape.Aggregate(1, (a, b) => a * b)) / batch;
        return forward + weightGradient + inputGradient + adam;
    }

    /// <summary>The FP32 FMA peak of one core in GFLOP/s: the best of a few rounds of a kernel of independent FMA chains (512-bit where the CPU has them).</summary>
    public static double PeakGflops(double seconds = 1.0)
    {
        const int iterations = 1 << 16;
        double best = 0;
        var clock = new Stopwatch();
        for (int round = 0; round < 5; round++)
        {
            long flops = 0;
            clock.Restart();
            do { flops += Vector512.IsHardwareAccelerated ? Fma512(iterations) : Fma256(iterations); }
            while (clock.Elapsed.TotalSeconds < seconds / 5);
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    // twelve independent accumulator chains: enough to cover the FMA latency on both pipes of current x64 cores
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Fma512(int n)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector512<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (int i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c); a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c); a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c); a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
        return 12L * 16 * 2 * n;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Fma256(int n)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector256<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (int i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c); a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c); a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c); a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c); a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        Sink = (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
        return 12L * 8 * 2 * n;
    }

    /// <summary>Keeps the peak kernel's result alive, so the JIT cannot drop the loop.</summary>
    public static float Sink { get; private set; }
}
