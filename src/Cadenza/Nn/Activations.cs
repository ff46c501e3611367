using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cadenza.Nn;

/// <summary>
/// The LSTM cell's activations and update in one pass over a step's gates, for inference: tanh as one rational
/// function (no exponential), σ(x) = ½ + ½·tanh(x/2), everything in registers.
/// </summary>
/// <remarks>
/// tanh(x) ≈ x·P(x²)/Q(x²) on [−c, c], P of degree 6 and Q of degree 3 in x² (the minimax coefficients Eigen and
/// TensorFlow's CPU kernels use for float tanh), ±1 beyond. Odd by construction, so tanh(0) = 0 and the sign always
/// follows x, with a relative error of about 1e-7 near 0 (a formula through e^2x has an absolute error there instead,
/// which broke the Keras parity of an Adam step when session 8 tried one). Every lane runs the same multiplications,
/// fused multiply-adds and one division, so the 512-bit, 256-bit and scalar paths give the same bits. Training keeps
/// <c>TensorPrimitives</c>' functions (see <c>LstmLayer.Cell</c>).
/// </remarks>
internal static class Activations
{
    private const float Clamp = 7.90531110763549805f;   // P/Q stays below 1 up to here; tanh(c) rounds to 1 − 2.7e-7
    private const float A1 = 4.89352455891786e-03f, A3 = 6.37261928875436e-04f, A5 = 1.48572235717979e-05f,
        A7 = 5.12229709037114e-08f, A9 = -8.60467152213735e-11f, A11 = 2.00018790482477e-13f, A13 = -2.76076847742355e-16f;
    private const float B0 = 4.89352518554385e-03f, B2 = 2.26843463243900e-03f, B4 = 1.18534705686654e-04f, B6 = 1.19825839466702e-06f;

    // σ(x) = ½ + ½·tanh(x/2) with the halvings moved into the coefficients: x·P(x²/4)/(4·Q(x²/4)) + ½. Scaling by
    // powers of two is exact, so every rounding is the one tanh(x/2) would make: the same bits, two operations fewer.
    private const float S1 = A1 / 4, S3 = A3 / 16, S5 = A5 / 64, S7 = A7 / 256, S9 = A9 / 1024, S11 = A11 / 4096, S13 = A13 / 16384;
    private const float T0 = B0, T2 = B2 / 4, T4 = B4 / 16, T6 = B6 / 64;

    /// <summary>tanh of one value, the same bits as every vector lane.</summary>
    public static float Tanh(float x) => Ratio(x, Clamp, A1, A3, A5, A7, A9, A11, A13, B0, B2, B4, B6);

    /// <summary>σ of one value, the same bits as every vector lane.</summary>
    public static float Sigmoid(float x) => Ratio(x, 2 * Clamp, S1, S3, S5, S7, S9, S11, S13, T0, T2, T4, T6) + 0.5f;

    // x·P(x²)/Q(x²) in Horner's form (Estrin's, a shorter chain, was no faster: the pass is bound by its arithmetic)
    private static float Ratio(float x, float clamp, float c0, float c1, float c2, float c3, float c4, float c5, float c6,
                               float d0, float d1, float d2, float d3)
    {
        x = Math.Clamp(x, -clamp, clamp);
        float u = x * x;
        float p = MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u,
                  MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u, c6, c5), c4), c3), c2), c1), c0);
        float q = MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u, MathF.FusedMultiplyAdd(u, d3, d2), d1), d0);
        return x * p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tanh(Vector512<float> x) => Ratio(x, Clamp, A1, A3, A5, A7, A9, A11, A13, B0, B2, B4, B6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Sigmoid(Vector512<float> x) => Ratio(x, 2 * Clamp, S1, S3, S5, S7, S9, S11, S13, T0, T2, T4, T6) + Vector512.Create(0.5f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Ratio(Vector512<float> x, float clamp, float c0, float c1, float c2, float c3, float c4, float c5, float c6,
                                        float d0, float d1, float d2, float d3)
    {
        x = Vector512.MinNative(Vector512.Create(clamp), Vector512.MaxNative(Vector512.Create(-clamp), x));   // x second: a NaN passes through
        Vector512<float> u = x * x;
        Vector512<float> p = Vector512.FusedMultiplyAdd(u, Vector512.Create(c6), Vector512.Create(c5));
        p = Vector512.FusedMultiplyAdd(u, p, Vector512.Create(c4));
        p = Vector512.FusedMultiplyAdd(u, p, Vector512.Create(c3));
        p = Vector512.FusedMultiplyAdd(u, p, Vector512.Create(c2));
        p = Vector512.FusedMultiplyAdd(u, p, Vector512.Create(c1));
        p = Vector512.FusedMultiplyAdd(u, p, Vector512.Create(c0));
        Vector512<float> q = Vector512.FusedMultiplyAdd(u, Vector512.Create(d3), Vector512.Create(d2));
        q = Vector512.FusedMultiplyAdd(u, q, Vector512.Create(d1));
        q = Vector512.FusedMultiplyAdd(u, q, Vector512.Create(d0));
        return x * p / q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x) => Ratio(x, Clamp, A1, A3, A5, A7, A9, A11, A13, B0, B2, B4, B6);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> x) => Ratio(x, 2 * Clamp, S1, S3, S5, S7, S9, S11, S13, T0, T2, T4, T6) + Vector256.Create(0.5f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Ratio(Vector256<float> x, float clamp, float c0, float c1, float c2, float c3, float c4, float c5, float c6,
                                        float d0, float d1, float d2, float d3)
    {
        x = Vector256.MinNative(Vector256.Create(clamp), Vector256.MaxNative(Vector256.Create(-clamp), x));   // x second: a NaN passes through
        Vector256<float> u = x * x;
        Vector256<float> p = Vector256.FusedMultiplyAdd(u, Vector256.Create(c6), Vector256.Create(c5));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(c4));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(c3));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(c2));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(c1));
        p = Vector256.FusedMultiplyAdd(u, p, Vector256.Create(c0));
        Vector256<float> q = Vector256.FusedMultiplyAdd(u, Vector256.Create(d3), Vector256.Create(d2));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256.Create(d1));
        q = Vector256.FusedMultiplyAdd(u, q, Vector256.Create(d0));
        return x * p / q;
    }

    /// <summary>Applies tanh to every value of <paramref name="x"/> into <paramref name="y"/> (the same length; may be the same span).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length != x.Length) throw new ArgumentException("tanh: input and output lengths differ");
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= x.Length; j += 16) Tanh(Vector512.Create(x.Slice(j, 16))).CopyTo(y[j..]);
        if (Vector256.IsHardwareAccelerated && Fma256)
            for (; j + 8 <= x.Length; j += 8) Tanh(Vector256.Create(x.Slice(j, 8))).CopyTo(y[j..]);
        for (; j < x.Length; j++) y[j] = Tanh(x[j]);
    }

    /// <summary>Applies σ to every value of <paramref name="x"/> into <paramref name="y"/> (the same length; may be the same span).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length != x.Length) throw new ArgumentException("sigmoid: input and output lengths differ");
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= x.Length; j += 16) Sigmoid(Vector512.Create(x.Slice(j, 16))).CopyTo(y[j..]);
        if (Vector256.IsHardwareAccelerated && Fma256)
            for (; j + 8 <= x.Length; j += 8) Sigmoid(Vector256.Create(x.Slice(j, 8))).CopyTo(y[j..]);
        for (; j < x.Length; j++) y[j] = Sigmoid(x[j]);
    }

    // Vector256.FusedMultiplyAdd is one instruction only with FMA3; without it the scalar path (also fused) is exact
    private static bool Fma256 => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    /// <summary>
    /// One LSTM step of one window at inference: from the pre-activations <paramref name="gates"/> [4H] (i | f | g | o),
    /// c = σ(f)·c_prev + σ(i)·tanh(g) and h = σ(o)·tanh(c). The activated gates are not kept: nothing backpropagates.
    /// </summary>
    public static void LstmStep(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h)
    {
        int units = cPrev.Length;
        if (gates.Length != 4 * units || c.Length != units || h.Length != units)
            throw new ArgumentException($"lstm step: gates {gates.Length}, cells {cPrev.Length}/{c.Length}, hidden {h.Length} do not fit {units} units");
        ReadOnlySpan<float> i = gates[..units], f = gates.Slice(units, units), g = gates.Slice(2 * units, units), o = gates.Slice(3 * units, units);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; j + 16 <= units; j += 16)
            {
                Vector512<float> vc = Vector512.FusedMultiplyAdd(Sigmoid(Vector512.Create(i.Slice(j, 16))), Tanh(Vector512.Create(g.Slice(j, 16))),
                                                                 Sigmoid(Vector512.Create(f.Slice(j, 16))) * Vector512.Create(cPrev.Slice(j, 16)));
                vc.CopyTo(c[j..]);
                (Sigmoid(Vector512.Create(o.Slice(j, 16))) * Tanh(vc)).CopyTo(h[j..]);
            }
        if (Vector256.IsHardwareAccelerated && Fma256)
            for (; j + 8 <= units; j += 8)
            {
                Vector256<float> vc = Vector256.FusedMultiplyAdd(Sigmoid(Vector256.Create(i.Slice(j, 8))), Tanh(Vector256.Create(g.Slice(j, 8))),
                                                                 Sigmoid(Vector256.Create(f.Slice(j, 8))) * Vector256.Create(cPrev.Slice(j, 8)));
                vc.CopyTo(c[j..]);
                (Sigmoid(Vector256.Create(o.Slice(j, 8))) * Tanh(vc)).CopyTo(h[j..]);
            }
        for (; j < units; j++)
        {
            float vc = MathF.FusedMultiplyAdd(Sigmoid(i[j]), Tanh(g[j]), Sigmoid(f[j]) * cPrev[j]);
            c[j] = vc;
            h[j] = Sigmoid(o[j]) * Tanh(vc);
        }
    }
}
