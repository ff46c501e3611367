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
using Cadenza.Training;

namespace Cadenza.Pipeline;

/// <summary>What to train: a corpus source, an output folder, the architecture and the training settings.</summary>
public sealed record TrainRequest
{
    /// <summary>Folder of MIDI files, MAESTRO folder or zip, Bach Doodle shards or NoteSequence TFRecords (see <see cref="CorpusSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>Model folder to write (config, weights, checkpoint, history, loss.png).</summary>
    public required string Output { get; init; }

    /// <summary>Architecture (ignored on resume: the saved one is used).</summary>
    public ModelConfig Model { get; init; } = ModelConfig.Paper;

    /// <summary>Training settings.</summary>
    public TrainingConfig Training { get; init; } = new();

    /// <summary>Validate on this corpus (every usable piece of it) instead of a share of <see cref="Source"/>'s files; null: split the source.</summary>
    public string? ValidationSource { get; init; }

    /// <summary>Continue from the folder's checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Corpus reading options (cache, threads); the instrument selection, split and part come from <see cref="TrainingConfig"/>.</summary>
    public CorpusOptions Corpus { get; init; } = CorpusOptions.Default;

    /// <summary>
    /// Stream the corpus into note stores in the model folder (<see cref="StoredTraining.StoreFolder"/>) and train from them:
    /// memory stays flat however large the corpus (see <see cref="Cadenza.Store.NoteStore"/>). A resume reuses them.
    /// </summary>
    public bool Store { get; init; }

    /// <summary>After training, calibrate the chords the model composes (<see cref="CalibrateJob"/>), for a model whose step head draws time classes.</summary>
    /// <remarks>Off by default: measured on two corpora at two training seeds it traded one missed target for another (bench/quality/README.md, session 12).</remarks>
    public bool Calibrate { get; init; }
}

/// <summary>A training run ready to start: the corpus read and split, the windows built, the model created or reloaded.</summary>
/// <param name="SplitMethod">How the validation pieces were chosen, for the user: the source's own split or a random share of files.</param>
public sealed record PreparedTraining(
    TrainRequest Request, MusicModel Model, CorpusSummary Corpus, IReadOnlyList<CorpusFile> TrainFiles, IReadOnlyList<CorpusFile> ValidationFiles,
    IWindowSource TrainWindows, IWindowSource? ValidationWindows, JsonObject CorpusSection, string SplitMethod = "by file")
{
    /// <summary>Note stores the windows read from (training with <see cref="TrainRequest.Store"/>), closed when the run ends.</summary>
    public IReadOnlyList<IDisposable> Stores { get; init; } = [];

    /// <summary>The model folder's lock when preparing already wrote into the folder (the note stores); <see cref="TrainJob.Run"/> keeps it and releases it.</summary>
    public FolderLock? Lock { get; init; }
}

/// <summary>The train job: corpus → split → windows → <see cref="Trainer"/> → model folder with history, loss.png and checkpoint.</summary>
public static class TrainJob
{
    /// <summary>Seed windows stored with the model, drawn from the training files, for generation without a seed file.</summary>
    public const int StoredSeeds = 16;

    /// <summary>Reads and splits the corpus and creates (or, on resume, reloads) the model.</summary>
    /// <exception cref="CorpusException">No usable file.</exception>
    /// <exception cref="TrainingException">Too little music, or a resume without a model.</exception>
    public static PreparedTraining Prepare(TrainRequest request, IProgress<int>? progress = null)
    {
        if (request.Store) return StoredTraining.Prepare(request, progress);
        TrainingConfig t = request.Training;
        var (modelConfig, corpus) = Start(request);
        var (files, summary) = CorpusReader.Read(request.Source, corpus, progress);
        RequireUsable(request, summary);
        IReadOnlyList<CorpusFile> train, validation;
        string method;
        if (request.ValidationSource != null)
        {
            var (held, heldSummary) = CorpusReader.Read(request.ValidationSource, corpus with { MaxPieces = null });
            validation = held.Where(f => f.Status == CorpusFileStatus.Usable).ToList();
            if (validation.Count == 0)
                throw new CorpusException($"{request.ValidationSource}: no usable piece to validate on ({heldSummary.Files} found; each needs at least {modelConfig.MinNotes} notes)");
            train = files.Where(f => f.Status == CorpusFileStatus.Usable).ToList();
            method = "--val-data";
        }
        else
        {
            // the dataset's own validation split, unless the user asked for a random share with --val
            bool bySource = t.Validation is null && CorpusSplit.HasSourceSplit(files);
            (train, validation) = bySource ? CorpusSplit.BySource(files) : CorpusSplit.ByFile(files, t.Validation ?? TrainingConfig.DefaultValidation, t.Seed);
            method = bySource ? "the source's train / validation split" : "by file";
        }
        // the instrument vocabulary is the training corpus's, so it is built before the windows that are written in it
        if (!request.Resume) modelConfig = WithCorpusInstruments(modelConfig, train.Select(f => f.Notes), summary);
        InstrumentVocabulary? instruments = modelConfig.Vocabulary();
        var trainWindows = new WindowSet(train.Select(f => f.Notes).ToList(), modelConfig.SequenceLength, modelConfig.Features, instruments, modelConfig.PadStart);
        WindowSet? valWindows = validation.Count > 0 ? new WindowSet(validation.Select(f => f.Notes).ToList(), modelConfig.SequenceLength, modelConfig.Features, instruments, modelConfig.PadStart) : null;
        RequireBatch(request, trainWindows);
        if (!request.Resume) modelConfig = modelConfig.WithTimeValues(train.Select(f => f.Notes));
        MusicModel model = MusicModel.Create(modelConfig, t.Seed);
        return new PreparedTraining(request, model, summary, train, validation, trainWindows, valWindows,
            CorpusSection(request, t, modelConfig, summary, train.Select(f => f.Notes).ToList(), train.Select(f => f.Path).ToArray(), validation.Select(f => f.Path).ToArray(),
                trainWindows, valWindows, method, p => train[p].Path), method);
    }

    /// <summary>
    /// What every way of preparing a run starts with: the settings checked, the architecture (the saved one on resume)
    /// able to learn from note windows, and the corpus read the way the training settings say.
    /// </summary>
    internal static (ModelConfig Model, CorpusOptions Corpus) Start(TrainRequest request)
    {
        TrainingConfig t = request.Training;
        t.Validate();
        ModelConfig model = request.Model;
        if (request.Resume)
        {
            if (!File.Exists(Path.Combine(request.Output, ModelStore.ConfigFile)))
                throw new TrainingException($"{request.Output}: nothing to resume (no config.json); train without --resume first");
            model = ModelStore.Load(request.Output).Config;
        }
        Trainer.RequireNoteWindows(model);
        CorpusOptions corpus = request.Corpus with
        {
            Midi = t.MidiReading, MinNotes = model.MinNotes, Split = CorpusSources.ParseSplit(t.Split), Part = CorpusSources.ParsePart(t.Part),
            MaxPieces = t.MaxPieces,
        };
        return (model, corpus);
    }

    /// <exception cref="CorpusException">The corpus gave no usable piece.</exception>
    internal static void RequireUsable(TrainRequest request, CorpusSummary summary)
    {
        if (summary.FilesUsable == 0)
            throw new CorpusException($"{request.Source}: no usable piece ({summary.Files} found, {summary.SkippedCount} unreadable, {summary.UnusableCount} too short or drums only; --pad-start or a smaller --window keeps shorter pieces)");
    }

    /// <exception cref="TrainingException">Fewer training windows than one batch.</exception>
    internal static void RequireBatch(TrainRequest request, IWindowSource windows)
    {
        if (windows.Count < request.Training.BatchSize)
            throw new TrainingException($"{request.Source}: {windows.Count} training windows are fewer than one batch of {request.Training.BatchSize}; add music or lower --batch-size");
    }

    /// <summary>For a model that reads instruments, <paramref name="config"/> with the instrument vocabulary of the training pieces (one class per voice for Bach Doodle); else unchanged.</summary>
    internal static ModelConfig WithCorpusInstruments(ModelConfig config, IEnumerable<Note[]> train, CorpusSummary summary) =>
        config.Instruments
            ? config.WithInstruments(InstrumentVocabulary.Build(train, config.InstrumentLimit ?? InstrumentVocabulary.DefaultLimit, byVoice: summary.Kind == CorpusSourceKind.BachDoodle))
            : config;

    /// <summary>Trains the prepared model; the folder is complete after every epoch, so an interrupted run leaves a usable model.</summary>
    public static TrainingResult Run(PreparedTraining p, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        string folder = p.Request.Output;
        // one writer per model folder: a second run would interleave its epochs with this one's
        using FolderLock held = p.Lock ?? FolderLock.Acquire(folder, "cadenza train");
        AtomicFile.RemoveStaleTemporaries(folder);   // a killed run may have left one; its target file is intact
        string[] heads = p.Model.Config.Heads.Select(h => h.Name).ToArray();
        var sections = new Dictionary<string, JsonNode?>
        {
            ["training"] = JsonSerializer.SerializeToNode(p.Request.Training, ModelStore.Json),
            ["corpus"] = p.CorpusSection,
        };
        void Save(MusicModel model, IReadOnlyList<EpochRecord> history)
        {
            ModelStore.Save(model, folder, sections);
            if (history.Count == 0) return;
            TrainingHistory.Save(folder, history, heads);
            LossPlot.Write(Path.Combine(folder, "loss.png"), history, heads);
        }
        var trainer = new Trainer(p.Model, p.Request.Training, p.TrainWindows, p.ValidationWindows, folder, Save, observer);
        TrainingResult result;
        try { result = trainer.Run(p.Request.Resume, cancel); }
        finally { foreach (IDisposable store in p.Stores) store.Dispose(); }
        if (result.Cancelled || !p.Request.Calibrate) return result;
        if (CalibrateJob.Problem(p.Model, p.CorpusSection) is { } problem)
        {
            observer?.Message($"the chords are not calibrated: {problem}");
            return result;
        }
        // seeds from the validation files, which the weights never learned from; without any, the training files
        bool validated = p.ValidationFiles.Count > 0;
        if (!validated && p.TrainFiles.Count == 0)   // streamed from note stores: no pieces at hand
        {
            observer?.Message($"the chords are not calibrated: the pieces were streamed from note stores; run `cadenza model calibrate {folder} --data HELDOUT`");
            return result;
        }
        observer?.Message(validated ? "calibrating the chords on the validation files" : "calibrating the chords on the training files (no validation files: it will correct less than it should)");
        ChordCalibrationResult c = CalibrateJob.Calibrate(p.Model, validated ? p.ValidationFiles : p.TrainFiles, CalibrateJob.TrainingShare(p.CorpusSection));
        ModelStore.SaveConfig(c.Model.Config, folder);
        observer?.Message(FormattableString.Invariant($"chords calibrated: {c.Summary} (training notes: {c.Target:0.00})"));
        return result with { Calibration = c };
    }

    internal static JsonObject CorpusSection(TrainRequest request, TrainingConfig t, ModelConfig config, CorpusSummary summary, IReadOnlyList<Note[]> trainPieces,
                                           string[] trainFiles, string[] validationFiles, IWindowSource trainWindows, IWindowSource? valWindows, string splitMethod,
                                           Func<int, string> pieceName)
    {
        NoteStatistics stats = NoteStatistics.Of(trainPieces);
        var rng = new Rng(t.Seed ^ 0x5EED_0F5E_ED5EUL);
        var seeds = new JsonArray();
        for (int i = 0; i < Math.Min(StoredSeeds, trainWindows.Count); i++)
        {
            var (piece, start) = trainWindows.Locate(rng.NextInt(trainWindows.Count));
            Note[] notes = trainPieces[piece];
            // a window that starts before its piece (padded) is recorded as its real notes; generation pads it again
            int length = trainWindows.SequenceLength + Math.Min(0, start);
            start = Math.Max(0, start);
            float[] window = config.ToFeatures(notes.AsSpan(start, length));
            int step = Array.IndexOf(config.Features, "step");
            if (step >= 0) window[step] = (float)NoteFeatures.Step(notes, start);   // the window's first step, as training saw it
            seeds.Add(new JsonObject { ["file"] = pieceName(piece), ["note"] = start, ["features"] = new JsonArray(window.Select(f => (JsonNode)f).ToArray()) });
        }
        return new JsonObject
        {
            ["source"] = Path.GetFullPath(request.Source),
            ["validationSource"] = request.ValidationSource is { } v ? Path.GetFullPath(v) : null,
            ["kind"] = summary.Source,
            ["instrument"] = t.Instrument,
            ["drums"] = t.Drums,
            ["split"] = splitMethod,
            ["files"] = summary.Files,
            ["trainFiles"] = new JsonArray(trainFiles.Select(f => (JsonNode)f).ToArray()),
            ["validationFiles"] = new JsonArray(validationFiles.Select(f => (JsonNode)f).ToArray()),
            ["trainWindows"] = trainWindows.Count,
            ["validationWindows"] = valWindows?.Count ?? 0,
            ["statistics"] = JsonSerializer.SerializeToNode(stats, ModelStore.Json),
            // the count models eval judges the model against, fitted here where the training windows are at hand
            ["baselines"] = new JsonArray(CountBaseline.Features.Concat(config.Vocabulary() is null ? [] : ["instrument"])
                .Select(f => JsonSerializer.SerializeToNode(CountBaseline.Fit(f, trainPieces, trainWindows.SequenceLength, config.Vocabulary(), config.PadStart), ModelStore.Json)).ToArray()),
            ["seeds"] = seeds,
        };
    }
}
