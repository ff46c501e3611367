using Cadenza.Common;

namespace Cadenza.Nn;

/// <summary>Keras's weight initialisers, drawn from Cadenza's <see cref="Rng"/>.</summary>
public static class Initializers
{
    /// <summary>Glorot (Xavier) uniform: U(−l, l) with l = √(6 / (fan_in + fan_out)); Keras's default for kernels.</summary>
    public static void GlorotUniform(Span<float> values, int fanIn, int fanOut, Rng rng)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < values.Length; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>Keras's default for embeddings: U(−0.05, 0.05).</summary>
    public static void EmbeddingUniform(Span<float> values, Rng rng)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * 0.05);
    }

    /// <summary>Keras's Orthogonal (gain 1) for a [rows × cols] matrix: QR of a Gaussian matrix with R's diagonal made positive.</summary>
    /// <remarks>
    /// As Keras: a Gaussian [max × min] matrix is orthonormalised column by column (modified Gram–Schmidt in double,
    /// which gives Q with a positive R diagonal), and transposed when rows &lt; cols, so the rows (or columns) of the
    /// result are orthonormal.
    /// </remarks>
    public static void Orthogonal(Span<float> values, int rows, int cols, Rng rng)
    {
        int tall = Math.Max(rows, cols), narrow = Math.Min(rows, cols);
        var q = new double[tall * narrow];   // column-major: column j at j * tall
        for (int i = 0; i < q.Length; i++) q[i] = rng.NextNormal();
        for (int j = 0; j < narrow; j++)
        {
            Span<double> cj = q.AsSpan(j * tall, tall);
            for (int p = 0; p < j; p++)
            {
                ReadOnlySpan<double> cp = q.AsSpan(p * tall, tall);
                double dot = 0;
                for (int i = 0; i < tall; i++) dot += cp[i] * cj[i];
                for (int i = 0; i < tall; i++) cj[i] -= dot * cp[i];
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) norm += cj[i] * cj[i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < tall; i++) cj[i] /= norm;
        }
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            values[r * cols + c] = (float)(rows >= cols ? q[c * tall + r] : q[r * tall + c]);
    }
}
