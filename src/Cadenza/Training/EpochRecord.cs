using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cadenza.Common;

namespace Cadenza.Training;

/// <summary>One epoch's results: mean training losses (total and per head), validation losses, time.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean total training loss over the epoch's batches (what Keras reports as <c>loss</c>).</param>
/// <param name="HeadLosses">Mean unweighted loss of each head, in head order.</param>
/// <param name="ValLoss">Total loss on the validation windows after the epoch; NaN without validation.</param>
/// <param name="ValHeadLosses">Per-head validation losses; empty without validation.</param>
/// <param name="Seconds">Wall-clock time of the epoch including validation.</param>
public sealed record EpochRecord(int Epoch, double Loss, double[] HeadLosses, double ValLoss, double[] ValHeadLosses, double Seconds)
{
    /// <summary>True when a validation loss was computed.</summary>
    public bool HasValidation => !double.IsNaN(ValLoss);
}

/// <summary>Writes the training history as Keras names it: <c>history.json</c> (one object per epoch) and <c>history.csv</c>.</summary>
public static class TrainingHistory
{
    /// <summary>The history as a JSON array with Keras's keys (loss, pitch_loss, …, val_loss, val_pitch_loss, …, seconds).</summary>
    public static JsonArray ToJson(IReadOnlyList<EpochRecord> history, IReadOnlyList<string> heads)
    {
        var array = new JsonArray();
        foreach (EpochRecord r in history)
        {
            var o = new JsonObject { ["epoch"] = r.Epoch, ["loss"] = r.Loss };
            for (int h = 0; h < heads.Count; h++) o[$"{heads[h]}_loss"] = r.HeadLosses[h];
            if (r.HasValidation)
            {
                o["val_loss"] = r.ValLoss;
                for (int h = 0; h < heads.Count; h++) o[$"val_{heads[h]}_loss"] = r.ValHeadLosses[h];
            }
            o["seconds"] = Math.Round(r.Seconds, 3);
            array.Add(o);
        }
        return array;
    }

    /// <summary>Reads a history written by <see cref="ToJson"/>.</summary>
    public static List<EpochRecord> FromJson(JsonArray array, IReadOnlyList<string> heads) =>
        array.Select(n =>
        {
            JsonObject o = n!.AsObject();
            bool val = o.ContainsKey("val_loss");
            return new EpochRecord(
                o["epoch"]!.GetValue<int>(), o["loss"]!.GetValue<double>(),
                heads.Select(h => o[$"{h}_loss"]!.GetValue<double>()).ToArray(),
                val ? o["val_loss"]!.GetValue<double>() : double.NaN,
                val ? heads.Select(h => o[$"val_{h}_loss"]!.GetValue<double>()).ToArray() : [],
                o["seconds"]?.GetValue<double>() ?? 0);
        }).ToList();

    /// <summary>The same table as CSV, invariant culture.</summary>
    public static string ToCsv(IReadOnlyList<EpochRecord> history, IReadOnlyList<string> heads)
    {
        var sb = new StringBuilder();
        var columns = new List<string> { "epoch", "loss" };
        columns.AddRange(heads.Select(h => $"{h}_loss"));
        bool val = history.Any(r => r.HasValidation);
        if (val) { columns.Add("val_loss"); columns.AddRange(heads.Select(h => $"val_{h}_loss")); }
        columns.Add("seconds");
        sb.AppendLine(string.Join(",", columns));
        foreach (EpochRecord r in history)
        {
            var cells = new List<string> { r.Epoch.ToString(CultureInfo.InvariantCulture), D(r.Loss) };
            cells.AddRange(r.HeadLosses.Select(D));
            if (val) { cells.Add(D(r.ValLoss)); cells.AddRange(r.HasValidation ? r.ValHeadLosses.Select(D) : heads.Select(_ => "")); }
            cells.Add(D(Math.Round(r.Seconds, 3)));
            sb.AppendLine(string.Join(",", cells));
        }
        return sb.ToString();
    }

    /// <summary>Writes history.json and history.csv into <paramref name="folder"/> atomically.</summary>
    public static void Save(string folder, IReadOnlyList<EpochRecord> history, IReadOnlyList<string> heads)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, "history.json"), ToJson(history, heads).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(folder, "history.csv"), ToCsv(history, heads));
    }

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
