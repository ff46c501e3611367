using Cadenza.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Training;

/// <summary>
/// Everything needed to continue a training run exactly: weights, Adam moments and step, the shuffle RNG state, the
/// position inside the epoch, early-stopping state and history, in one safetensors file written atomically.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>File name inside the model folder.</summary>
    public const string FileName = "checkpoint.safetensors";

    private const int Version = 1;

    /// <summary>Epochs fully done.</summary>
    public int CompletedEpochs { get; init; }

    /// <summary>Batches already done of epoch <c>CompletedEpochs + 1</c> (0 at an epoch boundary).</summary>
    public int BatchInEpoch { get; init; }

    /// <summary>Sums of the batch losses so far in the current epoch: total, then each head.</summary>
    public double[] EpochSums { get; init; } = [];

    /// <summary>Seconds spent so far in the current epoch.</summary>
    public double EpochSeconds { get; init; }

    /// <summary>Shuffle RNG state at the start of the next (or current, when mid-epoch) epoch.</summary>
    public ulong[] RngAtEpochStart { get; init; } = [];

    /// <summary>Adam's update count.</summary>
    public long AdamStep { get; init; }

    /// <summary>Best monitored loss so far.</summary>
    public double Best { get; init; } = double.PositiveInfinity;

    /// <summary>Epoch of the best loss.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Epochs since the best loss.</summary>
    public int Wait { get; init; }

    /// <summary>Epoch results so far.</summary>
    public List<EpochRecord> History { get; init; } = [];

    /// <summary>Current weights.</summary>
    public float[] Weights { get; init; } = [];

    /// <summary>Weights at the best epoch.</summary>
    public float[] BestWeights { get; init; } = [];

    /// <summary>Adam first moments.</summary>
    public float[] AdamM { get; init; } = [];

    /// <summary>Adam second moments.</summary>
    public float[] AdamV { get; init; } = [];

    /// <summary>The architecture, to refuse resuming into a different model.</summary>
    public ModelConfig? ModelConfig { get; init; }

    /// <summary>Writes the checkpoint into <paramref name="folder"/> atomically (temp file + rename).</summary>
    public void Save(string folder, ParameterSet layout)
    {
        string[] heads = ModelConfig!.Heads.Select(h => h.Name).ToArray();
        var state = new JsonObject
        {
            ["version"] = Version,
            ["completedEpochs"] = CompletedEpochs,
            ["batchInEpoch"] = BatchInEpoch,
            ["epochSums"] = new JsonArray(EpochSums.Select(v => (JsonNode)v).ToArray()),
            ["epochSeconds"] = EpochSeconds,
            ["rngAtEpochStart"] = new JsonArray(RngAtEpochStart.Select(v => (JsonNode)v.ToString(CultureInfo.InvariantCulture)).ToArray()),
            ["adamStep"] = AdamStep,
            ["best"] = double.IsFinite(Best) ? Best : null,
            ["bestEpoch"] = BestEpoch,
            ["wait"] = Wait,
            ["history"] = TrainingHistory.ToJson(History, heads),
            ["model"] = JsonSerializer.SerializeToNode(ModelConfig, ModelStore.Json),
        };
        var staged = new ParameterSet(layout.Tensors.Select(t => (t.Name, t.Shape)));
        Weights.CopyTo(staged.Values, 0);
        SafeTensors.Write(Path.Combine(folder, FileName), staged, new Dictionary<string, string> { ["state"] = state.ToJsonString() },
            [("best/weights", BestWeights), ("adam/m", AdamM), ("adam/v", AdamV)]);
    }

    /// <summary>Reads the checkpoint in <paramref name="folder"/>.</summary>
    /// <exception cref="TrainingException">Missing, corrupt or of another version.</exception>
    public static Checkpoint Load(string folder, ParameterSet layout)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new TrainingException($"{path}: no checkpoint to resume from (train without --resume first)");
        try
        {
            var (tensors, metadata) = SafeTensors.Read(path);
            JsonObject state = StrictJson.ParseObject(metadata["state"]);
            if (state["version"]!.GetValue<int>() != Version) throw new TrainingException($"{path}: checkpoint version {state["version"]} is not supported");
            ModelConfig config = state["model"].Deserialize<ModelConfig>(ModelStore.Json)!;
            string[] heads = config.Heads.Select(h => h.Name).ToArray();
            var weights = new float[layout.Count];
            foreach (ParameterTensor t in layout.Tensors)
            {
                if (!tensors.TryGetValue(t.Name, out var v) || !v.Shape.SequenceEqual(t.Shape))
                    throw new TrainingException($"{path}: checkpoint does not match the model (tensor {t.Name})");
                v.Values.CopyTo(weights, t.Offset);
            }
            float[] Flat(string name) => tensors.TryGetValue(name, out var v) && v.Values.Length == layout.Count
                ? v.Values : throw new TrainingException($"{path}: checkpoint lacks '{name}'");
            return new Checkpoint
            {
                CompletedEpochs = state["completedEpochs"]!.GetValue<int>(),
                BatchInEpoch = state["batchInEpoch"]!.GetValue<int>(),
                EpochSums = state["epochSums"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray(),
                EpochSeconds = state["epochSeconds"]!.GetValue<double>(),
                RngAtEpochStart = state["rngAtEpochStart"]!.AsArray().Select(n => ulong.Parse(n!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray(),
                AdamStep = state["adamStep"]!.GetValue<long>(),
                Best = state["best"]?.GetValue<double>() ?? double.PositiveInfinity,
                BestEpoch = state["bestEpoch"]!.GetValue<int>(),
                Wait = state["wait"]!.GetValue<int>(),
                History = TrainingHistory.FromJson(state["history"]!.AsArray(), heads),
                ModelConfig = config,
                Weights = weights,
                BestWeights = Flat("best/weights"),
                AdamM = Flat("adam/m"),
                AdamV = Flat("adam/v"),
            };
        }
        catch (Exception e) when (e is ModelFormatException or JsonException or KeyNotFoundException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new TrainingException($"{path}: checkpoint is unreadable ({e.Message.ReplaceLineEndings(" ")}); delete it to start over", e);
        }
    }
}
