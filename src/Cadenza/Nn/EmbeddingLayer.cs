namespace Cadenza.Nn;

/// <summary>A learned embedding (Keras <c>Embedding</c>): a class index selects one row of a [classes × dim] table.</summary>
/// <remarks>
/// The backward pass adds each row's gradient into the table's gradient at the index used: a scatter-add, no product.
/// Index <see cref="Pad"/> (a padding row before a piece) is the zero vector and learns nothing.
/// </remarks>
internal sealed class EmbeddingLayer
{
    private readonly ParameterTensor _table;   // [classes, dim]

    public EmbeddingLayer(ParameterSet parameters, string name, int classes, int dim)
    {
        _table = parameters[name + "/embeddings"];
        Classes = classes;
        Dim = dim;
    }

    /// <summary>The index of padding: no class (<see cref="Corpus.FeatureEncoding.Pad"/>).</summary>
    public const int Pad = -1;

    public int Classes { get; }
    public int Dim { get; }

    /// <summary>Where the table [classes × dim] starts in the parameter array.</summary>
    public int TableOffset => _table.Offset;

    /// <summary>Copies the row of class <paramref name="index"/> into <paramref name="output"/> [dim]; zeros for <see cref="Pad"/>.</summary>
    public void Forward(int index, Span<float> output, ReadOnlySpan<float> weights)
    {
        if (index == Pad) { output[..Dim].Clear(); return; }
        if ((uint)index >= (uint)Classes) throw new ArgumentOutOfRangeException(nameof(index), $"class {index} outside 0..{Classes - 1}");
        weights.Slice(_table.Offset + index * Dim, Dim).CopyTo(output);
    }

    /// <summary>Adds <paramref name="dOutput"/> [dim] into the gradient of row <paramref name="index"/>.</summary>
    public void Backward(int index, ReadOnlySpan<float> dOutput, Span<float> gradients)
    {
        if (index == Pad) return;
        Span<float> row = gradients.Slice(_table.Offset + index * Dim, Dim);
        System.Numerics.Tensors.TensorPrimitives.Add(row, dOutput[..Dim], row);
    }
}
