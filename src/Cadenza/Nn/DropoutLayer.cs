using Cadenza.Common;

namespace Cadenza.Nn;

/// <summary>Inverted dropout (Keras <c>Dropout</c>): in training each value is zeroed with probability p and the rest scaled by 1/(1 − p); at inference it is the identity.</summary>
/// <remarks>The mask is drawn from a seed given per pass, so a batch's mask is the same on every run and on resume; nothing is allocated.</remarks>
internal sealed class DropoutLayer
{
    private readonly float[] _mask;
    private readonly Rng _rng = new(0);

    public DropoutLayer(float rate, int maxValues)
    {
        if (!(rate >= 0 && rate < 1)) throw new ArgumentOutOfRangeException(nameof(rate), $"dropout {rate} outside [0, 1)");
        Rate = rate;
        _mask = new float[maxValues];
    }

    public float Rate { get; }

    /// <summary>Draws a mask from <paramref name="seed"/> and applies it to <paramref name="x"/> in place.</summary>
    public void Forward(Span<float> x, ulong seed)
    {
        _rng.Reseed(seed);
        float keep = 1f / (1f - Rate);
        Span<float> mask = _mask.AsSpan(0, x.Length);
        for (int i = 0; i < mask.Length; i++) mask[i] = _rng.NextDouble() < Rate ? 0f : keep;
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, mask, x);
    }

    /// <summary>Applies the last mask to the gradient <paramref name="dx"/> in place.</summary>
    public void Backward(Span<float> dx) => System.Numerics.Tensors.TensorPrimitives.Multiply(dx, _mask.AsSpan(0, dx.Length), dx);
}
