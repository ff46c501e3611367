using System.Diagnostics;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Notes;

namespace Cadenza.Training;

/// <summary>
/// The training loop: shuffled batches each epoch, Adam, validation, early stopping with best-weight restore,
/// an atomic checkpoint every epoch (and on cancellation), and exact resume.
/// </summary>
/// <remarks>
/// Exact resume: the checkpoint holds the shuffle RNG's state at the start of the epoch and the number of batches
/// done, so a resumed run regenerates the same permutation and continues with the same bits as an uninterrupted one.
/// </remarks>
public sealed class Trainer
{
    private const ulong ShuffleSalt = 0x5348_5546_464C_4531UL;   // separates the shuffle stream from initialisation
    private const ulong AugmentSalt = 0x5452_414E_5350_4F53UL;   // and the transpositions, drawn afresh per batch so a resume redraws them
    private const ulong DropoutSalt = 0x4452_4F50_4F55_5453UL;   // and the dropout masks, likewise

    private readonly MusicModel _model;
    private readonly TrainingConfig _config;
    private readonly IWindowSource _train;
    private readonly IWindowSource? _validation;
    private readonly string _folder;
    private readonly ITrainingObserver _observer;
    private readonly Action<MusicModel, IReadOnlyList<EpochRecord>> _saveModel;

    /// <summary>Prepares a run writing its checkpoint into <paramref name="folder"/>; <paramref name="saveModel"/> writes the model folder with the best weights after each epoch.</summary>
    public Trainer(MusicModel model, TrainingConfig config, IWindowSource train, IWindowSource? validation, string folder,
                   Action<MusicModel, IReadOnlyList<EpochRecord>> saveModel, ITrainingObserver? observer = null)
    {
        config.Validate();
        if (train.Count < config.BatchSize)
            throw new TrainingException($"only {train.Count} training windows, fewer than one batch of {config.BatchSize}; add music or lower --batch-size");
        if (train.SequenceLength != model.Config.SequenceLength)
            throw new TrainingException($"windows of {train.SequenceLength} notes do not fit a model reading {model.Config.SequenceLength}");
        RequireNoteWindows(model.Config);
        foreach (IWindowSource? set in (IWindowSource?[])[train, validation])
            if (set != null && !set.Features.SequenceEqual(model.Config.Features))
                throw new TrainingException($"windows of ({string.Join(", ", set.Features)}) do not fit a model reading ({string.Join(", ", model.Config.Features)})");
        _model = model;
        _config = config;
        _train = train;
        _validation = validation is { Count: > 0 } ? validation : null;
        _folder = folder;
        _saveModel = saveModel;
        _observer = observer ?? new NullObserver();
    }

    /// <summary>Threads the training step uses for this configuration on this machine.</summary>
    public static int EffectiveThreads(TrainingConfig config) => config.Threads > 0 ? config.Threads : Math.Min(2, Environment.ProcessorCount);

    /// <summary>
    /// Training windows are cut from notes (<see cref="ModelConfig.NoteModelProblem"/>); a model that cannot use them
    /// can be imported, inspected and exported, but not trained.
    /// </summary>
    /// <exception cref="TrainingException">The model does not read and predict note features.</exception>
    public static void RequireNoteWindows(ModelConfig config)
    {
        if (config.NoteModelProblem() is { } problem) throw new TrainingException($"cannot train this model: {problem}");
    }

    /// <summary>Trains until the epochs are done, patience runs out or <paramref name="cancel"/> fires.</summary>
    /// <exception cref="TrainingException">A non-finite loss, or an unusable checkpoint on resume.</exception>
    public TrainingResult Run(bool resume, CancellationToken cancel = default)
    {
        ModelConfig mc = _model.Config;
        RequireNoteWindows(mc);
        int heads = mc.Heads.Length;
        var (inputEncodings, labelColumns, labelEncodings) = mc.WindowLayout();
        int batchSize = _config.BatchSize;
        int batches = _train.Count / batchSize;
        float[] weights = _model.Parameters.Values;
        var adam = new Adam(weights.Length, _config.Adam);
        var rng = new Rng(_config.Seed ^ ShuffleSalt);
        var history = new List<EpochRecord>();
        float[] best = (float[])weights.Clone();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, wait = 0, completed = 0, resumeBatch = 0;
        double[] resumeSums = new double[heads + 1];
        double resumeSeconds = 0;
        string monitor = _validation != null ? "val_loss" : "loss";

        if (resume)
        {
            Checkpoint cp = Checkpoint.Load(_folder, _model.Parameters);
            if (!cp.ModelConfig!.SameArchitecture(mc))
                throw new TrainingException($"{Path.Combine(_folder, Checkpoint.FileName)}: checkpoint was made for another architecture; train into a new folder");
            cp.Weights.CopyTo(weights, 0);
            cp.AdamM.CopyTo(adam.M, 0);
            cp.AdamV.CopyTo(adam.V, 0);
            adam.Step = cp.AdamStep;
            rng.SetState(cp.RngAtEpochStart);
            history.AddRange(cp.History);
            best = cp.BestWeights;
            bestLoss = cp.Best;
            bestEpoch = cp.BestEpoch;
            wait = cp.Wait;
            completed = cp.CompletedEpochs;
            resumeBatch = cp.BatchInEpoch;
            if (cp.EpochSums.Length == heads + 1) resumeSums = cp.EpochSums;
            resumeSeconds = cp.EpochSeconds;
            _observer.Message(resumeBatch > 0
                ? $"resuming epoch {completed + 1} at batch {resumeBatch + 1} of {batches}"
                : $"resuming after epoch {completed}");
        }

        int threads = EffectiveThreads(_config);
        using var workers = new BatchGradients(_model, batchSize, threads);
        var validator = _validation != null ? new MusicNetwork(_model, batchSize) : null;
        // windows in memory take a full permutation (the order every earlier run used); a store on disk a block order
        BlockOrder? blocks = _train.ShuffleBlock > 1 ? new BlockOrder(_train.Count, _train.ShuffleBlock) : null;
        var permutation = new int[blocks is null ? _train.Count : batchSize];
        var inputs = new float[batchSize * mc.SequenceLength * mc.InputSize];
        var labels = new float[batchSize * heads];
        var headLosses = new float[heads];
        var shifts = new int[_config.Transpose > 0 ? batchSize : 0];
        var stretches = new float[_config.Stretch > 0 ? batchSize : 0];
        double logStretch = Math.Log(1 + _config.Stretch);
        var articulations = new float[_config.Articulation > 0 ? batchSize : 0];
        double logArticulation = Math.Log(1 + _config.Articulation);
        var augment = new Rng(0);
        bool stoppedEarly = false;

        for (int epoch = completed + 1; epoch <= _config.Epochs; epoch++)
        {
            if (_config.Patience > 0 && wait >= _config.Patience && history.Count > 0) { stoppedEarly = true; break; }
            ulong[] rngAtStart = rng.GetState();
            if (blocks is null)
            {
                for (int i = 0; i < permutation.Length; i++) permutation[i] = i;
                rng.Shuffle(permutation.AsSpan());
            }
            else blocks.Shuffle(rng, BatchSeed(ShuffleSalt, epoch, 0));
            int first = epoch == completed + 1 ? resumeBatch : 0;
            double[] sums = first > 0 ? (double[])resumeSums.Clone() : new double[heads + 1];
            var clock = Stopwatch.StartNew();
            double priorSeconds = first > 0 ? resumeSeconds : 0;
            _observer.EpochStarted(epoch, batches, first);

            for (int b = first; b < batches; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    SaveCheckpoint(epoch - 1, b, sums, priorSeconds + clock.Elapsed.TotalSeconds, rngAtStart, adam, bestLoss, bestEpoch, wait, history, best);
                    _observer.Message($"stopped at epoch {epoch}, batch {b + 1} of {batches}; checkpoint written, continue with --resume");
                    RestoreBest(best, weights, bestEpoch);
                    _saveModel(_model, history);
                    return new TrainingResult(history, bestEpoch, bestLoss, monitor, false, true);
                }
                if (shifts.Length > 0 || stretches.Length > 0 || articulations.Length > 0)
                {
                    augment.Reseed(BatchSeed(AugmentSalt, epoch, b));
                    for (int i = 0; i < shifts.Length; i++) shifts[i] = augment.NextInt(2 * _config.Transpose + 1) - _config.Transpose;
                    // drawn after the shifts, so adding a stretch leaves each window's transposition as it was
                    LogUniform(augment, stretches, logStretch);
                    // and the articulations after both, for the same reason
                    LogUniform(augment, articulations, logArticulation);
                }
                Span<int> batchWindows = blocks is null ? permutation.AsSpan(b * batchSize, batchSize) : permutation;
                blocks?.Take(b * batchSize, batchWindows);
                _train.Fill(batchWindows, inputs, labels, inputEncodings, labelColumns, labelEncodings, shifts, stretches, articulations);
                ulong? dropout = mc.Dropout > 0 ? BatchSeed(DropoutSalt, epoch, b) : null;
                float loss = workers.Compute(inputs, labels, batchSize, headLosses, dropout);
                if (!float.IsFinite(loss))
                {
                    throw new TrainingException($"the loss became {loss} at epoch {epoch}, batch {b + 1}; training stopped, and the last good checkpoint " +
                                                $"(after epoch {epoch - 1}) is kept in {_folder}; try a lower --learning-rate");
                }
                adam.Update(weights, workers.Gradient);
                sums[0] += loss;
                for (int h = 0; h < heads; h++) sums[h + 1] += headLosses[h];
                _observer.BatchDone(epoch, b + 1, batches, batchSize);
            }

            double[] meanHeads = sums.Skip(1).Select(s => s / batches).ToArray();
            double valLoss = double.NaN;
            double[] valHeads = [];
            if (validator != null)
            {
                _observer.ValidationStarted(epoch);
                (valLoss, valHeads) = Evaluate(validator, _validation!, batchSize, labelColumns);
            }
            var record = new EpochRecord(epoch, sums[0] / batches, meanHeads, valLoss, valHeads, priorSeconds + clock.Elapsed.TotalSeconds);
            history.Add(record);
            double monitored = validator != null ? valLoss : record.Loss;
            bool improved = monitored < bestLoss;
            if (improved)
            {
                bestLoss = monitored;
                bestEpoch = epoch;
                wait = 0;
                Array.Copy(weights, best, weights.Length);
            }
            else wait++;
            _observer.EpochDone(record, improved);
            SaveCheckpoint(epoch, 0, new double[heads + 1], 0, rng.GetState(), adam, bestLoss, bestEpoch, wait, history, best);
            SaveBestModel(best, weights);
            if (_config.Patience > 0 && wait >= _config.Patience && epoch < _config.Epochs)
            {
                stoppedEarly = true;
                _observer.Message($"early stop: {monitor} has not improved for {_config.Patience} epochs");
                break;
            }
        }

        RestoreBest(best, weights, bestEpoch);
        _saveModel(_model, history);
        return new TrainingResult(history, bestEpoch, bestLoss, monitor, stoppedEarly, false);
    }

    // the augmentations' scale factors: draws log-uniform in [e^−logHalfWidth, e^logHalfWidth]
    private static void LogUniform(Rng rng, Span<float> factors, double logHalfWidth)
    {
        for (int i = 0; i < factors.Length; i++) factors[i] = (float)Math.Exp((2 * rng.NextDouble() - 1) * logHalfWidth);
    }

    // a stream of its own for each batch of each epoch, so a resumed run draws what the uninterrupted one drew
    private ulong BatchSeed(ulong salt, int epoch, int batch) => _config.Seed ^ salt ^ ((ulong)epoch << 32) ^ (ulong)batch;

    private void SaveBestModel(float[] best, float[] weights)
    {
        // the model folder always holds the best weights so far, so a killed run still leaves a usable model
        float[] current = (float[])weights.Clone();
        Array.Copy(best, weights, weights.Length);
        try { _saveModel(_model, []); }
        finally { Array.Copy(current, weights, weights.Length); }
    }

    private void RestoreBest(float[] best, float[] weights, int bestEpoch)
    {
        if (bestEpoch == 0) return;
        Array.Copy(best, weights, weights.Length);
        _observer.Message($"restored the weights of epoch {bestEpoch}, the best");
    }

    private void SaveCheckpoint(int completed, int batchInEpoch, double[] sums, double seconds, ulong[] rngAtStart, Adam adam,
                                double best, int bestEpoch, int wait, List<EpochRecord> history, float[] bestWeights)
    {
        new Checkpoint
        {
            CompletedEpochs = completed,
            BatchInEpoch = batchInEpoch,
            EpochSums = sums,
            EpochSeconds = seconds,
            RngAtEpochStart = rngAtStart,
            AdamStep = adam.Step,
            Best = best,
            BestEpoch = bestEpoch,
            Wait = wait,
            History = history,
            ModelConfig = _model.Config,
            Weights = _model.Parameters.Values,
            BestWeights = bestWeights,
            AdamM = adam.M,
            AdamV = adam.V,
        }.Save(_folder, _model.Parameters);
    }

    /// <summary>Mean total and per-head loss over every window of <paramref name="set"/>, in batches.</summary>
    public static (double Total, double[] Heads) Evaluate(MusicNetwork network, IWindowSource set, int batchSize, int[] labelColumns)
    {
        ModelConfig mc = network.Model.Config;
        var (inputEncodings, _, labelEncodings) = mc.WindowLayout();
        int heads = mc.Heads.Length;
        batchSize = Math.Min(batchSize, network.MaxBatch);
        var inputs = new float[batchSize * mc.SequenceLength * mc.InputSize];
        var labels = new float[batchSize * heads];
        var indices = new int[batchSize];
        var headLosses = new float[heads];
        double total = 0;
        var sums = new double[heads];
        for (int start = 0; start < set.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, set.Count - start);
            for (int i = 0; i < n; i++) indices[i] = start + i;
            set.Fill(indices.AsSpan(0, n), inputs, labels, inputEncodings, labelColumns, labelEncodings);
            network.Infer(inputs, n, labels);
            total += network.Loss(labels, n, headLosses) * (double)n;
            for (int h = 0; h < heads; h++) sums[h] += headLosses[h] * (double)n;
        }
        return (total / set.Count, sums.Select(s => s / set.Count).ToArray());
    }

    private sealed class NullObserver : ITrainingObserver;
}
