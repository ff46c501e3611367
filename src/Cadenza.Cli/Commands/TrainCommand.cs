using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Corpus;
using Cadenza.Model;
using Cadenza.Pipeline;
using Cadenza.Training;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza train DATA --out MODEL</c>: train the model on a corpus, with progress, early stopping, checkpoints and resume.</summary>
internal static class TrainCommand
{
    /// <summary>Options shared with <c>demo</c>.</summary>
    internal sealed class Options
    {
        public Option<int?> Epochs { get; } = new("--epochs") { Description = "Maximum epochs (default 50)" };
        public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "Windows per step (default 64)" };
        public Option<float?> LearningRate { get; } = new("--learning-rate") { Description = FormattableString.Invariant($"Adam learning rate (cadenza: {Cadenza.Training.TrainingConfig.Preset("cadenza").LearningRate}, paper: {Cadenza.Training.TrainingConfig.Preset("paper").LearningRate})") };
        public Option<int?> Patience { get; } = new("--patience") { Description = $"Early-stopping patience in epochs, 0 for none (cadenza: {Cadenza.Training.TrainingConfig.Preset("cadenza").Patience}, paper: {Cadenza.Training.TrainingConfig.Preset("paper").Patience})" };
        public Option<double?> Validation { get; } = new("--val") { Description = "Share of files held out for validation, at random (default: the source's validation split when it has one, else 0.1; 0 disables)" };
        public Option<ulong?> Seed { get; } = new("--rng-seed") { Description = "Seed for initialisation, split and shuffling (default 42)" };
        public Option<int?> Threads { get; } = new("--threads") { Description = "Training threads (default: 2 where there are 2 cores; 1 = bit-reproducible)" };
        public Option<string?> Instrument { get; } = new("--instrument") { Description = "merged (default) or first" };
        public Option<string?> Split { get; } = Ui.SplitOption();
        public Option<string?> Part { get; } = Ui.PartOption();
        public Option<int?> MaxPieces { get; } = new("--max-pieces") { Description = "Read at most this many usable pieces, in corpus order (default: all); for datasets larger than memory" };
        public Option<string?> Config { get; } = new("--config") { Description = "JSON file with \"model\" and/or \"training\" sections (a model's config.json works)" };
        public Option<string?> Preset { get; } = new("--preset") { Description = "cadenza (default: embeddings, time classes, copy paths, transposition) or paper (the paper's LSTM, unchanged)" };
        public Option<string?> ValidationData { get; } = new("--val-data") { Description = "Validate on this folder of MIDI files (or any corpus) instead of a share of DATA's files" };
        public Option<int?> Transpose { get; } = new("--transpose") { Description = "Transposition augmentation: shift each training window by up to N semitones (cadenza: 6, paper: 0)" };
        public Option<float?> Stretch { get; } = new("--stretch") { Description = "Tempo augmentation: scale each training window's steps and durations by a factor in [1/(1+S), 1+S] (cadenza: 0.2, paper: 0)" };
        public Option<float?> Articulation { get; } = new("--articulation") { Description = "Articulation augmentation: scale each training window's durations alone by a factor in [1/(1+A), 1+A], staccato to legato (cadenza: 2, paper: 0)" };
        public Option<bool> Instruments { get; } = new("--instruments") { Description = "Read and compose each note's instrument: an ensemble, one MIDI track per instrument (cadenza preset)" };
        public Option<int?> MaxInstruments { get; } = new("--max-instruments") { Description = "With --instruments: the most frequent N programs get a class of their own, the rest are \"other\" (default 16)" };
        public Option<int?> Window { get; } = new("--window") { Description = "Notes the model reads before each prediction (cadenza: 50, paper: 25); a piece needs one note more to be trained on and a seed as many, unless --pad-start" };
        public Option<bool> PadStart { get; } = new("--pad-start") { Description = "Let windows start before a piece's first note (padding, cadenza preset), so pieces and seeds shorter than the window are read" };
        public Option<bool> Drums { get; } = new("--drums") { Description = "Read drum tracks too; with --instruments the drum kit is an instrument of its own" };

        public void AddTo(Command command)
        {
            command.Options.Add(Epochs); command.Options.Add(BatchSize); command.Options.Add(LearningRate); command.Options.Add(Patience);
            command.Options.Add(Validation); command.Options.Add(Seed); command.Options.Add(Threads); command.Options.Add(Instrument); command.Options.Add(Config);
            command.Options.Add(Split); command.Options.Add(Part); command.Options.Add(MaxPieces);
            command.Options.Add(Preset); command.Options.Add(ValidationData); command.Options.Add(Transpose); command.Options.Add(Stretch); command.Options.Add(Articulation);
            command.Options.Add(Instruments); command.Options.Add(MaxInstruments); command.Options.Add(Drums); command.Options.Add(Window); command.Options.Add(PadStart);
        }

        /// <summary>The effective architecture and training settings: the preset, then --config, then the explicit options.</summary>
        public (ModelConfig Model, TrainingConfig Training) Resolve(ParseResult r, string output, bool resume) =>
            TrainSettings.Resolve(output, resume, r.GetValue(Config), Patch(r), r.GetValue(Preset), ModelPatch(r));

        /// <summary>The model keys the user gave explicitly, as a JSON patch.</summary>
        public JsonObject ModelPatch(ParseResult r)
        {
            var patch = new JsonObject();
            if (r.GetValue(Instruments)) patch["instruments"] = true;
            if (r.GetValue(MaxInstruments) is { } n) patch["instrumentLimit"] = n;
            if (r.GetValue(Window) is { } w) patch["sequenceLength"] = w;
            if (r.GetValue(PadStart)) patch["padStart"] = true;
            return patch;
        }

        /// <summary>The training keys the user gave explicitly, as a JSON patch.</summary>
        public JsonObject Patch(ParseResult r)
        {
            var patch = new JsonObject();
            void Put<T>(Option<T> o, string key) { if (r.GetResult(o) != null && r.GetValue(o) is { } v) patch[key] = JsonSerializer.SerializeToNode(v); }
            Put(Epochs, "epochs"); Put(BatchSize, "batchSize"); Put(LearningRate, "learningRate"); Put(Patience, "patience");
            Put(Validation, "validation"); Put(Seed, "seed"); Put(Threads, "threads"); Put(Instrument, "instrument");
            Put(Split, "split"); Put(Part, "part"); Put(MaxPieces, "maxPieces"); Put(Transpose, "transpose"); Put(Stretch, "stretch"); Put(Articulation, "articulation");
            if (r.GetValue(Drums)) patch["drums"] = true;
            return patch;
        }
    }

    public static Command Create()
    {
        var data = new Argument<string>("DATA")
        {
            Description = "Folder of MIDI files (searched recursively) or one MIDI file; a MAESTRO folder or zip; Bach Doodle .jsonl.gz shards; NoteSequence TFRecords",
        };
        var output = new Option<string>("--out") { Description = "Model folder to write", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the model folder's checkpoint" };
        var noCache = new Option<bool>("--no-cache") { Description = "Parse every MIDI file again" };
        var calibrate = new Option<bool>("--calibrate") { Description = "Then calibrate the chords: compose from the validation files and match the training notes' share of chords with one offset (see `cadenza model calibrate`)" };
        var store = new Option<bool>("--store") { Description = "For a corpus larger than memory: stream it into note stores in MODEL/store (8 bytes a note) and train from them, in flat memory" };
        var options = new Options();
        var command = new Command("train", "Train a model on a corpus: MIDI folder, MAESTRO, Bach Doodle or TFRecords (the Cadenza model by default, --preset paper for the paper's)") { data, output, resume, noCache, store, calibrate };
        options.AddTo(command);
        command.SetAction(r => Ui.Run(() =>
        {
            var (model, training) = options.Resolve(r, r.GetValue(output)!, r.GetValue(resume));
            var request = new TrainRequest
            {
                Source = r.GetValue(data)!, Output = r.GetValue(output)!, Model = model, Training = training, Resume = r.GetValue(resume), Store = r.GetValue(store), Calibrate = r.GetValue(calibrate),
                ValidationSource = r.GetValue(options.ValidationData),
                Corpus = CorpusOptions.Default with { UseCache = !r.GetValue(noCache), CacheWarning = Ui.Warning },
            };
            return Train(request).Cancelled ? 130 : 0;   // 130: the shell's code for a run stopped by Ctrl+C
        }));
        return command;
    }

    /// <summary>Runs a train request with the terminal UI; returns the result (also used by demo).</summary>
    public static TrainingResult Train(TrainRequest request)
    {
        PreparedTraining prepared = Ui.Reading("reading the corpus", null, p => TrainJob.Prepare(request, p));
        Ui.WarnPieces(prepared.Corpus);
        if (prepared.Corpus.UnusableCount > 0)
            Ui.Warning($"{Ui.N(prepared.Corpus.UnusableCount)} of {Ui.N(prepared.Corpus.Files)} pieces left out: drums only, or fewer than the {prepared.Model.Config.MinNotes} notes {(prepared.Model.Config.PadStart ? "a note and its label need" : "a window and its label need (--pad-start or a smaller --window keeps shorter pieces)")}");
        PrintSetup(prepared);
        return Ui.WithCancel(cancel =>
        {
            var ui = new TrainingView(prepared.Model.Config, prepared.ValidationWindows != null, request.Training.BatchSize);
            TrainingResult result = ui.Run(() => TrainJob.Run(prepared, ui, cancel));
            PrintResult(result, request.Output);
            return result;
        });
    }

    private static void PrintSetup(PreparedTraining p)
    {
        TrainingConfig t = p.Request.Training;
        ModelConfig m = p.Model.Config;
        var table = new Table().Border(TableBorder.Rounded).Title("training setup").AddColumns("setting", "value");
        table.AddRow("corpus", Markup.Escape($"{p.Request.Source} ({p.Corpus.Source}): {Ui.N(p.Corpus.FilesUsable)} usable of {Ui.N(p.Corpus.Files)} pieces{(p.Corpus.StoppedAtMaxPieces ? " read (stopped at --max-pieces)" : "")}, {Ui.N(p.Corpus.Notes)} notes, {Ui.Duration(p.Corpus.Seconds)}"));
        table.AddRow(Markup.Escape($"split ({p.SplitMethod})"), $"{Ui.N(p.TrainWindows.Pieces)} train / {Ui.N(p.ValidationWindows?.Pieces ?? 0)} validation pieces; {Ui.N(p.TrainWindows.Count)} / {Ui.N(p.ValidationWindows?.Count ?? 0)} windows");
        if (p.CorpusSection["store"] is { } st)
            table.AddRow("note stores", Markup.Escape($"{st["train"]} ({Ui.N(st["trainNotes"]!.GetValue<long>())} notes), {st["validation"]} ({Ui.N(st["validationNotes"]!.GetValue<long>())} notes); windows streamed from disk"));
        table.AddRow("model", Markup.Escape(ModelSummary.Describe(m) + $"; {Ui.N(p.Model.ParameterCount)} parameters"));
        table.AddRow("loss", Markup.Escape(string.Join(" + ", m.Heads.Select(h => $"{h.LossWeight}·{h.Name}"))));
        table.AddRow("optimiser", $"Adam ({t.AdamFormula}) lr {t.LearningRate}, β1 {t.Beta1}, β2 {t.Beta2}, ε {t.Epsilon}");
        table.AddRow("schedule", $"up to {t.Epochs} epochs, batch {t.BatchSize}, early stopping on {(p.ValidationWindows != null ? "val_loss" : "loss")} (patience {t.Patience}), best weights restored");
        if (m.Vocabulary() is { } ins)
            table.AddRow("instruments", Markup.Escape($"{ins.Count}: " + string.Join(", ", ins.Classes.Select(c => $"{c.Name} ({(c.IsDrum ? "drums" : c.Other ? "the rest, as " + c.Program : c.Program)})"))));
        var augmentation = new List<string>();
        if (t.Transpose > 0) augmentation.Add($"each window transposed by −{t.Transpose}..{t.Transpose} semitones");
        if (t.Stretch > 0) augmentation.Add($"its times scaled by {1 / (1 + t.Stretch):0.###}..{1 + t.Stretch:0.###}");
        if (t.Articulation > 0) augmentation.Add($"its durations scaled by {1 / (1 + t.Articulation):0.###}..{1 + t.Articulation:0.###}");
        if (augmentation.Count > 0) table.AddRow("augmentation", Markup.Escape(string.Join("; ", augmentation)));
        table.AddRow("seed / threads", $"{t.Seed} / {Trainer.EffectiveThreads(t)}");
        table.AddRow("output", Markup.Escape(Path.GetFullPath(p.Request.Output) + (p.Request.Resume ? " (resuming)" : "")));
        AnsiConsole.Write(table);
    }

    private static void PrintResult(TrainingResult result, string output)
    {
        string how = result.Cancelled ? "stopped by you" : result.StoppedEarly ? "stopped early" : "done";
        AnsiConsole.MarkupLineInterpolated($"[green]{how}[/]: best {result.Monitor} {result.BestLoss:F4} at epoch {result.BestEpoch}; model in {Path.GetFullPath(output)}");
        foreach (string f in new[] { "config.json", "weights.safetensors", "history.json", "history.csv", "loss.png", Checkpoint.FileName })
            if (File.Exists(Path.Combine(output, f))) Console.WriteLine($"  {Path.Combine(output, f)}");
    }
}
