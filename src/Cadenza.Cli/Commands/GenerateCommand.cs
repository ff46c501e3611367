using System.CommandLine;
using Cadenza.Audio;
using Cadenza.Generation;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza generate MODEL --out NAME</c>: compose notes from a seed and write MIDI, CSV, pictures and audio.</summary>
internal static class GenerateCommand
{
    /// <summary>Options shared with <c>demo</c>.</summary>
    internal sealed class Options
    {
        public Option<int> Notes { get; } = new("--notes") { Description = "Notes to generate", DefaultValueFactory = _ => 120 };
        public Option<float> Temperature { get; } = new("--temperature") { Description = "Sampling temperature of every class head: pitch, and the Cadenza model's step and duration classes (0 = argmax)", DefaultValueFactory = _ => 1f };
        public Option<int> TopK { get; } = new("--top-k") { Description = "Sample each class head from its k most likely classes only (0 = off)" };
        public Option<ulong> Seed { get; } = new("--rng-seed") { Description = "Sampling seed: the same seed gives the same piece", DefaultValueFactory = _ => 42UL };
        public Option<string?> SeedMidi { get; } = new("--seed-midi") { Description = "Seed with the first notes of this MIDI file (default: a training window recorded with the model)" };
        public Option<int?> SeedWindow { get; } = new("--seed-window") { Description = "Seed with this one of the training windows recorded with the model (0-based; a trained model records 16; default: one drawn with --rng-seed)" };
        public Option<string> Audio { get; } = new("--audio") { Description = "Audio files: wav,mp3 (default), wav, mp3 or none", DefaultValueFactory = _ => "wav,mp3" };
        public Option<string?> SoundFont { get; } = new("--soundfont") { Description = "SoundFont (.sf2) for FluidSynth" };
        public Option<string?> InstrumentSet { get; } = new("--instrument-set") { Description = "Model with instruments: compose only for these, e.g. piano,bass (names, GM names, families, programs, drums)" };
        public Option<bool> FreeRange { get; } = new("--free-range") { Description = "Model with instruments: let each instrument play any pitch (default: only the range its training notes had)" };
        public Option<bool> Uncalibrated { get; } = new("--uncalibrated") { Description = "Sample with the network's own odds, without the model's chord calibration" };
        public Option<string?> ProgramMap { get; } = new("--program-map") { Description = "Model with instruments: re-orchestrate, FROM=TO,… e.g. piano=strings,bass=\"Fretless Bass\"" };

        public void AddTo(Command c)
        {
            c.Options.Add(Notes); c.Options.Add(Temperature); c.Options.Add(TopK); c.Options.Add(Seed);
            c.Options.Add(SeedMidi); c.Options.Add(SeedWindow); c.Options.Add(Audio); c.Options.Add(SoundFont);
            c.Options.Add(InstrumentSet); c.Options.Add(ProgramMap); c.Options.Add(FreeRange); c.Options.Add(Uncalibrated);
        }

        public GenerateRequest Request(ParseResult r, string model, string output) => new()
        {
            ModelPath = model,
            Output = output,
            SeedMidi = r.GetValue(SeedMidi),
            SeedWindow = r.GetValue(SeedWindow),
            Options = new GenerationOptions { Notes = r.GetValue(Notes), Temperature = r.GetValue(Temperature), TopK = r.GetValue(TopK), Seed = r.GetValue(Seed), FreeRange = r.GetValue(FreeRange), Uncalibrated = r.GetValue(Uncalibrated) },
            Audio = r.GetValue(Audio) is "none" or "" ? [] : r.GetValue(Audio)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            AudioOptions = AudioOptions.Default with { SoundFont = r.GetValue(SoundFont), NormalizeDb = -1 },
            InstrumentSet = r.GetValue(InstrumentSet)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            ProgramMap = r.GetValue(ProgramMap),
        };
    }

    public static Command Create()
    {
        var model = ModelCommands.ModelArgument();
        var output = new Option<string>("--out") { Description = "Output name without extension (NAME.mid, NAME.csv, NAME.pianoroll.png, …)", Required = true };
        var options = new Options();
        var command = new Command("generate", "Compose new notes from a seed with a trained model") { model, output };
        options.AddTo(command);
        command.SetAction(r => Ui.Run(() =>
        {
            GenerateRequest request = options.Request(r, r.GetValue(model)!, r.GetValue(output)!);
            if (request.Audio.Any(a => a is not ("wav" or "mp3"))) throw new GenerationException($"--audio takes wav, mp3, wav,mp3 or none, got '{r.GetValue(options.Audio)}'");
            Print(GenerateJob.Run(request));
            return 0;
        }));
        return command;
    }

    /// <summary>Prints the first notes as a table (the paper's Figure 4) and the files written.</summary>
    public static void Print(GenerateOutcome o)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "pitch", "step", "duration", "start", "end");
        if (o.PredictsVelocity) table.AddColumn("velocity");
        for (int i = 0; i < Math.Min(10, o.Notes.Length); i++)
        {
            Note n = o.Notes[i];
            string[] cells = [(i + 1).ToString(), n.Pitch.ToString(), Ui.F(i == 0 ? n.Start : NoteFeatures.Step(o.Notes, i)), Ui.F(n.Duration), Ui.F(n.Start), Ui.F(n.End)];
            table.AddRow(o.PredictsVelocity ? [.. cells, n.Velocity.ToString()] : cells);
        }
        // no µs/note here: a single run is mostly the JIT compiling the engine; `cadenza bench` measures the steady state
        table.Caption($"first {Math.Min(10, o.Notes.Length)} of {o.Notes.Length} notes, generated in {o.GenerationTime.TotalMilliseconds:F0} ms");
        AnsiConsole.Write(table);
        Console.WriteLine($"seed: {o.Seed}");
        if (o.ChordOffset != 0)
            Console.WriteLine($"chords: calibrated, zero-step offset {ChordCalibration.Describe(o.ChordOffset)} (--uncalibrated for the network's own odds)");
        foreach (AudioResult a in o.Audio)
            Console.WriteLine($"audio: {Path.GetFileName(a.OutputPath)} by {a.Engine}{(a.SoundFont != null ? $" with {Path.GetFileName(a.SoundFont)}" : "")}, {a.Seconds:F1} s, peak {a.Peak:F2}");
        foreach (string w in o.Warnings) Ui.Warning(w);
        foreach (string f in o.Files) Console.WriteLine($"  {f}");
    }
}
