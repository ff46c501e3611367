using System.Numerics.Tensors;

namespace Cadenza.Nn;

/// <summary>The tutorial's losses with their gradients: sparse categorical cross-entropy from logits, and MSE with positive pressure.</summary>
public static class Losses
{
    /// <summary>Weight of the positive-pressure term: penalises negative step/duration predictions.</summary>
    public const float PositivePressure = 10f;

    /// <summary>
    /// Mean over the batch of <c>logsumexp(logits) − logits[label]</c>; writes <c>weight·(softmax − onehot)/B</c> into
    /// <paramref name="dLogits"/>.
    /// </summary>
    /// <param name="logits">[B × classes].</param>
    /// <param name="labels">[B × labelStride], the class index as a float in column <paramref name="labelColumn"/>.</param>
    public static float SparseCrossEntropy(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<float> labels, int labelStride, int labelColumn,
                                           int batch, float weight, Span<float> dLogits)
    {
        double total = 0;
        float scale = weight / batch;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> row = logits.Slice(b * classes, classes);
            Span<float> grad = dLogits.Slice(b * classes, classes);
            int label = (int)labels[b * labelStride + labelColumn];
            if ((uint)label >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), $"class label {label} outside 0..{classes - 1}");
            total += CrossEntropy(row, label, grad, out float sum);
            TensorPrimitives.Multiply(grad, scale / sum, grad);
            grad[label] -= scale;
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// Mean over the batch of <c>(y − ŷ)² + 10·max(−ŷ, 0)</c>; writes <c>weight·d/dŷ / B</c> into <paramref name="dPrediction"/>.
    /// At ŷ = 0 the pressure's gradient is taken as TF's <c>maximum</c> gives it (to the first argument).
    /// </summary>
    /// <param name="prediction">[B] one value per window.</param>
    public static float MsePositivePressure(ReadOnlySpan<float> prediction, ReadOnlySpan<float> labels, int labelStride, int labelColumn,
                                            int batch, float weight, Span<float> dPrediction)
    {
        double total = 0;
        float scale = weight / batch;
        for (int b = 0; b < batch; b++)
        {
            float yHat = prediction[b], y = labels[b * labelStride + labelColumn];
            total += MsePositivePressure(y, yHat);
            dPrediction[b] = scale * (-2f * (y - yHat) - (yHat <= 0f ? PositivePressure : 0f));
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// Cross-entropy of one row of logits against its label, <c>logsumexp(row) − row[label]</c>, shifted by the row's
    /// max so exp cannot overflow; leaves <c>exp(row − max)</c> in <paramref name="exps"/> and their sum in <paramref name="sum"/>.
    /// </summary>
    public static double CrossEntropy(ReadOnlySpan<float> row, int label, Span<float> exps, out float sum)
    {
        float max = TensorPrimitives.Max(row);
        TensorPrimitives.Subtract(row, max, exps);
        TensorPrimitives.Exp(exps, exps);
        sum = TensorPrimitives.Sum(exps);
        return Math.Log(sum) + max - row[label];
    }

    /// <summary>One window's regression loss: <c>(y − ŷ)² + 10·max(−ŷ, 0)</c>.</summary>
    public static float MsePositivePressure(float label, float prediction)
    {
        float diff = label - prediction;
        return diff * diff + PositivePressure * MathF.Max(-prediction, 0f);
    }
}
