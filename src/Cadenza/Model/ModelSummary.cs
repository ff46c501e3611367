using System.Globalization;
using System.Text;

namespace Cadenza.Model;

/// <summary>One row of the Keras-style model summary.</summary>
/// <param name="Layer">Layer name and class, e.g. "lstm (LSTM)".</param>
/// <param name="OutputShape">Output shape with None for the batch.</param>
/// <param name="Parameters">Trainable weights of the layer.</param>
/// <param name="ConnectedTo">The layer feeding it.</param>
public sealed record SummaryRow(string Layer, string OutputShape, int Parameters, string ConnectedTo);

/// <summary>The Keras-style summary of a model (the paper's Figure 2): layer, output shape, parameters, connected to.</summary>
public static class ModelSummary
{
    /// <summary>The architecture in one line: inputs (embedded ones with their width) → LSTMs → heads (classes, copy paths).</summary>
    public static string Describe(ModelConfig c)
    {
        string inputs = string.Join(", ", c.Features.Select(f => c.EmbeddingDim(f) is var d and > 0 ? $"{f} embedded ×{d}" : f));
        string heads = string.Join(", ", c.Heads.Select(h => $"{h.Name}({h.Units}{(h.Kind == HeadKind.Classes && ModelConfig.IsTime(h.Name) ? " time bins" : "")}{(h.Copy ? " + copy" + (c.CopyPositions ? " by position" : "") + (h.CopyWithin is { } w ? $" within {w}" : "") : "")}{(h.Given is { Length: > 0 } g ? " | " + string.Join(", ", g) : "")})"));
        return $"{c.SequenceLength}{(c.PadStart ? " (padded before a piece)" : "")} × ({inputs}) → LSTM({string.Join(", ", c.LstmUnits)}) → {heads}";
    }

    /// <summary>The rows, input first.</summary>
    public static IReadOnlyList<SummaryRow> Rows(ModelConfig c)
    {
        var rows = new List<SummaryRow> { new("input (InputLayer)", $"[(None, {c.SequenceLength}, {c.InputSize})]", 0, "[]") };
        string previous = "input";
        foreach (string f in c.Features.Where(f => c.EmbeddingDim(f) > 0))
            rows.Add(new($"{ModelConfig.EmbeddingName(f)} (Embedding)", $"(None, {c.SequenceLength}, {c.EmbeddingDim(f)})", c.Classes(f) * c.EmbeddingDim(f), "['input[0][0]']"));
        if (c.Embeddings is { Length: > 0 })
        {
            rows.Add(new("encoded (Concatenate)", $"(None, {c.SequenceLength}, {c.EncodedSize})", 0, "['input[0][0]', embeddings]"));
            previous = "encoded";
        }
        int input = c.EncodedSize;
        for (int l = 0; l < c.LstmUnits.Length; l++)
        {
            int h = c.LstmUnits[l];
            string name = ModelConfig.LstmName(l);
            string shape = l < c.LstmUnits.Length - 1 ? $"(None, {c.SequenceLength}, {h})" : $"(None, {h})";
            rows.Add(new($"{name} (LSTM)", shape, 4 * h * (input + h + 1), $"['{previous}[0][0]']"));
            previous = name;
            input = h;
        }
        foreach (HeadConfig head in c.Heads)
            rows.Add(new($"{head.Name} (Dense)", $"(None, {head.Units})", (c.HeadInputSize(head, input) + 1) * head.Units,
                head.Given is { Length: > 0 } g ? $"['{previous}[0][0]', {string.Join(", ", g.Select(x => $"'{x}'"))}]" : $"['{previous}[0][0]']"));
        foreach (HeadConfig head in c.Heads.Where(h => h.Copy))
            rows.Add(new($"{ModelConfig.CopyName(head.Name)} (CopyMixture)", $"(None, {head.Units})", input * input + input + 1, $"['{previous}', '{head.Name}', 'input']"));
        return rows;
    }

    /// <summary>The summary as the plain text Keras prints.</summary>
    public static string ToText(ModelConfig c, string name = "model")
    {
        IReadOnlyList<SummaryRow> rows = Rows(c);
        int total = rows.Sum(r => r.Parameters);
        var sb = new StringBuilder();
        string rule = new('_', 98), thick = new('=', 98);
        sb.AppendLine($"Model: \"{name}\"").AppendLine(rule);
        sb.AppendLine($"{"Layer (type)",-28}{"Output Shape",-26}{"Param #",-12}Connected to").AppendLine(thick);
        for (int i = 0; i < rows.Count; i++)
        {
            SummaryRow r = rows[i];
            sb.AppendLine($"{r.Layer,-28}{r.OutputShape,-26}{r.Parameters.ToString("N0", CultureInfo.InvariantCulture),-12}{r.ConnectedTo}");
            sb.AppendLine(i == rows.Count - 1 ? thick : "");
        }
        sb.AppendLine($"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Trainable params: {total.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine("Non-trainable params: 0").AppendLine(rule);
        return sb.ToString();
    }
}
