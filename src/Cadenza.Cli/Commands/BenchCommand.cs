using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
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
        var command = new Command("bench", "Measure training throughput, generation speed, MIDI ingestion and audio rendering") { json, seconds };
        command.SetAction(r => Ui.Run(() =>
        {
            string demo = DemoCommand.DemoCorpus();
            var table = new Table().Border(TableBorder.Rounded).AddColumns("benchmark", "threads", "value", "unit");
            Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            List<Measurement> results = BenchmarkSuite.Run(demo, r.GetValue(seconds), m =>
                Console.WriteLine($"  {m.Name} [{m.Threads} thread{(m.Threads > 1 ? "s" : "")}]: {Format(m.Value)} {m.Unit}"));
            foreach (Measurement m in results) table.AddRow(Markup.Escape(m.Name), m.Threads.ToString(), Format(m.Value), m.Unit);
            AnsiConsole.Write(table);
            if (r.GetValue(json) is { } file)
            {
                var array = new JsonArray(results.Select(m => (JsonNode)new JsonObject
                {
                    ["name"] = m.Name, ["value"] = Math.Round(m.Value, 3), ["unit"] = m.Unit, ["threads"] = m.Threads,
                }).ToArray());
                AtomicFile.WriteAllText(file, array.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {file}");
            }
            return 0;
        }));
        return command;
    }

    private static string Format(double v) => v >= 100 ? Ui.N((long)Math.Round(v)) : Ui.F(v, 1);
}
