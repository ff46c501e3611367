using System.CommandLine;
using Cadenza.Corpus;
using Cadenza.Midi;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza corpus DIR</c>: read a corpus and print its summary table.</summary>
internal static class CorpusCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("SOURCE") { Description = "Folder of MIDI files (searched recursively) or one MIDI file" };
        var instrument = NotesCommand.InstrumentOption();
        var noCache = new Option<bool>("--no-cache") { Description = "Parse every file again instead of using the note cache" };
        var command = new Command("corpus", "Read a corpus and summarise it: files, notes, duration, skipped files") { dir, instrument, noCache };
        command.SetAction(r => Ui.Run(() =>
        {
            var options = new CorpusOptions
            {
                Midi = new MidiReadSettings { Instruments = NotesCommand.ParseInstrument(r.GetValue(instrument)) },
                UseCache = !r.GetValue(noCache),
            };
            var (_, s) = Ui.ReadCorpus(r.GetValue(dir)!, options);
            foreach (CorpusFile f in s.Unusable) AnsiConsole.MarkupLineInterpolated($"[grey]unusable for training: {f.Path}: {f.Reason}[/]");
            double seconds = Math.Max(s.Elapsed.TotalSeconds, 1e-9);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "value");
            table.AddRow("MIDI files", Ui.N(s.Files));
            table.AddRow("read", Ui.N(s.FilesRead));
            table.AddRow("usable for training", Ui.N(s.FilesUsable));
            table.AddRow("unusable (drums only, < 26 notes)", Ui.N(s.Unusable.Count));
            table.AddRow("skipped (unreadable)", Ui.N(s.Skipped.Count));
            table.AddRow("notes", Ui.N(s.Notes));
            table.AddRow("music", Ui.Duration(s.Seconds));
            table.AddRow("size", $"{s.Bytes / 1e6:F2} MB");
            table.AddRow("from cache", $"{s.FromCache} of {s.Files} files");
            table.AddRow("time", $"{s.Elapsed.TotalMilliseconds:F0} ms ({Ui.N((long)(s.Notes / seconds))} notes/s)");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
