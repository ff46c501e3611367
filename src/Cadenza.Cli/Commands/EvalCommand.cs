using System.CommandLine;
using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Pipeline;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza eval MODEL</c>: held-out loss against baselines, and generated music against held-out music, as tables, JSON and eval.png.</summary>
internal static class EvalCommand
{
    private static readonly string[] PitchNames = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    public static Command Create()
    {
        var model = ModelCommands.ModelArgument();
        var data = new Option<string?>("--data") { Description = "Held-out music: a folder of MIDI files or one file (default: the validation files recorded with the model)" };
        var notes = new Option<int>("--generate") { Description = "Notes to generate after each seed", DefaultValueFactory = _ => 120 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds drawn from the held-out music (0 = no generation)", DefaultValueFactory = _ => 5 };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature of every class head: pitch, and the Cadenza model's step and duration classes (0 = argmax)", DefaultValueFactory = _ => 1f };
        var topK = new Option<int>("--top-k") { Description = "Sample each class head from its k most likely classes only (0 = off)" };
        var rngSeed = new Option<ulong>("--rng-seed") { Description = "Seed for choosing seeds and sampling: the same seed gives the same report", DefaultValueFactory = _ => 42UL };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
        var plot = new Option<string?>("--plot") { Description = "Where to write the histograms (default: eval.png in the model's folder)" };
        var threads = new Option<int>("--threads") { Description = "Threads for the held-out loss (default: up to 2)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Parse every MIDI file again" };
        var freeRange = new Option<bool>("--free-range") { Description = "Model with instruments: generate without keeping each instrument in its training range" };
        var uncalibrated = new Option<bool>("--uncalibrated") { Description = "Compose with the network's own odds, without the model's chord calibration" };
        var command = new Command("eval", "Measure a model on held-out music: loss against baselines, and its generated notes against the real ones")
        {
            model, data, notes, seeds, temperature, topK, rngSeed, json, plot, threads, noCache, freeRange, uncalibrated,
        };
        command.SetAction(r => Ui.Run(() =>
        {
            var request = new EvalRequest
            {
                ModelPath = r.GetValue(model)!,
                Data = r.GetValue(data),
                Notes = r.GetValue(notes),
                Seeds = r.GetValue(seeds),
                Temperature = r.GetValue(temperature),
                TopK = r.GetValue(topK),
                RngSeed = r.GetValue(rngSeed),
                JsonPath = r.GetValue(json),
                PlotPath = r.GetValue(plot),
                Threads = r.GetValue(threads),
                FreeRange = r.GetValue(freeRange),
                Uncalibrated = r.GetValue(uncalibrated),
                Corpus = CorpusOptions.Default with { UseCache = !r.GetValue(noCache), CacheWarning = Ui.Warning },
            };
            Print(EvalJob.Run(request));
            return 0;
        }));
        return command;
    }

    private static void Print(EvalOutcome outcome)
    {
        EvalReport e = outcome.Report;
        HeldOutLoss l = e.Loss;
        PitchBaselines b = e.Baselines;
        Console.WriteLine($"held-out: {e.HeldOutSource}");
        CountBaselineResult? Count(string feature) => e.CountModels.FirstOrDefault(c => c.Feature == feature);
        string CountCell(string feature, bool copy) => Count(feature) is { } c ? F(copy ? c.CopyNats : c.UnigramNats) : "–";
        var loss = new Table().Border(TableBorder.Rounded)
            .Title($"held-out loss on {Ui.N(l.Windows)} windows")
            .AddColumns("", "model", "uniform", "unigram", "context copy");
        loss.Caption(Count("pitch") is { } cp
            ? $"nats per note; step and duration over the {TimeBins.Count} reference time bins; copy: λ·(share of the label in the window) + (1−λ)·unigram, λ {cp.Lambda} / {Count("step")?.Lambda} / {Count("duration")?.Lambda}"
            : "nats per note; a regression head's step and duration loss is MSE + 10·max(−ŷ, 0), as trained");
        loss.AddRow("pitch NLL, nats/note", F(l.PitchNats), F(b.UniformNats), Opt(b.UnigramNats, v => F(v)), CountCell("pitch", true));
        loss.AddRow("pitch NLL, bits/note", F(l.PitchBits), F(b.UniformNats / Math.Log(2)), Opt(b.UnigramNats, v => F(v / Math.Log(2))),
            Count("pitch") is { } c2 ? F(c2.CopyNats / Math.Log(2)) : "–");
        loss.AddRow("top-1 pitch accuracy", Pct(l.Top1Accuracy), Pct(b.UniformTop1), Opt(b.UnigramTop1, Pct), "");
        if (!double.IsNaN(l.StepNats)) loss.AddRow("step cross-entropy, nats", F(l.StepNats), F(Math.Log(TimeBins.Count)), CountCell("step", false), CountCell("step", true));
        else loss.AddRow("step loss (MSE)", F(l.StepLoss, 4), "", CountCell("step", false), CountCell("step", true));
        if (!double.IsNaN(l.DurationNats)) loss.AddRow("duration cross-entropy, nats", F(l.DurationNats), F(Math.Log(TimeBins.Count)), CountCell("duration", false), CountCell("duration", true));
        else loss.AddRow("duration loss (MSE)", F(l.DurationLoss, 4), "", CountCell("duration", false), CountCell("duration", true));
        if (!double.IsNaN(l.InstrumentNats) && e.Instruments is { } ins)
            loss.AddRow("instrument cross-entropy, nats", F(l.InstrumentNats), F(Math.Log(ins.Instruments.Count)), CountCell("instrument", false), CountCell("instrument", true));
        AnsiConsole.Write(loss);

        MusicStatistics g = e.Generated, h = e.HeldOut;
        var music = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"generated ({e.Seeds.Count} seeds × {e.Generation.Notes} notes, temperature {e.Generation.Temperature}{(e.ChordOffset != 0 ? $", chords calibrated {Cadenza.Generation.ChordCalibration.Describe(e.ChordOffset)}" : "")}) vs held-out"))
            .AddColumns("", "generated", "held-out", "JSD (bits)", "real continuations' JSD");
        music.Caption("real continuations: the notes that follow the same seeds in their files, against the held-out histograms (the floor with this many seeds)");
        string Real(Func<DistributionDivergence, double> of) => e.RealContinuationJsd is { } rj ? F(of(rj)) : "";
        string RealStat(Func<MusicStatistics, string> of) => e.RealContinuations is { } rc ? of(rc) : "";
        music.AddRow("notes", Ui.N(g.Notes), Ui.N(h.Notes), "", RealStat(rc => Ui.N(rc.Notes)));
        music.AddRow("pitch histogram", "", "", F(e.Jsd.Pitch), Real(d => d.Pitch));
        music.AddRow("pitch-class histogram", "", "", F(e.Jsd.PitchClass), Real(d => d.PitchClass));
        music.AddRow("step histogram", "", "", F(e.Jsd.Step), Real(d => d.Step));
        music.AddRow("duration histogram", "", "", F(e.Jsd.Duration), Real(d => d.Duration));
        music.AddRow("zero steps (chord notes)", Pct(g.ZeroStepShare), Pct(h.ZeroStepShare), "", RealStat(rc => Pct(rc.ZeroStepShare)));
        music.AddRow("zero durations", Pct(g.ZeroDurationShare), Pct(h.ZeroDurationShare), "");
        music.AddRow("longest run of one pitch", g.LongestRun.ToString(), h.LongestRun.ToString(), "");
        music.AddRow("most frequent pitch", Top(g), Top(h), "");
        music.AddRow("notes per second", F(g.NotesPerSecond, 2), F(h.NotesPerSecond, 2), "", RealStat(rc => F(rc.NotesPerSecond, 2)));
        if (e.Instruments is { } orchestra)
        {
            music.AddRow("instrument shares", "", "", F(orchestra.ShareJsd));
            music.AddRow("instruments per piece", F(orchestra.InstrumentsPerPiece, 1), "", "");
        }
        AnsiConsole.Write(music);
        if (e.Instruments is { } used)
        {
            static string Range((int Low, int High)? r) => r is { } v ? $"{v.Low}–{v.High}" : "–";
            var table = new Table().Border(TableBorder.Rounded).Title("instruments: share of the notes and pitch range")
                .AddColumns("instrument", "program", "generated", "held-out", "generated range", "held-out range", "training range");
            foreach (InstrumentUse u in used.Instruments)
                table.AddRow(Markup.Escape(u.Name), u.Program.ToString(), Pct(u.GeneratedShare), Pct(u.HeldOutShare),
                    u.WithinTrainingRange ? Range(u.Generated) : $"[red]{Range(u.Generated)}[/]", Range(u.HeldOut), Range(u.Training));
            AnsiConsole.Write(table);
        }

        Console.WriteLine($"speed: {Ui.N(l.Windows)} windows in {l.Seconds * 1000:F0} ms ({Ui.N((long)Math.Min(l.WindowsPerSecond, long.MaxValue))} windows/s, {l.Threads} thread{(l.Threads == 1 ? "" : "s")}); " +
                          $"model loaded in {e.ModelLoadSeconds * 1000:F0} ms; {Ui.N(g.Notes)} notes generated in {e.GenerationSeconds * 1000:F0} ms");
        foreach (string w in e.Warnings) Ui.Warning(w);
        foreach (string f in outcome.Files) Console.WriteLine($"  {f}");
    }

    private static string F(double value, int decimals = 3) => double.IsNaN(value) ? "–" : double.IsPositiveInfinity(value) ? "∞" : Ui.F(value, decimals);

    private static string Pct(double share) => double.IsFinite(share) ? $"{share * 100:F1}%" : "–";

    private static string Opt(double? value, Func<double, string> format) => value is { } v ? format(v) : "–";

    private static string Top(MusicStatistics s) => s.TopPitch < 0 ? "–" : $"{Pct(s.TopPitchShare)} ({PitchNames[s.TopPitch % 12]}{s.TopPitch / 12 - 1})";
}
