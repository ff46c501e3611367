using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Cli.Peers;
using Cadenza.Common;
using Cadenza.Pipeline;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza bench [--json FILE]</c>: run the headline benchmarks and print a table.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var json = new Option<string?>("--json") { Description = "Also write the figures as JSON: [{name, value, unit, threads}]" };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per figure", DefaultValueFactory = _ => 2.0 };
        var noOrt = new Option<bool>("--no-ort") { Description = "Leave out the comparison with ONNX Runtime" };
        var ortOnly = new Option<bool>("--ort-only") { Description = "Run only the comparison with ONNX Runtime" };
        var command = new Command("bench", "Measure training throughput, generation speed, MIDI ingestion and audio rendering, and Cadenza's engine beside ONNX Runtime") { json, seconds, noOrt, ortOnly };
        command.SetAction(r => Ui.Run(() =>
        {
            string demo = DemoCommand.DemoCorpus();
            var table = new Table().Border(TableBorder.Rounded).AddColumns("benchmark", "threads", "value", "unit");
            Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            // first, in a fresh process: the figures after the rest of the suite (threads of the training and audio
            // figures winding down, a grown heap) were up to 40% slower for the engine in the same run
            var peers = new List<OrtFigure>();
            if (!r.GetValue(noOrt))
            {
                Console.WriteLine($"ONNX Runtime {OrtVersion()} beside Cadenza, the same exported model, alternating in this process:");
                foreach (OrtFigure f in OrtComparison.Run(r.GetValue(seconds)))
                {
                    peers.Add(f);
                    Console.WriteLine($"  {f.Preset}: {f.What} [{f.Threads} thread{(f.Threads > 1 ? "s" : "")}]: Cadenza {Format(f.Cadenza)} {f.Unit}, ORT {Format(f.Ort)} {f.Unit}");
                }
                var ortTable = new Table().Border(TableBorder.Rounded).Title("Cadenza's engine beside ONNX Runtime")
                    .AddColumns("model", "measurement", "threads", "Cadenza", "ORT", "unit", "Cadenza ÷ ORT speed");
                foreach (OrtFigure f in peers)
                    ortTable.AddRow(f.Preset, Markup.Escape(f.What), f.Threads.ToString(), Format(f.Cadenza), Format(f.Ort), f.Unit,
                                    $"{(f.Speedup >= 1 ? "[green]" : "[red]")}{f.Speedup:F2}×[/]");
                AnsiConsole.Write(ortTable);
            }
            List<Measurement> results = r.GetValue(ortOnly) ? [] : BenchmarkSuite.Run(demo, r.GetValue(seconds), m =>
                Console.WriteLine($"  {m.Name} [{m.Threads} thread{(m.Threads > 1 ? "s" : "")}]: {Format(m.Value)} {m.Unit}"));
            foreach (Measurement m in results) table.AddRow(Markup.Escape(m.Name), m.Threads.ToString(), Format(m.Value), m.Unit);
            if (results.Count > 0) AnsiConsole.Write(table);
            if (r.GetValue(json) is { } file)
            {
                var array = new JsonArray(results.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name, ["value"] = Math.Round(m.Value, 3), ["unit"] = m.Unit, ["threads"] = m.Threads,
                }).Concat(peers.Select(f => (JsonNode)new JsonObject
                {
                    ["name"] = $"{f.What} ({f.Preset} model) vs ONNX Runtime", ["value"] = Math.Round(f.Cadenza, 3), ["ort"] = Math.Round(f.Ort, 3),
                    ["unit"] = f.Unit, ["threads"] = f.Threads, ["speedup"] = Math.Round(f.Speedup, 3),
                })).ToArray());
                AtomicFile.WriteAllText(file, array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {file}");
            }
            return 0;
        }));
        return command;
    }

    private static string OrtVersion() => typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";

    private static string Format(double v) => v >= 100 ? Ui.N((long)Math.Round(v)) : Ui.F(v, 1);
}
