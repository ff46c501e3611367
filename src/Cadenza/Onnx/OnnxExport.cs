using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Onnx;

/// <summary>
/// Writes a model as an ONNX graph that computes what <see cref="MusicNetwork.Forward"/> computes: embeddings as
/// <c>Gather</c>, each LSTM as ONNX's <c>LSTM</c> operator (Keras's gates i, f, c, o reordered to ONNX's i, o, f, c,
/// kernels transposed, the Keras bias in Wb), heads as <c>MatMul</c> + <c>Add</c>, copy paths as plain ops.
/// </summary>
/// <remarks>
/// Inputs: <c>window</c> [batch, T, F], the notes encoded as the engine reads them (a scaled value, e.g. pitch/128,
/// or a class index for an embedded feature), and for each feature a head is given (<see cref="HeadConfig.Given"/>)
/// <c>given_FEATURE</c> [batch] int64, the class of the note being composed. Outputs: one per head, named after it,
/// [batch, units]: logits, a regressed value, or ln p for a head with a copy path. A model that pads
/// (<see cref="ModelConfig.PadStart"/>) takes class −1 for a padding row: each table gets a zero row in front (indices
/// move up by one) and the copy paths never point at it.
/// </remarks>
public static class OnnxExport
{
    /// <summary>The ONNX opset the graph is written for.</summary>
    public const int Opset = OnnxGraph.Opset;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(MusicModel model, string path) => AtomicFile.WriteAllBytes(path, ToBytes(model));

    /// <summary>The names of the <c>given_…</c> inputs, in order: every feature some head is given.</summary>
    public static string[] GivenFeatures(ModelConfig c) => c.Heads.SelectMany(h => h.Given ?? []).Distinct().ToArray();

    /// <summary>The ONNX model's bytes.</summary>
    public static byte[] ToBytes(MusicModel model)
    {
        ModelConfig c = model.Config;
        var g = new OnnxGraph();
        int t = c.SequenceLength, f = c.InputSize;
        g.Input("window", OnnxGraph.Float, -1, t, f);
        foreach (string given in GivenFeatures(c)) g.Input("given_" + given, OnnxGraph.Int64, -1);
        ParameterSet p = model.Parameters;
        string Weight(string name, params long[] dims) => g.Constant(name, p.Span(name), dims);
        string Ints(params long[] values) => g.Int64Constant(g.Name("ints"), values, values.Length);
        string Scalar(long value) => g.Int64Constant(g.Name("scalar"), [value]);

        // time-major [T, B, F], as the LSTM operator reads it, and each feature's column [T, B]
        string xt = g.Node("Transpose", ["window"], [new("perm", Ints: [1, 0, 2])]);
        string Column(int j) => g.Node("Gather", [xt, Scalar(j)], [new("axis", Int: 2)]);
        var embeddings = new Dictionary<string, string>();
        foreach (string feature in c.Features)
            if (c.EmbeddingDim(feature) > 0)
            {
                string name = $"{ModelConfig.EmbeddingName(feature)}/embeddings";
                int classes = c.Classes(feature), dim = c.EmbeddingDim(feature);
                embeddings[feature] = c.PadStart ? g.Constant(name, [.. new float[dim], .. p.Span(name)], classes + 1, dim) : Weight(name, classes, dim);
            }
        // a class's table row; with padding the tables start with the zero row of class −1
        string Lookup(string feature, string ids) => g.Node("Gather", [embeddings[feature], c.PadStart ? g.Node("Add", [ids, Scalar(1)]) : ids]);
        string x = xt;
        if (embeddings.Count > 0)
        {
            var parts = new List<string>();
            for (int j = 0; j < f; j++)
            {
                string column = Column(j);
                parts.Add(embeddings.ContainsKey(c.Features[j])
                    ? Lookup(c.Features[j], g.Node("Cast", [column], [new("to", Int: OnnxGraph.Int64)]))
                    : g.Node("Unsqueeze", [column, Ints(2)]));
            }
            x = g.Node("Concat", [.. parts], [new("axis", Int: 2)]);
        }

        // the LSTM stack: Y [T, 1, B, H] feeds the next layer; the top's Y and Y_h feed the heads
        int input = c.EncodedSize;
        string sequence = x, last = "";
        for (int l = 0; l < c.LstmUnits.Length; l++)
        {
            int h = c.LstmUnits[l];
            string name = ModelConfig.LstmName(l);
            string w = g.Constant(name + "/W", OnnxGates(p.Span(name + "/kernel"), input, h), 1, 4 * h, input);
            string r = g.Constant(name + "/R", OnnxGates(p.Span(name + "/recurrent_kernel"), h, h), 1, 4 * h, h);
            float[] bias = new float[8 * h];
            float[] wb = OnnxGates(p.Span(name + "/bias"), 1, h);
            wb.CopyTo(bias, 0);   // Rb stays 0: Keras has one bias
            string b = g.Constant(name + "/B", bias, 1, 8 * h);
            string y = g.Name(name + "_y"), yh = g.Name(name + "_yh");
            g.Node("LSTM", [sequence, w, r, b], [new("hidden_size", Int: h)], y, yh);
            sequence = g.Node("Squeeze", [y, Ints(1)]);   // [T, B, H]
            last = g.Node("Squeeze", [yh, Ints(0)]);      // [B, H]
            input = h;
        }

        int top = c.LstmUnits[^1];
        for (int k = 0; k < c.Heads.Length; k++)
        {
            HeadConfig head = c.Heads[k];
            string headInput = last;
            if (head.Given is { Length: > 0 } givens)
                headInput = g.Node("Concat", [last, .. givens.Select(gf => Lookup(gf, "given_" + gf))], [new("axis", Int: 1)]);
            string kernel = Weight($"{head.Name}/kernel", c.HeadInputSize(head, top), head.Units);
            string logits = g.Node("Add", [g.Node("MatMul", [headInput, kernel]), Weight($"{head.Name}/bias", head.Units)],
                                   outputs: head.Copy ? [] : [head.Name]);
            if (!head.Copy) { g.Output(head.Name, OnnxGraph.Float, -1, head.Units); continue; }
            CopyPath(g, c, p, head, logits, sequence, last, top, Column, Ints);
            g.Output(head.Name, OnnxGraph.Float, -1, head.Units);
        }
        return g.ToModel("cadenza", typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0");
    }

    // ln p = ln(max(a₀·softmax(z) + Σ_t a_t·onehot(v_t), floor)), a = softmax([h_T·w + b, (h_T·K)·h_t / √H (+ r_t)]): CopyMixture's forward
    private static void CopyPath(OnnxGraph g, ModelConfig c, ParameterSet p, HeadConfig head, string logits, string sequence, string last, int h,
                                 Func<int, string> column, Func<long[], string> ints)
    {
        string name = ModelConfig.CopyName(head.Name);
        string u = g.Node("MatMul", [last, g.Constant(name + "/kernel", p.Span(name + "/kernel"), h, h)]);                 // [B, H]
        string positions = g.Node("Transpose", [sequence], [new("perm", Ints: [1, 2, 0])]);                                   // [B, H, T]
        string scores = g.Node("Squeeze", [g.Node("MatMul", [g.Node("Unsqueeze", [u, ints([1])]), positions]), ints([1])]);  // [B, T]
        scores = g.Node("Mul", [scores, g.Constant(g.Name("scale"), [1f / MathF.Sqrt(h)])]);
        if (c.CopyPositions) scores = g.Node("Add", [scores, g.Constant(name + "/position_bias", p.Span(name + "/position_bias"), c.SequenceLength)]);   // [B, T] + [T]
        if (head.CopyWithin is { } within)
        {
            // only the window's notes whose value of that feature is the note's own may be pointed at
            string values = g.Node("Cast", [g.Node("Transpose", [column(Array.IndexOf(c.Features, within))], [new("perm", Ints: [1, 0])])], [new("to", Int: OnnxGraph.Int64)]);
            string same = g.Node("Equal", [values, g.Node("Unsqueeze", ["given_" + within, ints([1])])]);
            scores = g.Node("Where", [same, scores, g.Constant(g.Name("never"), [float.NegativeInfinity])]);
        }
        string ids = g.Node("Cast", [g.Node("Transpose", [column(Array.IndexOf(c.Features, head.Name))], [new("perm", Ints: [1, 0])])], [new("to", Int: OnnxGraph.Int64)]);
        if (c.PadStart)
        {
            // padding (class −1) gets no attention, and OneHot, which would read −1 as the last class, sees class 0 at weight 0
            string zero = g.Int64Constant(g.Name("zero"), [0L]);
            scores = g.Node("Where", [g.Node("Less", [ids, zero]), g.Constant(g.Name("never"), [float.NegativeInfinity]), scores]);
            ids = g.Node("Max", [ids, zero]);
        }
        string sentinel = g.Node("Add", [g.Node("MatMul", [last, g.Constant(name + "/sentinel_kernel", p.Span(name + "/sentinel_kernel"), h, 1)]),
                                         g.Constant(name + "/sentinel_bias", p.Span(name + "/sentinel_bias"), 1)]);           // [B, 1]
        string attention = g.Node("Softmax", [g.Node("Concat", [sentinel, scores], [new("axis", Int: 1)])], [new("axis", Int: 1)]);
        string a0 = g.Node("Slice", [attention, ints([0]), ints([1]), ints([1])]);
        string at = g.Node("Slice", [attention, ints([1]), ints([c.SequenceLength + 1]), ints([1])]);
        string onehot = g.Node("OneHot", [ids, g.Int64Constant(g.Name("depth"), [head.Units]), g.Constant(g.Name("onoff"), [0f, 1f], 2)], [new("axis", Int: -1)]);
        string pointer = g.Node("Squeeze", [g.Node("MatMul", [g.Node("Unsqueeze", [at, ints([1])]), onehot]), ints([1])]);   // [B, C]
        string mixed = g.Node("Add", [g.Node("Mul", [g.Node("Softmax", [logits], [new("axis", Int: 1)]), a0]), pointer]);
        g.Node("Log", [g.Node("Max", [mixed, g.Constant(g.Name("floor"), [1e-30f])])], outputs: head.Name);
    }

    // a Keras kernel [rows, 4H] with gate blocks i, f, c, o → ONNX's [4H, rows] with blocks i, o, f, c
    private static float[] OnnxGates(ReadOnlySpan<float> keras, int rows, int h)
    {
        int[] kerasGate = [0, 3, 1, 2];   // ONNX gate g is Keras gate kerasGate[g]
        var onnx = new float[4 * h * rows];
        for (int gate = 0; gate < 4; gate++)
        for (int unit = 0; unit < h; unit++)
        for (int r = 0; r < rows; r++)
            onnx[(gate * h + unit) * rows + r] = keras[r * 4 * h + kerasGate[gate] * h + unit];
        return onnx;
    }
}
