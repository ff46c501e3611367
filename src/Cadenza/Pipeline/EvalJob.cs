using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Generation;
using Cadenza.Instruments;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Plots;

namespace Cadenza.Pipeline;

/// <summary>
/// The eval job: model + held-out music → held-out loss beside the uniform and unigram baselines, and notes generated
/// from held-out seeds compared with the held-out notes → report, JSON, eval.png.
/// </summary>
public static class EvalJob
{
    /// <summary>Name of the histogram picture written into the model's folder by default.</summary>
    public const string PlotFile = "eval.png";

    private const ulong SeedSalt = 0x4556_414C_5345_4544UL;   // keeps seed choice apart from the other streams of one --rng-seed

    /// <summary>Runs the request; files are written atomically.</summary>
    /// <exception cref="EvaluationException">No held-out music, or options out of range.</exception>
    public static EvalOutcome Run(EvalRequest request, IProgress<int>? progress = null)
    {
        if (request.Notes < 1) throw new EvaluationException($"--generate must be at least 1, got {request.Notes}");
        if (request.Seeds < 0) throw new EvaluationException($"--seeds must be at least 0, got {request.Seeds}");
        if (!(request.Temperature >= 0) || float.IsInfinity(request.Temperature)) throw new EvaluationException($"--temperature must be ≥ 0, got {request.Temperature}");
        if (request.TopK < 0) throw new EvaluationException($"--top-k must be ≥ 0, got {request.TopK}");

        var clock = Stopwatch.StartNew();
        MusicModel model = ModelStore.Load(request.ModelPath);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        // before reading the held-out corpus: a model that cannot read note windows or compose is refused at once
        if (model.Config.NoteModelProblem() is { } problem) throw new EvaluationException($"cannot evaluate this model: {problem}");
        JsonObject? corpus = ModelStore.ReadCorpusSection(request.ModelPath);
        var warnings = new List<string>();
        int t = model.Config.SequenceLength;
        bool padded = model.Config.PadStart;   // windows as the model was trained on them: a padded model is judged on short pieces too
        var (files, description) = HeldOut(request, corpus, model.Config, warnings, progress);
        List<Note[]> pieces = files.Select(f => f.Notes).ToList();

        HeldOutLoss loss = LossEvaluator.Evaluate(model, new WindowSet(pieces, t, model.Config.Features, model.Config.Vocabulary(), padded), request.Threads);
        NoteStatistics? training = GenerateJob.TrainingStatistics(corpus);
        if (training is null) warnings.Add("the model carries no training-corpus statistics (a TF.js or imported model): the unigram baseline is skipped");
        int classes = model.Config.Heads.First(h => h.Name == "pitch").Units;
        PitchBaselines baselines = PitchBaselines.Of(PitchBaselines.LabelCounts(pieces, t, classes, padded), training?.Pitch ?? []);
        InstrumentVocabulary? instruments = model.Config.Vocabulary();
        IReadOnlyList<CountBaselineResult> counts = CountBaselines(corpus, pieces, t, padded, instruments);
        if (training != null && counts.Count == 0) warnings.Add("the model records no count models (trained by an earlier build): the copy baselines are skipped");

        var options = new GenerationOptions { Notes = request.Notes, Temperature = request.Temperature, TopK = request.TopK, Seed = request.RngSeed, FreeRange = request.FreeRange, Uncalibrated = request.Uncalibrated };
        clock.Restart();
        var (generated, seeds, real) = Generate(model, files, request.Seeds, options);
        double generationSeconds = clock.Elapsed.TotalSeconds;

        MusicStatistics generatedStats = MusicStatistics.Of(generated, continuesSeed: true);
        MusicStatistics heldOutStats = MusicStatistics.Of(pieces, continuesSeed: false);
        MusicStatistics realStats = MusicStatistics.Of(real, continuesSeed: true);
        var report = new EvalReport
        {
            Model = Path.GetFullPath(request.ModelPath),
            HeldOutSource = description,
            HeldOutFiles = files.Count,
            Loss = loss,
            Baselines = baselines,
            CountModels = counts,
            Generated = generatedStats,
            HeldOut = heldOutStats,
            Jsd = DistributionDivergence.Between(generatedStats, heldOutStats),
            RealContinuations = realStats,
            RealContinuationJsd = DistributionDivergence.Between(realStats, heldOutStats),
            Instruments = instruments is null ? null : InstrumentReport.Of(instruments, generated, pieces),
            Generation = options,
            ChordOffset = ChordCalibration.InEffect(model.Config, options),
            Seeds = seeds,
            ModelLoadSeconds = loadSeconds,
            GenerationSeconds = generationSeconds,
            Warnings = warnings,
        };

        var written = new List<string>();
        string plot = request.PlotPath ?? DefaultPlotPath(request.ModelPath);
        EvalPlot.Write(plot, generatedStats, heldOutStats, report.Jsd);
        written.Add(plot);
        if (request.JsonPath != null)
        {
            AtomicFile.WriteAllText(request.JsonPath, report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            written.Add(request.JsonPath);
        }
        return new EvalOutcome(report, written);
    }

    /// <summary>The count models fitted when the model was trained (<see cref="TrainJob"/> records them), measured on the held-out pieces.</summary>
    private static IReadOnlyList<CountBaselineResult> CountBaselines(JsonObject? corpus, IReadOnlyList<Note[]> pieces, int t, bool padded, InstrumentVocabulary? instruments)
    {
        if (corpus?["baselines"] is not JsonArray recorded) return [];
        var results = new List<CountBaselineResult>();
        foreach (JsonNode? node in recorded)
        {
            CountBaseline? b = node.Deserialize<CountBaseline>(ModelStore.Json);
            if (b is null || b.Counts.Length != CountBaseline.ClassesOf(b.Feature, instruments)) continue;
            var (unigram, copy) = b.CrossEntropy(pieces, t, instruments, padded);
            results.Add(new CountBaselineResult(b.Feature, unigram, copy, b.Lambda));
        }
        return results;
    }

    /// <summary>eval.png beside the model: in its folder, or beside its model.json.</summary>
    public static string DefaultPlotPath(string modelPath) =>
        Path.Combine(Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!, PlotFile);

    /// <summary>
    /// Draws <paramref name="count"/> seeds (a random held-out file, then a random window of it, with the first step
    /// relative to the note before, as training saw it) and generates after each with its own sampling seed. Beside
    /// each generated piece, the notes that really follow the seed in its file (up to as many), timed from the seed's
    /// last onset like a generated piece: how far the same seeds' true continuations are from the held-out histograms
    /// is the floor a perfect model would reach with this many seeds.
    /// </summary>
    private static (List<Note[]> Pieces, List<SeedWindow> Seeds, List<Note[]> Real) Generate(MusicModel model, IReadOnlyList<CorpusFile> files, int count, GenerationOptions options)
    {
        var pieces = new List<Note[]>();
        var seeds = new List<SeedWindow>();
        var real = new List<Note[]>();
        if (count == 0) return (pieces, seeds, real);
        ModelConfig c = model.Config;
        int t = c.SequenceLength;
        var generator = new Generator(model);
        var rng = new Rng(options.Seed ^ SeedSalt);
        for (int s = 0; s < count; s++)
        {
            var (file, start, seed) = DrawSeed(files, c, rng);
            int first = Math.Max(0, start);
            ulong sampling = rng.NextULong();
            pieces.Add(generator.Generate(seed, options with { Seed = sampling }));
            seeds.Add(new SeedWindow(file.Path, first, sampling));
            double origin = file.Notes[start + t - 1].Start;
            real.Add(file.Notes.Skip(start + t).Take(options.Notes).Select(n => n with { Start = n.Start - origin, End = n.End - origin }).ToArray());
        }
        return (pieces, seeds, real);
    }

    /// <summary>
    /// A random window of a random file as a generation seed (raw features, padded), with its first step relative to
    /// the note before, as training saw it; a padded model's seed may start before its file, as its windows do.
    /// </summary>
    internal static (CorpusFile File, int Start, float[] Seed) DrawSeed(IReadOnlyList<CorpusFile> files, ModelConfig c, Rng rng)
    {
        int t = c.SequenceLength;
        CorpusFile file = files[rng.NextInt(files.Count)];
        int start = c.PadStart ? rng.NextInt(file.Notes.Length) - (t - 1) : rng.NextInt(file.Notes.Length - t + 1);
        int first = Math.Max(0, start);
        float[] seed = c.ToFeatures(file.Notes.AsSpan(first, start + t - first));
        seed[Array.IndexOf(c.Features, "step")] = (float)NoteFeatures.Step(file.Notes, first);
        return (file, start, c.PadSeed(seed));
    }

    internal static (List<CorpusFile> Files, string Description) HeldOut(EvalRequest request, JsonNode? corpus, ModelConfig model, List<string> warnings, IProgress<int>? progress)
    {
        string instrument = corpus?["instrument"]?.GetValue<string>() ?? "merged";
        // the model's own reading rules, so held-out notes are what training would have seen
        CorpusOptions options = request.Corpus with
        {
            Midi = new MidiReadSettings { Instruments = instrument == "first" ? InstrumentSelection.First : InstrumentSelection.Merged, Drums = corpus?["drums"]?.GetValue<bool>() ?? false },
            MinNotes = model.MinNotes,
        };
        string? source = corpus?["source"]?.GetValue<string>();
        string[] trainFiles = Names(corpus?["trainFiles"]);

        if (request.Data != null)
        {
            var (all, summary) = CorpusReader.Read(request.Data, options, progress);
            var usable = all.Where(f => f.Status == CorpusFileStatus.Usable).ToList();
            if (usable.Count == 0)
                throw new EvaluationException($"{request.Data}: no usable MIDI file ({summary.Files} found; each needs at least {model.MinNotes} notes)");
            string root = File.Exists(request.Data) ? Path.GetDirectoryName(Path.GetFullPath(request.Data))! : Path.GetFullPath(request.Data);
            if (source != null && Path.TrimEndingDirectorySeparator(root) == Path.TrimEndingDirectorySeparator(source))
            {
                var trained = new HashSet<string>(trainFiles, StringComparer.Ordinal);
                int overlap = usable.Count(f => trained.Contains(f.Path));
                if (overlap > 0) warnings.Add($"{overlap} of the {usable.Count} files in {request.Data} were used to train the model: these numbers are not held-out");
            }
            return (usable, $"{request.Data} ({usable.Count} usable file{(usable.Count == 1 ? "" : "s")})");
        }

        if (corpus is null || source is null)
            throw new EvaluationException($"{request.ModelPath}: the model records no training corpus, so no held-out files; give --data HELDOUT");
        if (corpus["store"]?["validation"]?.GetValue<string>() is { } store) return StoredHeldOut(store, model.MinNotes);
        string[] names = Names(corpus["validationFiles"]);
        if (names.Length == 0)
            throw new EvaluationException($"{request.ModelPath}: the model was trained without held-out files (--val 0); give --data HELDOUT");
        // validated on a folder of its own (--val-data): its held-out files are there
        if (corpus["validationSource"]?.GetValue<string>() is { } own) source = File.Exists(own) ? Path.GetDirectoryName(own)! : own;
        if (!Directory.Exists(source))
            throw new EvaluationException($"{source}: the model's training corpus is no longer there, so its held-out files cannot be read; give --data HELDOUT");

        // only the held-out files are read, not the whole corpus the model was trained on
        var read = new CorpusFile[names.Length];
        Parallel.For(0, names.Length, i =>
        {
            string path = Path.Combine(source, names[i]);
            var info = new FileInfo(path);
            read[i] = info.Exists
                ? CorpusReader.ReadOne(path, names[i], info.Length, options)
                : new CorpusFile(names[i], [], CorpusFileStatus.Skipped, "missing", -1);
        });
        var found = read.Where(f => f.Status == CorpusFileStatus.Usable).ToList();
        if (found.Count < names.Length)
            warnings.Add($"{names.Length - found.Count} of the model's {names.Length} held-out files are missing or unusable in {source}: {string.Join(", ", read.Where(f => f.Status != CorpusFileStatus.Usable).Select(f => f.Path).Take(3))}");
        if (found.Count == 0)
            throw new EvaluationException($"{source}: none of the model's {names.Length} held-out files can be read any more; give --data HELDOUT");
        return (found, $"the model's held-out files in {source} ({found.Count} file{(found.Count == 1 ? "" : "s")})");
    }

    /// <summary>Held-out notes read back from a note store the model was validated on: its first pieces, up to this many notes.</summary>
    public const int StoredHeldOutNotes = 2_000_000;

    // a model trained from note stores (train --store): its validation store's first pieces, as many as memory allows
    private static (List<CorpusFile> Files, string Description) StoredHeldOut(string path, int minNotes)
    {
        try
        {
            using Cadenza.Store.NoteStore store = Cadenza.Store.NoteStore.Open(path);
            var pieces = new Cadenza.Store.StorePieces(store);
            var files = new List<CorpusFile>();
            long notes = 0;
            for (int p = 0; p < pieces.Count && notes < StoredHeldOutNotes; p++)
            {
                Note[] piece = pieces[p];
                if (piece.Length < minNotes) continue;
                files.Add(new CorpusFile($"store piece {p + 1}", piece, CorpusFileStatus.Usable, "", piece.Length * (long)Cadenza.Store.NoteStore.NoteBytes));
                notes += piece.Length;
            }
            if (files.Count == 0) throw new EvaluationException($"{path}: the model's validation store has no piece long enough to evaluate; give --data HELDOUT");
            return (files, $"the model's validation store {path} ({files.Count} piece{(files.Count == 1 ? "" : "s")}{(files.Count < store.Pieces ? $" of {store.Pieces}" : "")})");
        }
        catch (Cadenza.Store.StoreException e) { throw new EvaluationException($"{e.Message}; give --data HELDOUT"); }
    }

    private static string[] Names(JsonNode? array) => array?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
}
