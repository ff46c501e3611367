using System.Diagnostics;
using System.Text.Json;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Studio;

/// <summary>
/// One training started from the page: runs the CLI's <see cref="TrainJob"/> on a worker thread and keeps its progress
/// as a list of events (JSON), which every listener of <c>GET /api/train/{id}/events</c> replays from the start and
/// then follows, so a page that connects late, or reconnects, still draws the whole loss curve.
/// </summary>
internal sealed class TrainingRun : ITrainingObserver
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(0.5);   // batch events are thinned to this

    private readonly List<string> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastProgress;
    private long _windows, _epochWindowsAtStart;
    private TimeSpan _epochStart;
    private int _epochs;

    public TrainingRun(string id, string modelId, TrainRequest request)
    {
        Id = id;
        ModelId = modelId;
        Request = request;
    }

    /// <summary>The run's id.</summary>
    public string Id { get; }

    /// <summary>The id the new model will have in the model list.</summary>
    public string ModelId { get; }

    /// <summary>What is trained, and where to.</summary>
    public TrainRequest Request { get; }

    /// <summary>True once the run has ended (done, stopped or failed).</summary>
    public bool Finished { get; private set; }

    /// <summary>Completes when the run has ended.</summary>
    public Task Done { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the run on a worker thread.</summary>
    public void Start() => Done = Task.Run(Work);

    /// <summary>Asks the run to stop after the current batch; the checkpoint is written, as with Ctrl+C.</summary>
    public void Stop() => _stop.Cancel();

    private void Work()
    {
        try
        {
            PreparedTraining prepared = TrainJob.Prepare(Request);
            _epochs = Request.Training.Epochs;
            Add(new { type = "started", model = ModelId, pieces = prepared.TrainWindows.Pieces, windows = prepared.TrainWindows.Count, epochs = _epochs, parameters = prepared.Model.ParameterCount });
            TrainingResult result = TrainJob.Run(prepared, this, _stop.Token);
            Add(new { type = result.Cancelled ? "stopped" : "done", model = ModelId, bestEpoch = result.BestEpoch, bestLoss = Finite(result.BestLoss), monitor = result.Monitor });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a bad corpus or a full disk ends this run with its one line; the server goes on
            Add(new { type = "error", message = e.Message.ReplaceLineEndings(" ") });
        }
        finally
        {
            Finished = true;
            Signal();
        }
    }

    void ITrainingObserver.EpochStarted(int epoch, int batches, int firstBatch)
    {
        _epochStart = _clock.Elapsed;
        _epochWindowsAtStart = _windows;
        Add(new { type = "epoch-start", epoch, batches });
    }

    void ITrainingObserver.BatchDone(int epoch, int batch, int batches, int windows)
    {
        _windows += windows;
        TimeSpan now = _clock.Elapsed;
        if (_lastProgress is { } last && now - last < ProgressEvery && batch < batches) return;
        _lastProgress = now;
        double seconds = (now - _epochStart).TotalSeconds;
        double rate = seconds > 0 ? (_windows - _epochWindowsAtStart) / seconds : 0;
        double perBatch = batch > 0 ? seconds / batch : 0;
        double eta = perBatch * ((batches - batch) + (double)Math.Max(0, _epochs - epoch) * batches);   // to the last epoch, if it runs to the end
        Add(new { type = "progress", epoch, batch, batches, windowsPerSecond = Math.Round(rate), etaSeconds = Math.Round(eta) });
    }

    void ITrainingObserver.EpochDone(EpochRecord record, bool improved) =>
        Add(new { type = "epoch", epoch = record.Epoch, loss = Finite(record.Loss), valLoss = record.HasValidation ? Finite(record.ValLoss) : null, seconds = Math.Round(record.Seconds, 2), improved });

    // JSON has no infinity or NaN: a run stopped before its first epoch has no best loss yet, a diverged one a NaN
    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    void ITrainingObserver.Message(string text) => Add(new { type = "message", text });

    private void Add(object e)
    {
        string line = JsonSerializer.Serialize(e, Json);
        lock (_events) _events.Add(line);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource done;
        lock (_events)
        {
            done = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.TrySetResult();
    }

    /// <summary>The events from <paramref name="from"/> on, and a task that completes when more arrive.</summary>
    public (IReadOnlyList<string> Events, Task More) Read(int from)
    {
        lock (_events) return (_events.Skip(from).ToList(), _changed.Task);
    }
}
