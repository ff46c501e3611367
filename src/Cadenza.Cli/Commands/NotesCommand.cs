using System.CommandLine;
using Cadenza.Midi;
using Cadenza.Notes;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza notes FILE</c>: print the notes of one MIDI file as a table or as CSV.</summary>
internal static class NotesCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "MIDI file (.mid, .midi, .mid.gz)" };
        var instrument = InstrumentOption();
        var csv = new Option<bool>("--csv") { Description = "Print pitch,start,end,step,duration,velocity with full double precision" };
        var head = new Option<int>("--head") { Description = "Print only the first N notes (0 = all)" };
        var command = new Command("notes", "Print the notes of a MIDI file (pitch, step, duration, start, end)") { file, instrument, csv, head };
        command.SetAction(r => Ui.Run(() =>
        {
            var settings = new MidiReadSettings { Instruments = ParseInstrument(r.GetValue(instrument)) };
            MidiNotes midi = MidiReader.Read(r.GetValue(file)!, settings);
            if (!midi.Repairs.IsEmpty) Ui.Warning($"{r.GetValue(file)}: {midi.Repairs.Describe()}");
            Note[] notes = midi.Notes;
            int limit = r.GetValue(head);
            if (limit > 0 && limit < notes.Length) notes = notes[..limit];
            if (r.GetValue(csv))
            {
                using var stdout = new StreamWriter(Console.OpenStandardOutput());
                NotesCsv.Write(stdout, notes);
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("#", "pitch", "step", "duration", "start", "end");
            for (int i = 0; i < notes.Length; i++)
            {
                Note n = notes[i];
                table.AddRow((i + 1).ToString(), n.Pitch.ToString(), Ui.F(NoteFeatures.Step(notes, i), 4), Ui.F(n.Duration, 4), Ui.F(n.Start, 4), Ui.F(n.End, 4));
            }
            table.Caption($"{midi.Notes.Length} notes, {midi.Instruments.Count} instruments ({settings.Instruments.ToString().ToLowerInvariant()})");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>The shared <c>--instrument merged|first</c> option.</summary>
    public static Option<string> InstrumentOption()
    {
        var option = new Option<string>("--instrument")
        {
            Description = "merged: all non-drum instruments (default); first: the first non-drum instrument (the tutorial's instruments[0])",
            DefaultValueFactory = _ => "merged",
        };
        option.AcceptOnlyFromAmong("merged", "first");
        return option;
    }

    public static InstrumentSelection ParseInstrument(string? value) =>
        value == "first" ? InstrumentSelection.First : InstrumentSelection.Merged;
}
