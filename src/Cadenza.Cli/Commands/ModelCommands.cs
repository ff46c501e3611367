using System.CommandLine;
using Cadenza.Model;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza inspect MODEL</c> and <c>cadenza model export|import</c>: look at and convert models.</summary>
internal static class ModelCommands
{
    /// <summary>The MODEL argument every model-taking command shares.</summary>
    public static Argument<string> ModelArgument() =>
        new("MODEL") { Description = "A Cadenza model folder (config.json + weights.safetensors) or a TF.js model.json" };

    public static Command Inspect()
    {
        var model = ModelArgument();
        var command = new Command("inspect", "Print a model's Keras-style summary (layers, output shapes, parameters)") { model };
        command.SetAction(r => Ui.Run(() =>
        {
            string path = r.GetValue(model)!;
            MusicModel m = ModelStore.Load(path);
            var table = new Table().Border(TableBorder.Rounded).Title($"Model: {Path.GetFileName(Path.TrimEndingDirectorySeparator(path))}")
                .AddColumns("Layer (type)", "Output Shape", "Param #", "Connected to");
            foreach (SummaryRow row in ModelSummary.Rows(m.Config))
                table.AddRow(Markup.Escape(row.Layer), Markup.Escape(row.OutputShape), Ui.N(row.Parameters), Markup.Escape(row.ConnectedTo));
            table.Caption($"Total params: {Ui.N(m.ParameterCount)} (all trainable)");
            AnsiConsole.Write(table);
            ModelConfig c = m.Config;
            string scaled = string.Join(", ", c.Features.Select(f => c.EmbeddingDim(f) > 0 ? $"{f} embedded ({c.Classes(f)} classes × {c.EmbeddingDim(f)})"
                : c.InputScale(f) != 1f ? $"{f} / {c.InputScale(f)}" : null).Where(d => d != null));
            AnsiConsole.MarkupLineInterpolated($"input: {c.SequenceLength} notes × ({string.Join(", ", c.Features)}){(scaled.Length > 0 ? ", " + scaled : "")}; loss weights: {string.Join(", ", c.Heads.Select(h => $"{h.Name} {h.LossWeight}"))}{(c.Dropout > 0 ? $"; dropout {c.Dropout}" : "")}");
            return 0;
        }));
        return command;
    }

    public static Command Group()
    {
        var group = new Command("model", "Convert models between Cadenza's folder format and TF.js Layers (model.json)");

        var source = ModelArgument();
        var format = new Option<string>("--format") { Description = "Export format", DefaultValueFactory = _ => "tfjs" };
        format.AcceptOnlyFromAmong("tfjs");
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var export = new Command("export", "Export a model as TF.js Layers (model.json + weight shard), loadable by tf.loadLayersModel") { source, format, outDir };
        export.SetAction(r => Ui.Run(() =>
        {
            MusicModel m = ModelStore.Load(r.GetValue(source)!);
            TfjsFormat.Export(m, r.GetValue(outDir)!);
            Console.WriteLine($"wrote {Path.Combine(r.GetValue(outDir)!, "model.json")} and {TfjsFormat.ShardName} ({Ui.N(m.ParameterCount)} parameters)");
            return 0;
        }));

        var json = new Argument<string>("MODEL_JSON") { Description = "TF.js Layers model.json (its weight shards beside it)" };
        var importOut = new Option<string>("--out") { Description = "Cadenza model folder to write", Required = true };
        var import = new Command("import", "Import a TF.js Layers model (e.g. the tutorial's Keras model converted with tensorflowjs_converter)") { json, importOut };
        import.SetAction(r => Ui.Run(() =>
        {
            MusicModel m = TfjsFormat.Import(r.GetValue(json)!);
            ModelStore.Save(m, r.GetValue(importOut)!);
            Console.WriteLine($"wrote {r.GetValue(importOut)} ({Ui.N(m.ParameterCount)} parameters)");
            return 0;
        }));
        group.Subcommands.Add(export);
        group.Subcommands.Add(import);
        return group;
    }
}
