using System.CommandLine;
using Cadenza.Corpus;
using Cadenza.Midi;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza corpus SOURCE</c>: read a corpus (MIDI folder, MAESTRO, Bach Doodle, TFRecord) and print its summary table.</summary>
internal static class CorpusCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("SOURCE")
        {
            Description = "Folder of MIDI files (searched recursively) or one MIDI file; a MAESTRO folder or zip; Bach Doodle .jsonl.gz shards; NoteSequence TFRecords",
        };
        var instrument = NotesCommand.InstrumentOption();
        var noCache = new Option<bool>("--no-cache") { Description = "Parse every file again instead of using the note cache" };
        var split = Ui.SplitOption();
        var part = Ui.PartOption();
        var command = new Command("corpus", "Read a corpus and summarise it: pieces, notes, duration, skipped pieces") { dir, instrument, noCache, split, part };
        command.SetAction(r => Ui.Run(() =>
        {
            var options = new CorpusOptions
            {
                Midi = new MidiReadSettings { Instruments = NotesCommand.ParseInstrument(r.GetValue(instrument)) },
                UseCache = !r.GetValue(noCache), CacheWarning = Ui.Warning,
                Split = CorpusSources.ParseSplit(r.GetValue(split)),
                Part = CorpusSources.ParsePart(r.GetValue(part)),
                MinNotes = Model.ModelConfig.Cadenza.MinNotes,   // usable as `train` counts it by default
            };
            ICorpusSource source = CorpusSources.Open(r.GetValue(dir)!);
            CorpusSummary s = Ui.Reading($"reading {source.Description}", source.ExpectedCount(options), p => CorpusReader.Summarise(source, options, p));
            Ui.WarnPieces(s);
            foreach (CorpusFile f in s.Unusable.Take(MaxUnusableLines)) AnsiConsole.MarkupLineInterpolated($"[grey]unusable for training: {f.Path}: {f.Reason}[/]");
            if (s.UnusableCount > MaxUnusableLines) AnsiConsole.MarkupLineInterpolated($"[grey]… and {Ui.N(s.UnusableCount - MaxUnusableLines)} more unusable pieces[/]");
            double seconds = Math.Max(s.Elapsed.TotalSeconds, 1e-9);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "value");
            table.AddRow("source", Markup.Escape(s.Source));
            if (options.Split != null) table.AddRow("split", CorpusSources.Name(options.Split));
            table.AddRow("pieces", Ui.N(s.Files));
            table.AddRow("read", Ui.N(s.FilesRead));
            table.AddRow("usable for training", Ui.N(s.FilesUsable));
            if (s.UsableBySplit.Count > 0)
                table.AddRow("usable by split", string.Join(" / ", Enum.GetValues<DataSplit>().Select(d => $"{Ui.N(s.UsableBySplit.GetValueOrDefault(d))} {CorpusSources.Name(d)}")));
            table.AddRow($"unusable (drums only, < {options.MinNotes} notes)", Ui.N(s.UnusableCount));
            table.AddRow("skipped (unreadable)", Ui.N(s.SkippedCount));
            table.AddRow("read with a warning (event ignored, value clamped)", Ui.N(s.WarnedCount));
            table.AddRow("notes", Ui.N(s.Notes));
            table.AddRow("music", Ui.Duration(s.Seconds));
            table.AddRow("size", $"{s.Bytes / 1e6:F2} MB");
            table.AddRow("from cache", $"{Ui.N(s.FromCache)} of {Ui.N(s.Files)} pieces");
            table.AddRow("time", $"{s.Elapsed.TotalMilliseconds:F0} ms ({Ui.N((long)(s.Notes / seconds))} notes/s, {Ui.N((long)(s.Files / seconds))} pieces/s)");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>Unusable pieces listed one per line; a dataset of short pieces (Bach Doodle melodies) would print millions.</summary>
    private const int MaxUnusableLines = 50;
}
