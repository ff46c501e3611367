using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Model;

namespace Cadenza.Studio;

/// <summary>A model the page can choose: where it is and what it is.</summary>
/// <param name="Id">The name the page uses: the root folder's name, then the path under it ("out/demo/model").</param>
/// <param name="Preset">"cadenza" or "paper" (from the architecture), "custom" otherwise.</param>
/// <param name="Parameters">Trainable weights.</param>
/// <param name="Corpus">The training corpus's source and size, as recorded.</param>
/// <param name="BestValidationLoss">The best epoch's validation loss, when recorded.</param>
/// <param name="Seeds">The recorded training windows a piece can start from: (file, first note).</param>
public sealed record CatalogModel(string Id, string Preset, int Parameters, string Corpus, double? BestValidationLoss, IReadOnlyList<SeedWindowInfo> Seeds)
{
    /// <summary>Notes the model reads before each prediction: a seed's length.</summary>
    public int Window { get; init; }
}

/// <summary>One recorded training window: its index, the piece and the note it starts at.</summary>
public sealed record SeedWindowInfo(int Index, string File, int Note);

/// <summary>Finds the model folders under the allowed roots and resolves the page's model names back to folders, refusing anything outside them.</summary>
public sealed class ModelCatalog(IReadOnlyList<string> roots)
{
    private const int MaxDepth = 4;   // out/demo/model is depth 2; deeper trees are not where models are kept

    // what each folder was found to be, with the sizes and times of the files it was read from: the page asks for the
    // list often, and describing a model means loading (and so checking) its weights
    private readonly ConcurrentDictionary<string, (Stamp Files, CatalogModel? Model)> _described = new();

    /// <summary>Every model folder under the roots, by id.</summary>
    public IReadOnlyList<CatalogModel> List()
    {
        var models = new List<CatalogModel>();
        foreach (string root in roots.Where(Directory.Exists))
            foreach (string folder in Folders(root, 0))
                if (Cached(Id(root, folder), folder) is { } m) models.Add(m);
        return models.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The folder of the model named <paramref name="id"/>, or null when no allowed root holds it (a path outside, a symlink out, no such model).</summary>
    public string? Resolve(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || Path.IsPathRooted(id) || id.Contains('\0')) return null;
        foreach (string root in roots)
        {
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
            if (!id.StartsWith(name + "/", StringComparison.Ordinal)) continue;
            string folder = Path.GetFullPath(Path.Combine(root, id[(name.Length + 1)..]));
            // the resolved path is the one used: a link swapped in after the check cannot lead elsewhere
            if (SafePaths.IsInside(folder, root) && SafePaths.Resolve(folder) is { } real && File.Exists(Path.Combine(real, ModelStore.ConfigFile))) return real;
        }
        return null;
    }

    private static string Id(string root, string folder) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) + "/" + Path.GetRelativePath(root, folder).Replace('\\', '/');

    private static IEnumerable<string> Folders(string folder, int depth)
    {
        if (File.Exists(Path.Combine(folder, ModelStore.ConfigFile))) yield return folder;
        if (depth == MaxDepth) yield break;
        IEnumerable<string> children;
        try { children = Directory.EnumerateDirectories(folder).Where(d => (new DirectoryInfo(d).Attributes & FileAttributes.ReparsePoint) == 0).Order(StringComparer.Ordinal).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (string child in children)
            foreach (string found in Folders(child, depth + 1)) yield return found;
    }

    /// <summary>The length and last write of the files a description is read from (0 and MinValue for a missing one).</summary>
    private readonly record struct Stamp(long Config, DateTime ConfigWritten, long Weights, DateTime WeightsWritten, long History, DateTime HistoryWritten)
    {
        public static Stamp? Of(string folder)
        {
            try
            {
                FileInfo c = new(Path.Combine(folder, ModelStore.ConfigFile)), w = new(Path.Combine(folder, ModelStore.WeightsFile)), h = new(Path.Combine(folder, "history.json"));
                static (long, DateTime) Seen(FileInfo f) => f.Exists ? (f.Length, f.LastWriteTimeUtc) : (0, DateTime.MinValue);
                var ((cl, ct), (wl, wt), (hl, ht)) = (Seen(c), Seen(w), Seen(h));
                return new Stamp(cl, ct, wl, wt, hl, ht);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }
    }

    private CatalogModel? Cached(string id, string folder)
    {
        Stamp? now = Stamp.Of(folder);
        if (now is { } stamp && _described.TryGetValue(id, out var known) && known.Files == stamp) return known.Model;
        CatalogModel? model = Describe(id, folder);
        // a description is reused only while none of its files has changed; a folder that could not be stamped is read every time
        if (now is { } taken && Stamp.Of(folder) == taken) _described[id] = (taken, model);
        return model;
    }

    private static CatalogModel? Describe(string id, string folder)
    {
        try
        {
            JsonObject config = ModelStore.ReadConfig(folder);
            ModelConfig model = ModelStore.Load(folder).Config;
            JsonObject? corpus = config["corpus"] as JsonObject;
            // the window is a setting of either preset (a 25-note Cadenza model from before session 10 is still "cadenza")
            ModelConfig Windowed(ModelConfig preset) => preset with { SequenceLength = model.SequenceLength, PadStart = model.PadStart };
            string preset = model.SameArchitecture(Windowed(ModelConfig.Paper)) ? "paper" : model.SameArchitecture(Windowed(ModelConfig.Cadenza)) ? "cadenza" : "custom";
            int parameters = model.WeightShapes().Sum(s => s.Shape.Aggregate(1, (a, b) => a * b));
            string source = corpus is null ? "(not recorded)" : $"{corpus["source"]} ({corpus["trainFiles"]?.AsArray().Count ?? 0} training pieces)";
            double? best = BestValidationLoss(folder);
            var seeds = (corpus?["seeds"]?.AsArray() ?? []).Select((s, i) => new SeedWindowInfo(i, s?["file"]?.GetValue<string>() ?? "", s?["note"]?.GetValue<int>() ?? 0)).ToList();
            return new CatalogModel(id, preset, parameters, source, best, seeds) { Window = model.SequenceLength };
        }
        catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null;   // a folder being written or damaged is left out of the list, not an error of the page
        }
    }

    private static double? BestValidationLoss(string folder)
    {
        string history = Path.Combine(folder, "history.json");
        if (!File.Exists(history)) return null;
        try
        {
            JsonNode? h = JsonNode.Parse(File.ReadAllText(history));
            double? best = null;
            foreach (JsonNode? epoch in h as JsonArray ?? [])   // one row per epoch, Keras's key names
                if (epoch?["val_loss"]?.GetValue<double>() is double d && double.IsFinite(d) && (best is null || d < best)) best = d;
            return best;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException) { return null; }
    }
}
