using System.CommandLine;
using Cadenza.Generation;
using Cadenza.Model;
using Cadenza.Pipeline;
using Cadenza.Onnx;
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
        var group = new Command("model", "Convert models between Cadenza's folder format, TF.js Layers (model.json) and ONNX");

        var source = ModelArgument();
        var format = new Option<string>("--format") { Description = "Export format: tfjs (a folder) or onnx (a file)", DefaultValueFactory = _ => "tfjs" };
        format.AcceptOnlyFromAmong("tfjs", "onnx");
        var outDir = new Option<string>("--out") { Description = "Output folder (tfjs) or file (onnx)", Required = true };
        var export = new Command("export", "Export a model as TF.js Layers (model.json + weight shard, for tf.loadLayersModel) or as ONNX (for ONNX Runtime and other ONNX tools)") { source, format, outDir };
        export.SetAction(r => Ui.Run(() =>
        {
            MusicModel m = ModelStore.Load(r.GetValue(source)!);
            string output = r.GetValue(outDir)!;
            if (r.GetValue(format) == "onnx")
            {
                if (m.Config.NoteModelProblem() is { } problem) throw new ModelFormatException(r.GetValue(source)!, $"cannot export: {problem}");
                OnnxExport.Write(m, output);
                string given = string.Join(", ", OnnxExport.GivenFeatures(m.Config).Select(g => $"given_{g} [batch] int64"));
                Console.WriteLine($"wrote {output} (ONNX opset {OnnxExport.Opset}, {Ui.N(m.ParameterCount)} parameters): inputs window [batch, {m.Config.SequenceLength}, {m.Config.InputSize}]" +
                                  $"{(given.Length > 0 ? ", " + given : "")}; outputs {string.Join(", ", m.Config.Heads.Select(h => h.Name))}");
                return 0;
            }
            TfjsFormat.Export(m, output);
            Console.WriteLine($"wrote {Path.Combine(output, "model.json")} and {TfjsFormat.ShardName} ({Ui.N(m.ParameterCount)} parameters)");
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
        var calibrated = ModelArgument();
        var calibrationData = new Option<string?>("--data") { Description = "Music the model was not trained on to compose from (default: the validation files recorded with the model)" };
        var share = new Option<double?>("--share") { Description = "The share of notes struck with the one before to reach, in (0, 1) (default: the training notes')" };
        var calibrate = new Command("calibrate", "Set how many chords the model composes: one offset on the step head's zero class, found by composing, so the share of notes struck with the one before meets the training notes' (or --share)") { calibrated, calibrationData, share };
        calibrate.SetAction(r => Ui.Run(() =>
        {
            string folder = r.GetValue(calibrated)!;
            var warnings = new List<string>();
            var (c, seeds) = CalibrateJob.Run(folder, r.GetValue(calibrationData), r.GetValue(share), Corpus.CorpusOptions.Default with { CacheWarning = Ui.Warning }, warnings);
            foreach (string w in warnings) Ui.Warning(w);
            Console.WriteLine($"composed {ChordCalibration.Pieces} pieces of {ChordCalibration.Notes} notes from {seeds}");
            Console.WriteLine($"chords calibrated: {c.Summary} (target: {Ui.F(c.Target, 2)}); wrote {Path.Combine(folder, ModelStore.ConfigFile)}");
            return 0;
        }));
        group.Subcommands.Add(export);
        group.Subcommands.Add(import);
        group.Subcommands.Add(calibrate);
        return group;
    }
}
