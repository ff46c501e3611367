using System.Numerics.Tensors;

namespace Cadenza.Nn;

/// <summary>
/// A pointer-sentinel mixture (Merity et al. 2016): the next value is drawn either from a head's softmax or by
/// pointing at one of the window's T positions and copying its value. One softmax over T + 1 scores decides: the
/// sentinel score s₀ = h_T·w + b for the vocabulary, and s_t = (h_T·K)·h_t / √H (+ r_t, a learned score of position t,
/// with position scores) for position t. Then
/// p(j) = a₀·softmax(z)_j + Σ_t a_t·[v_t = j], and the layer outputs ln p.
/// </summary>
/// <remarks>
/// Its loss is fused with the mixture: with π the posterior over the T + 1 sources given the label y
/// (π₀ = a₀·q_y / p_y, π_t = a_t·[v_t = y] / p_y), dL/dz = π₀·(q − onehot_y) and dL/ds = a − π, which the backward
/// pass carries into K, w, b, r, h_T and every h_t. Buffers are sized once; nothing is allocated per pass.
/// </remarks>
internal sealed class CopyMixture
{
    private const float Floor = 1e-30f;   // keeps ln p finite when a class has underflowed in both sources

    private readonly ParameterTensor _kernel, _sentinel, _bias;
    private readonly ParameterTensor? _positions;   // [T] r, with position scores
    private readonly float[] _query;      // [B, H] u = h_T·K
    private readonly float[] _attention;  // [B, T+1] a = softmax(s), sentinel first
    private readonly float[] _softmax;    // [B, C] q = softmax(z)
    private readonly float[] _logProbs;   // [B, C] ln p
    private readonly int[] _ids;          // [B, T] the window's class at each position
    private readonly float[] _dScores;    // [B, T+1]
    private readonly float[] _dQuery;     // [B, H]
    private readonly float[] _kernelT;    // [H, H]

    public CopyMixture(ParameterSet parameters, string name, int units, int classes, int steps, int maxBatch, bool positions = false)
    {
        _kernel = parameters[name + "/kernel"];
        _sentinel = parameters[name + "/sentinel_kernel"];
        _bias = parameters[name + "/sentinel_bias"];
        _positions = positions ? parameters[name + "/position_bias"] : null;
        Units = units;
        Classes = classes;
        Steps = steps;
        _query = new float[maxBatch * units];
        _attention = new float[maxBatch * (steps + 1)];
        _softmax = new float[maxBatch * classes];
        _logProbs = new float[maxBatch * classes];
        _ids = new int[maxBatch * steps];
        _dScores = new float[maxBatch * (steps + 1)];
        _dQuery = new float[maxBatch * units];
        _kernelT = new float[units * units];
    }

    public int Units { get; }
    public int Classes { get; }
    public int Steps { get; }

    private float InvSqrtUnits => 1f / MathF.Sqrt(Units);

    /// <summary>ln p of the last forward pass, [B, C].</summary>
    public ReadOnlySpan<float> LogProbs(int batch) => _logProbs.AsSpan(0, batch * Classes);

    /// <summary>The mixture weight of the vocabulary softmax (a₀) of window <paramref name="b"/> in the last forward pass.</summary>
    public float SentinelWeight(int b) => _attention[b * (Steps + 1)];

    /// <summary>
    /// Mixes <paramref name="logits"/> [B, C] with a pointer over the window. <paramref name="sequence"/> is the top
    /// LSTM's h_1..h_T [T, B, H] (time-major), <paramref name="last"/> h_T [B, H]; <paramref name="window"/> [T, B, F]
    /// holds each position's class index in column <paramref name="column"/>. With <paramref name="matchColumn"/> ≥ 0,
    /// window b may only point at positions whose value in that column is <paramref name="match"/>[b] (e.g. notes of the
    /// instrument about to play): the others get no attention, and with none left the softmax alone speaks.
    /// </summary>
    public void Forward(ReadOnlySpan<float> sequence, ReadOnlySpan<float> last, ReadOnlySpan<float> logits, ReadOnlySpan<float> window, int features, int column,
                        int batch, ReadOnlySpan<float> weights, int matchColumn = -1, ReadOnlySpan<int> match = default)
    {
        int h = Units, c = Classes, t = Steps;
        Span<float> u = _query.AsSpan(0, batch * h);
        Gemm.Multiply(last, h, weights.Slice(_kernel.Offset, _kernel.Length), h, u, h, batch, h, h, accumulate: false);
        ReadOnlySpan<float> w = weights.Slice(_sentinel.Offset, h);
        float bias = weights[_bias.Offset], scale = InvSqrtUnits;
        ReadOnlySpan<float> r = _positions is { } pt ? weights.Slice(pt.Offset, t) : default;
        for (int b = 0; b < batch; b++)
        {
            Span<float> a = _attention.AsSpan(b * (t + 1), t + 1);
            ReadOnlySpan<float> hb = last.Slice(b * h, h), ub = u.Slice(b * h, h);
            a[0] = TensorPrimitives.Dot(hb, w) + bias;
            for (int s = 0; s < t; s++)
            {
                a[s + 1] = TensorPrimitives.Dot(ub, sequence.Slice((s * batch + b) * h, h)) * scale;
                if (!r.IsEmpty) a[s + 1] += r[s];
                int id = (int)window[(s * batch + b) * features + column];
                if ((uint)id >= (uint)c && id != EmbeddingLayer.Pad) throw new ArgumentOutOfRangeException(nameof(window), $"class {id} outside 0..{c - 1}");
                _ids[b * t + s] = id;
                // a masked position's attention is 0, so its score gradient a − π is 0 too: the backward pass needs no mask;
                // padding has no value to copy
                if (id == EmbeddingLayer.Pad || (matchColumn >= 0 && (int)window[(s * batch + b) * features + matchColumn] != match[b])) a[s + 1] = float.NegativeInfinity;
            }
            TensorPrimitives.SoftMax(a, a);
            Span<float> q = _softmax.AsSpan(b * c, c), lp = _logProbs.AsSpan(b * c, c);
            TensorPrimitives.SoftMax(logits.Slice(b * c, c), q);
            TensorPrimitives.Multiply(q, a[0], lp);
            for (int s = 0; s < t; s++) if (_ids[b * t + s] >= 0) lp[_ids[b * t + s]] += a[s + 1];
            TensorPrimitives.Max(lp, Floor, lp);
            TensorPrimitives.Log(lp, lp);
        }
    }

    /// <summary>
    /// Mean −ln p(label) of the last forward pass; writes <c>weight/B</c>-scaled gradients: w.r.t. the logits into
    /// <paramref name="dLogits"/> [B, C] and w.r.t. the scores into the layer's own buffer for <see cref="Backward"/>.
    /// </summary>
    public float Loss(ReadOnlySpan<float> labels, int labelStride, int labelColumn, int batch, float weight, Span<float> dLogits)
    {
        int c = Classes, t = Steps;
        float scale = weight / batch;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            int y = (int)labels[b * labelStride + labelColumn];
            if ((uint)y >= (uint)c) throw new ArgumentOutOfRangeException(nameof(labels), $"class label {y} outside 0..{c - 1}");
            float p = MathF.Exp(_logProbs[b * c + y]);
            total -= _logProbs[b * c + y];
            ReadOnlySpan<float> a = _attention.AsSpan(b * (t + 1), t + 1);
            ReadOnlySpan<float> q = _softmax.AsSpan(b * c, c);
            Span<float> ds = _dScores.AsSpan(b * (t + 1), t + 1);
            float pi0 = a[0] * q[y] / p;
            // dL/ds = a − π: every source loses its prior share and the ones that explain the label gain their posterior
            ds[0] = scale * (a[0] - pi0);
            for (int s = 0; s < t; s++) ds[s + 1] = scale * (a[s + 1] - (_ids[b * t + s] == y ? a[s + 1] / p : 0f));
            Span<float> dz = dLogits.Slice(b * c, c);
            TensorPrimitives.Multiply(q, scale * pi0, dz);
            dz[y] -= scale * pi0;
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// Backpropagates the score gradients of <see cref="Loss"/>: adds into the weights' <paramref name="gradients"/>,
    /// into <paramref name="dLast"/> [B, H] and into <paramref name="dSequence"/> [T, B, H].
    /// </summary>
    public void Backward(ReadOnlySpan<float> sequence, ReadOnlySpan<float> last, int batch, ReadOnlySpan<float> weights, Span<float> gradients,
                         Span<float> dLast, Span<float> dSequence)
    {
        int h = Units, t = Steps;
        float scale = InvSqrtUnits;
        ReadOnlySpan<float> w = weights.Slice(_sentinel.Offset, h);
        Span<float> dw = gradients.Slice(_sentinel.Offset, h);
        Span<float> dr = _positions is { } pt ? gradients.Slice(pt.Offset, t) : default;
        Span<float> du = _dQuery.AsSpan(0, batch * h);
        du.Clear();
        ReadOnlySpan<float> u = _query.AsSpan(0, batch * h);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> ds = _dScores.AsSpan(b * (t + 1), t + 1);
            Span<float> dLastB = dLast.Slice(b * h, h);
            TensorPrimitives.FusedMultiplyAdd(last.Slice(b * h, h), ds[0], dw, dw);
            gradients[_bias.Offset] += ds[0];
            TensorPrimitives.FusedMultiplyAdd(w, ds[0], dLastB, dLastB);
            Span<float> dub = du.Slice(b * h, h);
            ReadOnlySpan<float> ub = u.Slice(b * h, h);
            if (!dr.IsEmpty) TensorPrimitives.Add(dr, ds[1..], dr);   // s_t = … + r_t: each position's score gradient is r_t's
            for (int s = 0; s < t; s++)
            {
                float g = ds[s + 1] * scale;
                if (g == 0f) continue;
                TensorPrimitives.FusedMultiplyAdd(sequence.Slice((s * batch + b) * h, h), g, dub, dub);
                Span<float> dhs = dSequence.Slice((s * batch + b) * h, h);
                TensorPrimitives.FusedMultiplyAdd(ub, g, dhs, dhs);
            }
        }
        // u = h_T·K: K += h_Tᵀ·du, dh_T += du·Kᵀ
        Gemm.MultiplyTransposedA(last, h, du, h, gradients.Slice(_kernel.Offset, _kernel.Length), h, h, h, batch, accumulate: true);
        Gemm.Transpose(weights.Slice(_kernel.Offset, _kernel.Length), h, h, h, _kernelT);
        Gemm.Multiply(du, h, _kernelT, h, dLast, h, batch, h, h, accumulate: true);
    }
}
