using System.CommandLine;
using System.CommandLine.Help;
using Cadenza.Cli.Commands;

namespace Cadenza.Cli;

/// <summary>The <c>cadenza</c> command: parses arguments and dispatches to one command class per verb.</summary>
public static class Program
{
    /// <summary>Entry point; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        // a plain command named "cadenza": RootCommand would take its name from the DLL ("Cadenza.Cli") for the help's usage line
        var root = new Command("cadenza", "Cadenza: learn music from MIDI files with an LSTM and compose new pieces.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(NotesCommand.Create());
        root.Subcommands.Add(CorpusCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ModelCommands.Inspect());
        root.Subcommands.Add(ModelCommands.Group());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root.Parse(args).Invoke();
    }
}
