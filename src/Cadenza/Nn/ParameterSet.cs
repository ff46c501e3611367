namespace Cadenza.Nn;

/// <summary>One named weight tensor inside a <see cref="ParameterSet"/>: its Keras name, shape and place in the flat array.</summary>
/// <param name="Name">Keras weight name, e.g. <c>lstm/kernel</c>.</param>
/// <param name="Shape">Keras shape, row-major.</param>
/// <param name="Offset">First float in the flat array.</param>
public sealed record ParameterTensor(string Name, int[] Shape, int Offset)
{
    /// <summary>Number of floats.</summary>
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>All weights of a network in one flat float array, in Keras's weight order, with a named view per tensor.</summary>
/// <remarks>
/// One flat array makes the optimiser a single loop, saving a single copy, and the layout equal to a TF.js
/// weights.bin, so import and export are plain copies.
/// </remarks>
public sealed class ParameterSet
{
    private readonly Dictionary<string, ParameterTensor> _byName;

    /// <summary>Lays out the tensors in the given order.</summary>
    public ParameterSet(IEnumerable<(string Name, int[] Shape)> tensors)
    {
        var list = new List<ParameterTensor>();
        int offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var t = new ParameterTensor(name, shape, offset);
            list.Add(t);
            offset += t.Length;
        }
        Tensors = list;
        _byName = list.ToDictionary(t => t.Name);
        Values = new float[offset];
    }

    /// <summary>The tensors in order.</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }

    /// <summary>All weights, concatenated in tensor order.</summary>
    public float[] Values { get; }

    /// <summary>Total number of weights.</summary>
    public int Count => Values.Length;

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    public ParameterTensor this[string name] => _byName.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no weight tensor '{name}'");

    /// <summary>True when a tensor of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The values of one tensor.</summary>
    public Span<float> Span(string name) { var t = this[name]; return Values.AsSpan(t.Offset, t.Length); }

    /// <summary>The slice of <paramref name="flat"/> (e.g. a gradient array of the same layout) for one tensor.</summary>
    public Span<float> Slice(float[] flat, string name) { var t = this[name]; return flat.AsSpan(t.Offset, t.Length); }

    /// <summary>A copy with the same layout and values.</summary>
    public ParameterSet Clone()
    {
        var copy = new ParameterSet(Tensors.Select(t => (t.Name, t.Shape)));
        Values.CopyTo(copy.Values, 0);
        return copy;
    }
}
