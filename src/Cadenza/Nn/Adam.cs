using System.Runtime.Intrinsics;

namespace Cadenza.Nn;

/// <summary>Where Adam's epsilon sits: Keras/TF (<c>ResourceApplyAdam</c>, before the bias correction) or PyTorch/tfjs (after it).</summary>
public enum AdamFormula
{
    /// <summary>Keras 2/3 and TF: <c>w −= lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε)</c>; the default, as the paper trained with Keras.</summary>
    Keras,

    /// <summary>torch.optim.Adam and tf.train.adam: <c>w −= lr · m̂/(√v̂ + ε)</c>.</summary>
    PyTorch,
}

/// <summary>Adam's hyperparameters (the paper's: lr 0.005, β1 0.9, β2 0.999, ε 1e-7, Keras formula).</summary>
public sealed record AdamSettings
{
    /// <summary>Step size.</summary>
    public float LearningRate { get; init; } = 0.005f;
    /// <summary>Decay of the first moment.</summary>
    public float Beta1 { get; init; } = 0.9f;
    /// <summary>Decay of the second moment.</summary>
    public float Beta2 { get; init; } = 0.999f;
    /// <summary>Keeps the update finite where the second moment is tiny.</summary>
    public float Epsilon { get; init; } = 1e-7f;
    /// <summary>Where epsilon sits.</summary>
    public AdamFormula Formula { get; init; } = AdamFormula.Keras;
}

/// <summary>The Adam optimiser over one flat weight array: first and second moments and the step count.</summary>
public sealed class Adam
{
    /// <summary>Creates an optimiser for <paramref name="count"/> weights with zero moments.</summary>
    public Adam(int count, AdamSettings? settings = null)
    {
        Settings = settings ?? new AdamSettings();
        M = new float[count];
        V = new float[count];
    }

    /// <summary>Hyperparameters.</summary>
    public AdamSettings Settings { get; }

    /// <summary>First moments, one per weight.</summary>
    public float[] M { get; }

    /// <summary>Second moments, one per weight.</summary>
    public float[] V { get; }

    /// <summary>Updates done so far (t in the formulas).</summary>
    public long Step { get; set; }

    /// <summary>One update of <paramref name="weights"/> from <paramref name="gradients"/>; allocation-free.</summary>
    public void Update(Span<float> weights, ReadOnlySpan<float> gradients)
    {
        if (weights.Length != M.Length || gradients.Length != M.Length) throw new ArgumentException("Adam: weights, gradients and moments differ in length");
        Step++;
        AdamSettings s = Settings;
        float b1 = s.Beta1, b2 = s.Beta2, oneMinusB1 = 1f - b1, oneMinusB2 = 1f - b2, eps = s.Epsilon;
        double bias1 = 1 - Math.Pow(b1, Step), bias2 = 1 - Math.Pow(b2, Step);
        Span<float> m = M, v = V;
        if (s.Formula == AdamFormula.Keras)
        {
            float alpha = (float)(s.LearningRate * Math.Sqrt(bias2) / bias1);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // the same operations in the same order as the scalar loop below, eight weights at a time
                Vector256<float> vb1 = Vector256.Create(oneMinusB1), vb2 = Vector256.Create(oneMinusB2), va = Vector256.Create(alpha), ve = Vector256.Create(eps);
                for (; i + 8 <= weights.Length; i += 8)
                {
                    Vector256<float> g = Vector256.Create(gradients.Slice(i, 8)), mv = Vector256.Create(m.Slice(i, 8)), vv = Vector256.Create(v.Slice(i, 8));
                    mv += (g - mv) * vb1;
                    vv += (g * g - vv) * vb2;
                    mv.CopyTo(m.Slice(i, 8));
                    vv.CopyTo(v.Slice(i, 8));
                    (Vector256.Create(weights.Slice(i, 8)) - va * mv / (Vector256.Sqrt(vv) + ve)).CopyTo(weights.Slice(i, 8));
                }
            }
            for (; i < weights.Length; i++)
            {
                float g = gradients[i];
                float mi = m[i] + (g - m[i]) * oneMinusB1;
                float vi = v[i] + (g * g - v[i]) * oneMinusB2;
                m[i] = mi;
                v[i] = vi;
                weights[i] -= alpha * mi / (MathF.Sqrt(vi) + eps);
            }
        }
        else
        {
            float c1 = (float)(1 / bias1), c2 = (float)(1 / bias2), lr = s.LearningRate;
            for (int i = 0; i < weights.Length; i++)
            {
                float g = gradients[i];
                float mi = b1 * m[i] + oneMinusB1 * g;
                float vi = b2 * v[i] + oneMinusB2 * g * g;
                m[i] = mi;
                v[i] = vi;
                weights[i] -= lr * (mi * c1) / (MathF.Sqrt(vi * c2) + eps);
            }
        }
    }
}
