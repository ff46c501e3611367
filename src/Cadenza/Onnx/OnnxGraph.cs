using System.Runtime.InteropServices;

namespace Cadenza.Onnx;

/// <summary>
/// Builds an ONNX model (ModelProto) node by node: named values, float and int64 initializers, the graph's inputs
/// and outputs with a symbolic batch dimension. Field numbers are onnx.proto's (IR version 8).
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The ONNX element types used here.</summary>
    public const int Float = 1, Int64 = 7;

    /// <summary>The opset the graph is written for: Squeeze and Unsqueeze take their axes as inputs (≥ 13), Softmax works on one axis.</summary>
    public const int Opset = 17;

    private const int IrVersion = 8;
    private readonly List<Action<ProtoWriter>> _nodes = [], _initializers = [], _inputs = [], _outputs = [];
    private int _next;

    /// <summary>A fresh value name with a readable stem.</summary>
    public string Name(string stem) => $"{stem}_{_next++}";

    /// <summary>A graph input; <paramref name="dims"/> uses −1 for the batch dimension ("batch").</summary>
    public void Input(string name, int elemType, params long[] dims) => _inputs.Add(w => ValueInfo(w, name, elemType, dims));

    /// <summary>A graph output; <paramref name="dims"/> uses −1 for the batch dimension.</summary>
    public void Output(string name, int elemType, params long[] dims) => _outputs.Add(w => ValueInfo(w, name, elemType, dims));

    /// <summary>A float initializer with its shape; returns its name.</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        byte[] raw = MemoryMarshal.AsBytes(values).ToArray();   // little-endian, as ONNX's raw_data is (x64 and arm64 are)
        _initializers.Add(w => w.PackedInts(1, dims).Int(2, Float).String(8, name).Bytes(9, raw));
        return name;
    }

    /// <summary>An int64 initializer with its shape (no dims: a scalar); returns its name.</summary>
    public string Int64Constant(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        byte[] raw = MemoryMarshal.AsBytes(values).ToArray();
        _initializers.Add(w => w.PackedInts(1, dims).Int(2, Int64).String(8, name).Bytes(9, raw));
        return name;
    }

    /// <summary>Adds a node; returns its first output's name (fresh unless <paramref name="outputs"/> names them).</summary>
    public string Node(string op, string[] inputs, Attribute[]? attributes = null, params string[] outputs)
    {
        if (outputs.Length == 0) outputs = [Name(op.ToLowerInvariant())];
        string name = Name("node_" + op.ToLowerInvariant());
        _nodes.Add(w =>
        {
            foreach (string i in inputs) w.String(1, i);
            foreach (string o in outputs) w.String(2, o);
            w.String(3, name).String(4, op);
            foreach (Attribute a in attributes ?? []) w.Message(5, a.Write);
        });
        return outputs[0];
    }

    /// <summary>The model's bytes.</summary>
    public byte[] ToModel(string graphName, string producerVersion)
    {
        var model = new ProtoWriter();
        model.Int(1, IrVersion)
             .String(2, "cadenza")
             .String(3, producerVersion)
             .Message(7, g =>
             {
                 foreach (var n in _nodes) g.Message(1, n);
                 g.String(2, graphName);
                 foreach (var t in _initializers) g.Message(5, t);
                 foreach (var i in _inputs) g.Message(11, i);
                 foreach (var o in _outputs) g.Message(12, o);
             })
             .Message(8, o => o.String(1, "").Int(2, Opset));
        return model.ToArray();
    }

    private static void ValueInfo(ProtoWriter w, string name, int elemType, long[] dims) =>
        w.String(1, name).Message(2, type => type.Message(1, tensor => tensor.Int(1, elemType).Message(2, shape =>
        {
            foreach (long d in dims) shape.Message(1, dim => { if (d < 0) dim.String(2, "batch"); else dim.Int(1, d); });
        })));

    /// <summary>A node attribute: an int, ints, a float or a tensor-free string.</summary>
    public readonly record struct Attribute(string Name, long? Int = null, long[]? Ints = null, float? Float = null, string? Text = null)
    {
        internal void Write(ProtoWriter w)
        {
            w.String(1, Name);
            if (Int is { } i) w.Int(3, i).Int(20, 2);
            else if (Ints is { } ints) w.PackedInts(8, ints).Int(20, 7);
            else if (Float is { } f) w.Float(2, f).Int(20, 1);
            else if (Text is { } s) w.String(4, s).Int(20, 3);
        }
    }
}
