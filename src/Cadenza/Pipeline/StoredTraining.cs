using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Store;
using Cadenza.Training;

namespace Cadenza.Pipeline;

/// <summary>
/// Prepares a training run on a corpus larger than memory (<see cref="TrainRequest.Store"/>): the corpus is streamed
/// once into a training and a validation note store in the model folder, and everything training needs from it (the
/// instrument vocabulary, the statistics, the count models, the stored seeds) is counted from the stores, a piece at a
/// time. Nothing of the size of the corpus is held.
/// </summary>
public static class StoredTraining
{
    /// <summary>The folder of a model's stores.</summary>
    public static string StoreFolder(string model) => Path.Combine(model, "store");

    /// <summary>Notes the time classes' played values are learned from: the first training pieces, up to this many.</summary>
    public const int TimeValueNotes = 2_000_000;

    /// <summary>Streams the corpus into stores (or, on resume, reopens them) and creates or reloads the model.</summary>
    /// <exception cref="CorpusException">No usable piece.</exception>
    /// <exception cref="TrainingException">Too little music, or a resume without a model.</exception>
    public static PreparedTraining Prepare(TrainRequest request, IProgress<int>? progress = null)
    {
        var (config, read) = TrainJob.Start(request);   // the settings checked before the folder is touched
        // the stores are written into the model folder: a second run must not rewrite them under this one's map
        FolderLock held = FolderLock.Acquire(request.Output, "cadenza train");
        try { return Prepare(request, config, read, held, progress); }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static PreparedTraining Prepare(TrainRequest request, ModelConfig config, CorpusOptions read, FolderLock held, IProgress<int>? progress)
    {
        TrainingConfig t = request.Training;
        CorpusOptions corpus = read with { Streamed = true };   // the store replaces the note cache, which would hold every piece
        string folder = StoreFolder(request.Output);
        string trainPath = Path.Combine(folder, "train.notes"), validationPath = Path.Combine(folder, "validation.notes");
        CorpusSummary summary;
        string method;
        ICorpusSource source = CorpusSources.Open(request.Source);
        bool bySource = request.ValidationSource is null && t.Validation is null && source.HasSplits;
        method = request.ValidationSource != null ? "--val-data" : bySource ? "the source's train / validation split" : "by piece, at random";
        if (request.Resume && File.Exists(trainPath) && File.Exists(validationPath))
            summary = new CorpusSummary { Source = source.Description + " (from the model's note stores)", Kind = source.Kind };
        else
        {
            using var train = new NoteStoreWriter(trainPath);
            using var validation = new NoteStoreWriter(validationPath);
            double share = request.ValidationSource != null ? 0 : t.Validation ?? TrainingConfig.DefaultValidation;
            summary = CorpusReader.Stream(source, corpus, piece =>
            {
                // a piece's side is decided as it passes: the source's own tag, else a draw from its name and the seed
                bool held = bySource ? piece.Split == DataSplit.Validation : share > 0 && Held(piece.Path, t.Seed, share);
                if (bySource && piece.Split is not (DataSplit.Train or DataSplit.Validation)) return;
                (held ? validation : train).Append(piece.Notes);
            }, progress);
            if (request.ValidationSource != null)
                CorpusReader.Stream(CorpusSources.Open(request.ValidationSource), corpus with { MaxPieces = null }, piece => validation.Append(piece.Notes));
            TrainJob.RequireUsable(request, summary);
            train.Complete();
            validation.Complete();
        }
        NoteStore trainStore = NoteStore.Open(trainPath), validationStore = NoteStore.Open(validationPath);
        var trainPieces = new StorePieces(trainStore);
        if (!request.Resume) config = TrainJob.WithCorpusInstruments(config, trainPieces, summary).WithTimeValues(FirstNotes(trainPieces, TimeValueNotes));
        InstrumentVocabulary? instruments = config.Vocabulary();
        var trainWindows = new StoreWindows(trainStore, config.SequenceLength, config.Features, instruments, config.PadStart);
        StoreWindows? validationWindows = validationStore.Pieces > 0 ? new StoreWindows(validationStore, config.SequenceLength, config.Features, instruments, config.PadStart) : null;
        TrainJob.RequireBatch(request, trainWindows);
        MusicModel model = MusicModel.Create(config, t.Seed);
        var section = TrainJob.CorpusSection(request, t, config, summary, trainPieces, [], [], trainWindows, validationWindows, method, p => $"store piece {p + 1}");
        section["store"] = new System.Text.Json.Nodes.JsonObject
        {
            ["train"] = Path.GetFullPath(trainPath), ["validation"] = Path.GetFullPath(validationPath),
            ["trainPieces"] = trainStore.Pieces, ["validationPieces"] = validationStore.Pieces,
            ["trainNotes"] = trainStore.Notes, ["validationNotes"] = validationStore.Notes,
        };
        return new PreparedTraining(request, model, summary, [], [], trainWindows, validationWindows, section, method) { Stores = [trainStore, validationStore], Lock = held };
    }

    // the validation side of a piece: a draw from its name and the seed, the same on every run
    private static bool Held(string name, ulong seed, double share)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in name) h = (h ^ c) * 1099511628211UL;
        return new Rng(seed ^ h).NextDouble() < share;
    }

    private static IEnumerable<Note[]> FirstNotes(IEnumerable<Note[]> pieces, int notes)
    {
        long taken = 0;
        foreach (Note[] piece in pieces)
        {
            if (taken >= notes) yield break;
            taken += piece.Length;
            yield return piece;
        }
    }
}
