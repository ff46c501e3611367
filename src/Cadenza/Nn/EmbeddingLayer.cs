namespace Cadenza.Nn;

/// <summary>A learned embedding (Keras <c>Embedding</c>): a class index selects one row of a [classes × dim] table.</summary>
/// <remarks>The backward pass adds each row's gradient into the table's gradient at the index used: a scatter-add, no product.</remarks>
internal sealed class EmbeddingLayer
{
    private readonly ParameterTensor _table;   // [classes, dim]

    public EmbeddingLayer(ParameterSet parameters, string name, int classes, int dim)
    {
        _table = parameters[name + "/embeddings"];
        Classes = classes;
        Dim = dim;
    }

    public int Classes { get; }
    public int Dim { get; }

    /// <summary>Copies the row of class <paramref name="index"/> into <paramref name="output"/> [dim].</summary>
    public void Forward(int index, Span<float> output, ReadOnlySpan<float> weights)
    {
        if ((uint)index >= (uint)Classes) throw new ArgumentOutOfRangeException(nameof(index), $"class {index} outside 0..{Classes - 1}");
        weights.Slice(_table.Offset + index * Dim, Dim).CopyTo(output);
    }

    /// <summary>Adds <paramref name="dOutput"/> [dim] into the gradient of row <paramref name="index"/>.</summary>
    public void Backward(int index, ReadOnlySpan<float> dOutput, Span<float> gradients)
    {
        Span<float> row = gradients.Slice(_table.Offset + index * Dim, Dim);
        System.Numerics.Tensors.TensorPrimitives.Add(row, dOutput[..Dim], row);
    }
}
