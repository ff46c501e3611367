using System.Text.Json.Serialization;
using Cadenza.Notes;

namespace Cadenza.Model;

/// <summary>How a head's output is trained and read: as class logits, or as one regressed value.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HeadKind>))]
public enum HeadKind
{
    /// <summary>Logits over classes (pitch 0..127), trained with sparse categorical cross-entropy.</summary>
    Classes,

    /// <summary>One value (step, duration), trained with MSE plus positive pressure.</summary>
    Regression,
}

/// <summary>One output head: a Dense layer on the last LSTM state that predicts one feature of the next note.</summary>
/// <param name="Name">Layer name, also the feature it predicts (pitch, step, duration, velocity).</param>
/// <param name="Units">Outputs: classes for a class head, 1 for a regression head.</param>
/// <param name="Kind">Classes or regression.</param>
/// <param name="LossWeight">Weight in the total loss (the tutorial: pitch 0.05, step 1, duration 1).</param>
public sealed record HeadConfig(string Name, int Units, HeadKind Kind, float LossWeight);

/// <summary>The network's architecture and input normalisation; the paper's model is the default.</summary>
/// <remarks>Nothing in the engine hard-codes 25, 3 or 128: every size comes from here.</remarks>
public sealed record ModelConfig
{
    /// <summary>The paper's model: 25 notes of (pitch/128, step, duration) → LSTM(128) → pitch, step, duration.</summary>
    public static ModelConfig Paper { get; } = new();

    /// <summary>Notes in one input window.</summary>
    public int SequenceLength { get; init; } = 25;

    /// <summary>Input columns per note, in order; each is a note feature (pitch, step, duration, velocity).</summary>
    public string[] Features { get; init; } = ["pitch", "step", "duration"];

    /// <summary>The pitch input is divided by this (the tutorial's vocab size, 128).</summary>
    public float PitchScale { get; init; } = 128f;

    /// <summary>Units of each stacked LSTM layer, bottom first.</summary>
    public int[] LstmUnits { get; init; } = [128];

    /// <summary>The output heads, in output order.</summary>
    public HeadConfig[] Heads { get; init; } =
    [
        new("pitch", 128, HeadKind.Classes, 0.05f),
        new("step", 1, HeadKind.Regression, 1f),
        new("duration", 1, HeadKind.Regression, 1f),
    ];

    /// <summary>Floats per input note.</summary>
    [JsonIgnore]
    public int InputSize => Features.Length;

    /// <summary>What a velocity input is divided by (and a velocity regression head predicts on the same scale).</summary>
    public const float VelocityScale = 127f;

    /// <summary>What input <paramref name="feature"/> is divided by: pitch by <see cref="PitchScale"/>, velocity by 127, the rest by 1.</summary>
    public float InputScale(string feature) => feature switch { "pitch" => PitchScale, "velocity" => VelocityScale, _ => 1f };

    /// <summary>What a head's label is divided by: a class head predicts the raw value (a class index), a regression head the input's scale.</summary>
    public float LabelScale(HeadConfig head) => head.Kind == HeadKind.Classes ? 1f : InputScale(head.Name);

    /// <summary>
    /// Why this model cannot learn from or compose notes, or null when it can: its inputs must be note features
    /// (pitch, step and duration, optionally velocity), each once, and each predicted by its own head (generation
    /// feeds every prediction back), pitch by a class head of at least 128 classes, the others by regression heads.
    /// </summary>
    public string? NoteModelProblem()
    {
        string inputs = $"this model's inputs are ({string.Join(", ", Features)})";
        if (Features.Distinct().Count() != Features.Length || Features.Any(f => Array.IndexOf(NoteFeatures.Known, f) < 0))
            return $"the inputs must be note features ({string.Join(", ", NoteFeatures.Known)}), each once; {inputs}";
        if (NoteFeatures.Names.Any(f => Array.IndexOf(Features, f) < 0))
            return $"the inputs must include pitch, step and duration; {inputs}";
        foreach (string f in Features)
        {
            HeadConfig? head = Heads.FirstOrDefault(h => h.Name == f);
            if (head is null) return $"input '{f}' has no head predicting it, so a composed note could not be fed back";
            if (f == "pitch" && (head.Kind != HeadKind.Classes || head.Units < 128))
                return $"the pitch head must be a class head of at least 128 classes (MIDI pitches), not {head.Kind.ToString().ToLowerInvariant()} with {head.Units}";
            if (f != "pitch" && head.Kind != HeadKind.Regression)
                return $"the {f} head must be a regression head";
        }
        return null;
    }

    /// <summary>How training windows feed this model: each input's divisor, and per head the input column it predicts and the label's divisor.</summary>
    public (float[] InputScales, int[] LabelColumns, float[] LabelScales) WindowLayout() =>
        (Features.Select(InputScale).ToArray(), Heads.Select(h => Array.IndexOf(Features, h.Name)).ToArray(), Heads.Select(LabelScale).ToArray());

    /// <summary>Keras's automatic name of LSTM layer <paramref name="index"/>: lstm, lstm_1, lstm_2, ….</summary>
    public static string LstmName(int index) => index == 0 ? "lstm" : $"lstm_{index}";

    /// <summary>Checks the configuration; throws <see cref="ModelFormatException"/> naming the problem.</summary>
    public void Validate(string source)
    {
        if (SequenceLength < 1) throw new ModelFormatException(source, $"sequence length {SequenceLength} must be at least 1");
        if (Features.Length == 0) throw new ModelFormatException(source, "no input features");
        if (LstmUnits.Length == 0 || LstmUnits.Any(u => u < 1)) throw new ModelFormatException(source, "LSTM units must be a non-empty list of positive sizes");
        if (Heads.Length == 0) throw new ModelFormatException(source, "no output heads");
        foreach (HeadConfig h in Heads)
        {
            if (h.Units < 1) throw new ModelFormatException(source, $"head '{h.Name}' has {h.Units} units");
            if (h.Kind == HeadKind.Regression && h.Units != 1) throw new ModelFormatException(source, $"regression head '{h.Name}' must have 1 unit");
            if (Array.IndexOf(Features, h.Name) < 0) throw new ModelFormatException(source, $"head '{h.Name}' predicts no input feature ({string.Join(", ", Features)})");
        }
        if (!(PitchScale > 0)) throw new ModelFormatException(source, "pitch scale must be positive");
    }

    /// <summary>The weight tensors in Keras order with their shapes.</summary>
    public IEnumerable<(string Name, int[] Shape)> WeightShapes()
    {
        int input = InputSize;
        for (int l = 0; l < LstmUnits.Length; l++)
        {
            int h = LstmUnits[l];
            string name = LstmName(l);
            yield return ($"{name}/kernel", [input, 4 * h]);
            yield return ($"{name}/recurrent_kernel", [h, 4 * h]);
            yield return ($"{name}/bias", [4 * h]);
            input = h;
        }
        foreach (HeadConfig head in Heads)
        {
            yield return ($"{head.Name}/kernel", [input, head.Units]);
            yield return ($"{head.Name}/bias", [head.Units]);
        }
    }
}
