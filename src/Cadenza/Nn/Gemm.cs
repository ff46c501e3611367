using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cadenza.Nn;

/// <summary>Single-precision matrix products for the engine's hot paths: C = A·B (+ C), row-major, with leading dimensions.</summary>
/// <remarks>
/// A register-blocked micro-kernel: 8 rows of A × 32 columns of B in sixteen 512-bit accumulators where AVX-512 runs
/// (then 4 × 32 in eight for the rows left; 6 × 16 in twelve 256-bit ones elsewhere, then 4 × 16), one FMA per loaded B vector and broadcast A value; every output element sums over k in the same order, so results do not
/// depend on how work is split across threads. A is read through a row and a column stride, so Aᵀ·B (the weight
/// gradients) needs no transposed copy; Bᵀ is made with <see cref="Transpose"/>, as the kernel loads rows of B as vectors.
/// </remarks>
internal static unsafe class Gemm
{
    private const int MR = 4;    // rows per micro-kernel
    private const int NR = 16;   // columns per micro-kernel: two Vector256<float>
    private const int WideNR = 64;   // columns per row kernel for matrix-vector products: eight Vector256<float>
    private const int NR512 = 32;    // columns per AVX-512 micro-kernel: two Vector512<float>
    private const int KC = 256;      // k per pass: a 16-column strip of B (16 KB) and the A lines it meets stay in L1

    /// <summary>C[m×n] = A[m×k]·B[k×n], or C += A·B when <paramref name="accumulate"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
                                int m, int n, int k, bool accumulate)
    {
        if (m > 0 && k > 0 && (m - 1) * lda + k > a.Length) throw new ArgumentException($"GEMM: A too small for {m}×{k}");
        Core(a, lda, 1, b, ldb, c, ldc, m, n, k, accumulate);
    }

    /// <summary>C[m×n] = Aᵀ·B (+ C) where A is stored as [k×m] with leading dimension <paramref name="lda"/>: sums over the rows of A and B.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
                                           int m, int n, int k, bool accumulate)
    {
        if (m > 0 && k > 0 && (k - 1) * lda + m > a.Length) throw new ArgumentException($"GEMM: Aᵀ too small for {k}×{m}");
        Core(a, 1, lda, b, ldb, c, ldc, m, n, k, accumulate);
    }

    /// <summary>Columns per packed strip (<see cref="Pack"/>): the widest micro-kernel's, so one strip is what one kernel call reads.</summary>
    public static int StripWidth => Vector512.IsHardwareAccelerated ? NR512 : NR;

    /// <summary>Whether B with <paramref name="n"/> columns can be packed into whole strips.</summary>
    public static bool Packable(int n) => n % StripWidth == 0;

    /// <summary>
    /// Copies B[k×n] (leading dimension <paramref name="ldb"/>) into n / <see cref="StripWidth"/> strips [k × StripWidth],
    /// each contiguous. Read in place, a strip of a B whose rows are 2 KB apart maps to two of L1's 64 sets and is
    /// evicted before the next kernel call reuses it; packed, it is read front to back (bench/README.md, session 12).
    /// </summary>
    public static void Pack(ReadOnlySpan<float> b, int ldb, int k, int n, Span<float> strips)
    {
        int w = StripWidth;
        if (!Packable(n)) throw new ArgumentException($"GEMM: {n} columns do not fill strips of {w}");
        if (strips.Length < k * n || (k > 0 && (k - 1) * ldb + n > b.Length)) throw new ArgumentException("GEMM: pack operands too small");
        for (int j = 0; j < n / w; j++)
        for (int p = 0; p < k; p++)
            b.Slice(p * ldb + j * w, w).CopyTo(strips.Slice((j * k + p) * w, w));
    }

    /// <summary>
    /// C[m×n] (+)= A[m×rows]·B[first..first+rows−1, ·] with B packed by <see cref="Pack"/> from <paramref name="k"/> rows:
    /// the same kernels and the same sums in the same order as <see cref="Multiply"/>, so the same bits.
    /// </summary>
    public static void MultiplyPacked(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> strips, int k, int first, Span<float> c, int ldc,
                                      int m, int n, int rows, bool accumulate)
    {
        if (m > 0 && rows > 0 && (m - 1) * lda + rows > a.Length) throw new ArgumentException($"GEMM: A too small for {m}×{rows}");
        PackedCore(a, lda, 1, strips, k, first, c, ldc, m, n, rows, accumulate);
    }

    /// <summary><see cref="MultiplyTransposedA"/> with B packed by <see cref="Pack"/> (its k rows all used).</summary>
    public static void MultiplyTransposedAPacked(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> strips, Span<float> c, int ldc,
                                                 int m, int n, int k, bool accumulate)
    {
        if (m > 0 && k > 0 && (k - 1) * lda + m > a.Length) throw new ArgumentException($"GEMM: Aᵀ too small for {k}×{m}");
        PackedCore(a, 1, lda, strips, k, 0, c, ldc, m, n, k, accumulate);
    }

    private static void PackedCore(ReadOnlySpan<float> a, int rs, int cs, ReadOnlySpan<float> strips, int k, int first, Span<float> c, int ldc,
                                   int m, int n, int rows, bool accumulate)
    {
        int w = StripWidth;
        if (!Packable(n) || first + rows > k || strips.Length < k * n) throw new ArgumentException($"GEMM: packed B does not hold {rows} rows from {first} of {k}×{n}");
        for (int j = 0; j < n / w; j++)
            Core(a, rs, cs, strips.Slice((j * k + first) * w, rows * w), w, c[(j * w)..], ldc, m, w, rows, accumulate);
    }

    /// <summary>The product with A(i, p) at a[i·rs + p·cs].</summary>
    private static void Core(ReadOnlySpan<float> a, int rs, int cs, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
                             int m, int n, int k, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        if ((k - 1) * ldb + n > b.Length || (m - 1) * ldc + n > c.Length)
            throw new ArgumentException($"GEMM operands too small for {m}×{k}·{k}×{n}");
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (m < MR && Vector256.IsHardwareAccelerated)
            {
                // matrix-vector shape (generation at batch 1): 64 columns at a time keeps eight independent FMA chains
                // in flight; 16 columns would leave the loop waiting on FMA latency
                int wide = n - n % WideNR;
                for (int i = 0; i < m; i++)
                {
                    // on a contiguous 64-column panel (LstmLayer.Pack) a 512-bit row kernel measured 26% faster on a core
                    // with full-width AVX-512 units (session 12); on an unpacked B, rows 2 KB apart, it was no faster, so
                    // the AVX2 one stays there
                    if (Vector512.IsHardwareAccelerated && ldb <= WideNR)
                        for (int j = 0; j < wide; j += WideNR) Kernel1x64W(pa + i * rs, cs, pb + j, ldb, pc + i * ldc + j, k, accumulate);
                    else
                        for (int j = 0; j < wide; j += WideNR) Kernel1x64(pa + i * rs, cs, pb + j, ldb, pc + i * ldc + j, k, accumulate);
                    for (int j = wide; j + NR <= n; j += NR) Kernel1x16(pa + i * rs, cs, pb + j, ldb, pc + i * ldc + j, k, accumulate);
                }
                int done = n - n % NR;
                if (done < n) Tail(pa, rs, cs, pb, ldb, pc, ldc, m, done, n, k, accumulate);
                return;
            }
            int jFull = Vector256.IsHardwareAccelerated ? n - n % NR : 0;
            // passes over k: storing the float accumulators between passes and reloading them changes no bit, so
            // the sums are the same as in one pass, while the operands of a pass stay in L1
            for (int k0 = 0; k0 < k; k0 += KC)
            {
                int kc = Math.Min(KC, k - k0);
                bool acc = accumulate || k0 > 0;
                float* ak = pa + (long)k0 * cs, bk = pb + (long)k0 * ldb;
                int j512 = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    // AVX-512: the same sums in the same order (so the same bits), half the instructions
                    j512 = n - n % NR512;
                    for (int j = 0; j < j512; j += NR512)
                    {
                        int i = 0;
                        for (; i + 2 * MR <= m; i += 2 * MR) Kernel8x32(ak + i * rs, rs, cs, bk + j, ldb, pc + i * ldc + j, ldc, kc, acc);
                        for (; i + MR <= m; i += MR) Kernel4x32(ak + i * rs, rs, cs, bk + j, ldb, pc + i * ldc + j, ldc, kc, acc);
                        if (i < m) KernelTailx32(ak + i * rs, rs, cs, bk + j, ldb, pc + i * ldc + j, ldc, kc, acc, m - i);
                    }
                }
                for (int j = j512; j < jFull; j += NR)
                {
                    int i = 0;
                    for (; i + 6 <= m; i += 6) Kernel6x16(ak + i * rs, rs, cs, bk + j, ldb, pc + i * ldc + j, ldc, kc, acc);
                    for (; i + MR <= m; i += MR) Kernel4x16(ak + i * rs, rs, cs, bk + j, ldb, pc + i * ldc + j, ldc, kc, acc);
                    for (; i < m; i++) Kernel1x16(ak + i * rs, cs, bk + j, ldb, pc + i * ldc + j, kc, acc);
                }
            }
            if (jFull < n) Tail(pa, rs, cs, pb, ldb, pc, ldc, m, jFull, n, k, accumulate);
        }
    }

    /// <summary>
    /// 6 rows × 16 columns in twelve 256-bit accumulators, for machines without AVX-512: twelve independent FMA chains
    /// cover the FMA latency that <see cref="Kernel4x16"/>'s eight leave exposed, and each loaded B vector feeds six
    /// FMAs. The same sums in the same order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int k, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        float* c3 = c + 3 * ldc;
        if (accumulate)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c3); c31 = Vector256.Load(c3 + 8);
            c40 = Vector256.Load(c3 + ldc); c41 = Vector256.Load(c3 + ldc + 8);
            c50 = Vector256.Load(c3 + 2 * ldc); c51 = Vector256.Load(c3 + 2 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        float* ap = a;
        for (int p = 0; p < k; p++, ap += cs)
        {
            float* bp = b + (long)p * ldb;
            Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8);
            Vector256<float> x = Vector256.Create(ap[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(ap[rs]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(ap[2 * rs]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(ap[3 * rs]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(ap[4 * rs]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(ap[5 * rs]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c3); c31.Store(c3 + 8);
        c40.Store(c3 + ldc); c41.Store(c3 + ldc + 8);
        c50.Store(c3 + 2 * ldc); c51.Store(c3 + 2 * ldc + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x16(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int k, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector256<float>.Zero;
        }
        float* ap = a;
        for (int p = 0; p < k; p++, ap += cs)
        {
            float* bp = b + (long)p * ldb;
            Vector256<float> b0 = Vector256.Load(bp), b1 = Vector256.Load(bp + 8);
            Vector256<float> x = Vector256.Create(ap[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(ap[rs]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(ap[2 * rs]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(ap[3 * rs]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x32(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int k, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
        }
        float* ap = a;
        for (int p = 0; p < k; p++, ap += cs)
        {
            float* bp = b + (long)p * ldb;
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> x = Vector512.Create(ap[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(ap[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(ap[2 * rs]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(ap[3 * rs]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
        }
        c00.Store(c); c01.Store(c + 16);
        c10.Store(c + ldc); c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 16);
    }

    /// <summary>
    /// 8 rows × 32 columns in sixteen 512-bit accumulators: each loaded B vector feeds eight FMAs instead of four, so a
    /// k step costs two loads and eight broadcasts for sixteen FMAs. The same sums in the same order as <see cref="Kernel4x32"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int k, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        float* c4 = c + 4 * ldc;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc); c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + 16);
            c40 = Vector512.Load(c4); c41 = Vector512.Load(c4 + 16);
            c50 = Vector512.Load(c4 + ldc); c51 = Vector512.Load(c4 + ldc + 16);
            c60 = Vector512.Load(c4 + 2 * ldc); c61 = Vector512.Load(c4 + 2 * ldc + 16);
            c70 = Vector512.Load(c4 + 3 * ldc); c71 = Vector512.Load(c4 + 3 * ldc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        float* ap = a;
        for (int p = 0; p < k; p++, ap += cs)
        {
            float* bp = b + (long)p * ldb;
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> x = Vector512.Create(ap[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(ap[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(ap[2 * rs]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(ap[3 * rs]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(ap[4 * rs]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(ap[5 * rs]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(ap[6 * rs]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(ap[7 * rs]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        c00.Store(c); c01.Store(c + 16);
        c10.Store(c + ldc); c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 16);
        c40.Store(c4); c41.Store(c4 + 16);
        c50.Store(c4 + ldc); c51.Store(c4 + ldc + 16);
        c60.Store(c4 + 2 * ldc); c61.Store(c4 + 2 * ldc + 16);
        c70.Store(c4 + 3 * ldc); c71.Store(c4 + 3 * ldc + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x64(float* a, int cs, float* b, int ldb, float* c, int k, bool accumulate)
    {
        Vector256<float> c0, c1, c2, c3, c4, c5, c6, c7;
        if (accumulate)
        {
            c0 = Vector256.Load(c); c1 = Vector256.Load(c + 8); c2 = Vector256.Load(c + 16); c3 = Vector256.Load(c + 24);
            c4 = Vector256.Load(c + 32); c5 = Vector256.Load(c + 40); c6 = Vector256.Load(c + 48); c7 = Vector256.Load(c + 56);
        }
        else
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = Vector256<float>.Zero;
        }
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            Vector256<float> x = Vector256.Create(a[(long)p * cs]);
            c0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp), c0);
            c1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 8), c1);
            c2 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 16), c2);
            c3 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 24), c3);
            c4 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 32), c4);
            c5 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 40), c5);
            c6 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 48), c6);
            c7 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 56), c7);
        }
        c0.Store(c); c1.Store(c + 8); c2.Store(c + 16); c3.Store(c + 24);
        c4.Store(c + 32); c5.Store(c + 40); c6.Store(c + 48); c7.Store(c + 56);
    }

    /// <summary><see cref="Kernel1x64"/> in four 512-bit accumulators: the same sums in the same order, half the instructions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x64W(float* a, int cs, float* b, int ldb, float* c, int k, bool accumulate)
    {
        Vector512<float> c0, c1, c2, c3;
        if (accumulate)
        {
            c0 = Vector512.Load(c); c1 = Vector512.Load(c + 16); c2 = Vector512.Load(c + 32); c3 = Vector512.Load(c + 48);
        }
        else
        {
            c0 = c1 = c2 = c3 = Vector512<float>.Zero;
        }
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            Vector512<float> x = Vector512.Create(a[(long)p * cs]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), c0);
            c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 32), c2);
            c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 48), c3);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
    }

    /// <summary>
    /// The last 1–3 rows × 32 columns: six 512-bit accumulators, a missing row computed again from the first row and not
    /// stored, so six FMA chains hide the FMA latency (a row alone, in two 1 × 16 calls, ran two chains: the paper
    /// model's weight gradient, 131 = 16·8 + 3 rows, spent a fifth of its time on those 3). The same sums in the same order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelTailx32(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int k, bool accumulate, int rows)
    {
        int r1 = rows > 1 ? rs : 0, r2 = rows > 2 ? 2 * rs : 0;
        Vector512<float> c00, c01, c10, c11, c20, c21;
        if (accumulate)
        {
            c00 = Vector512.Load(c); c01 = Vector512.Load(c + 16);
            c10 = rows > 1 ? Vector512.Load(c + ldc) : c00; c11 = rows > 1 ? Vector512.Load(c + ldc + 16) : c01;
            c20 = rows > 2 ? Vector512.Load(c + 2 * ldc) : c00; c21 = rows > 2 ? Vector512.Load(c + 2 * ldc + 16) : c01;
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = Vector512<float>.Zero;
        }
        float* ap = a;
        for (int p = 0; p < k; p++, ap += cs)
        {
            float* bp = b + (long)p * ldb;
            Vector512<float> b0 = Vector512.Load(bp), b1 = Vector512.Load(bp + 16);
            Vector512<float> x = Vector512.Create(ap[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(ap[r1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(ap[r2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
        }
        c00.Store(c); c01.Store(c + 16);
        if (rows > 1) { c10.Store(c + ldc); c11.Store(c + ldc + 16); }
        if (rows > 2) { c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 16); }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x16(float* a, int cs, float* b, int ldb, float* c, int k, bool accumulate)
    {
        Vector256<float> c0 = accumulate ? Vector256.Load(c) : Vector256<float>.Zero;
        Vector256<float> c1 = accumulate ? Vector256.Load(c + 8) : Vector256<float>.Zero;
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            Vector256<float> x = Vector256.Create(a[(long)p * cs]);
            c0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp), c0);
            c1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 8), c1);
        }
        c0.Store(c); c1.Store(c + 8);
    }

    private static void Tail(float* a, int rs, int cs, float* b, int ldb, float* c, int ldc, int m, int j0, int n, int k, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            float* ai = a + (long)i * rs;
            float* ci = c + (long)i * ldc;
            for (int j = j0; j < n; j++)
            {
                float sum = accumulate ? ci[j] : 0f;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(ai[(long)p * cs], b[(long)p * ldb + j], sum);
                ci[j] = sum;
            }
        }
    }

    /// <summary>Writes the transpose of A[rows×cols] (leading dimension lda) into T[cols×rows].</summary>
    public static void Transpose(ReadOnlySpan<float> a, int lda, int rows, int cols, Span<float> t)
    {
        if (t.Length < rows * cols) throw new ArgumentException("transpose target too small");
        const int Block = 32;   // cache-sized tiles so both sides stream
        for (int i0 = 0; i0 < rows; i0 += Block)
        {
            int i1 = Math.Min(rows, i0 + Block);
            for (int j0 = 0; j0 < cols; j0 += Block)
            {
                int j1 = Math.Min(cols, j0 + Block);
                for (int i = i0; i < i1; i++)
                for (int j = j0; j < j1; j++)
                    t[j * rows + i] = a[i * lda + j];
            }
        }
    }
}
