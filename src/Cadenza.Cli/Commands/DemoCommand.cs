using System.CommandLine;
using Cadenza.Corpus;
using Cadenza.Pipeline;
using Cadenza.Training;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza demo</c>: the main job on its built-in default: train the Cadenza model on the bundled corpus, then compose a piece.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Corpus to train on (default: the bundled data/demo)" };
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var train = new TrainCommand.Options();
        var generate = new GenerateCommand.Options();
        var command = new Command("demo", "Train a model (Cadenza's by default, --preset paper for the paper's) on the bundled demo corpus and compose a piece: MIDI, audio, CSV and plots in out/demo/") { data, output };
        train.AddTo(command);
        generate.AddTo(command);
        command.SetAction(r => Ui.Run(() =>
        {
            string folder = r.GetValue(output)!;
            string corpus = r.GetValue(data) ?? DemoCorpus();
            string model = Path.Combine(folder, "model");
            string preset = r.GetValue(train.Preset) ?? TrainSettings.DefaultPreset;
            AnsiConsole.MarkupLineInterpolated($"[bold]Cadenza demo[/]: training the {(preset == "paper" ? "paper's LSTM" : "Cadenza model")} on {corpus}, then composing {r.GetValue(generate.Notes)} notes");
            var (modelConfig, training) = train.Resolve(r, model, false);
            TrainingResult result = TrainCommand.Train(new TrainRequest
            {
                Source = corpus, Output = model, Model = modelConfig, Training = training, Corpus = CorpusOptions.Default with { CacheWarning = Ui.Warning }, ValidationSource = r.GetValue(train.ValidationData),
            });
            if (result.Cancelled) return 130;
            AnsiConsole.MarkupLine("[bold]composing[/]");
            GenerateCommand.Print(GenerateJob.Run(generate.Request(r, model, Path.Combine(folder, "demo"))));
            Console.WriteLine($"loss curve: {Path.Combine(model, "loss.png")}");
            return 0;
        }));
        return command;
    }

    /// <summary>The bundled corpus: $CADENZA_HOME/data/demo (set by the launcher), else data/demo above the program.</summary>
    internal static string DemoCorpus()
    {
        string? home = Environment.GetEnvironmentVariable("CADENZA_HOME");
        if (home != null && Directory.Exists(Path.Combine(home, "data", "demo"))) return Path.Combine(home, "data", "demo");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "data", "demo"))) return Path.Combine(dir.FullName, "data", "demo");
        if (Directory.Exists(Path.Combine("data", "demo"))) return Path.Combine("data", "demo");
        throw new CorpusException("the bundled demo corpus (data/demo) was not found; pass --data FOLDER");
    }
}
