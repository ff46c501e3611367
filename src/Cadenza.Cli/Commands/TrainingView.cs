using System.Diagnostics;
using Cadenza.Model;
using Cadenza.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Cadenza.Cli.Commands;

/// <summary>Draws training progress: a live table with a row per epoch and a bar (windows/s, ETA) for the running one; plain lines when not interactive.</summary>
internal sealed class TrainingView(ModelConfig model, bool validation, int batchSize) : ITrainingObserver
{
    private readonly Table _table = CreateTable(model, validation);
    private readonly Stopwatch _epochClock = new();
    private readonly Stopwatch _refresh = Stopwatch.StartNew();
    private LiveDisplayContext? _live;
    private int _epoch, _batches, _firstBatch, _done;
    private string _status = "";
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive;

    private static Table CreateTable(ModelConfig model, bool validation)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumns("epoch", "loss");
        foreach (HeadConfig h in model.Heads) t.AddColumn(h.Name);
        if (validation) { t.AddColumn("val_loss"); t.AddColumn("val_pitch"); }
        t.AddColumns("time", "windows/s", "");
        return t;
    }

    /// <summary>Runs <paramref name="work"/> under the live display.</summary>
    public T Run<T>(Func<T> work)
    {
        if (!_interactive) return work();
        T result = default!;
        AnsiConsole.Live(_table).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(ctx =>
        {
            _live = ctx;
            try { result = work(); }
            finally { _table.Caption(""); ctx.Refresh(); _live = null; }
        });
        return result;
    }

    public void EpochStarted(int epoch, int batches, int firstBatch)
    {
        _epoch = epoch; _batches = batches; _firstBatch = firstBatch; _done = firstBatch;
        _epochClock.Restart();
        Update("");
    }

    public void BatchDone(int epoch, int batch, int batches, int windows)
    {
        _done = batch;
        if (_refresh.ElapsedMilliseconds < 100 && batch < batches) return;
        _refresh.Restart();
        Update("");
    }

    public void ValidationStarted(int epoch) => Update("validating…");

    public void EpochDone(EpochRecord r, bool improved)
    {
        double rate = (_batches - _firstBatch) * (double)batchSize / Math.Max(1e-9, _epochClock.Elapsed.TotalSeconds);
        var cells = new List<string> { r.Epoch.ToString(), Ui.F(r.Loss, 4) };
        cells.AddRange(r.HeadLosses.Select(v => Ui.F(v, 4)));
        if (validation)
        {
            cells.Add(r.HasValidation ? Ui.F(r.ValLoss, 4) : "");
            int pitch = Array.FindIndex(model.Heads, h => h.Name == "pitch");
            cells.Add(r.HasValidation && pitch >= 0 ? Ui.F(r.ValHeadLosses[pitch], 4) : "");
        }
        cells.Add($"{r.Seconds:F1}s");
        cells.Add(Ui.N((long)rate));
        cells.Add(improved ? "best" : "");
        if (_interactive)
        {
            _table.AddRow(cells.Select(c => (IRenderable)new Text(c)).ToArray());
            Update("");
        }
        else
        {
            Console.WriteLine($"epoch {r.Epoch} ({_batches} batches): loss {Ui.F(r.Loss, 4)} ({string.Join(", ", model.Heads.Select((h, i) => $"{h.Name} {Ui.F(r.HeadLosses[i], 4)}"))})"
                              + (r.HasValidation ? $", val_loss {Ui.F(r.ValLoss, 4)}" : "") + $", {r.Seconds:F1}s, {Ui.N((long)rate)} windows/s{(improved ? ", best" : "")}");
        }
    }

    public void Message(string text)
    {
        if (_interactive && _live != null) { _status = text; Update(""); }
        else Console.WriteLine(text);
    }

    private void Update(string phase)
    {
        if (_live == null) return;
        double seconds = _epochClock.Elapsed.TotalSeconds;
        int done = _done - _firstBatch;
        double rate = seconds > 0 ? done * (double)batchSize / seconds : 0;
        double eta = done > 0 ? (_batches - _done) * seconds / done : 0;
        double fraction = _batches > 0 ? (double)_done / _batches : 0;
        int width = 30, filled = (int)Math.Round(fraction * width);
        string bar = new string('█', filled) + new string('░', width - filled);
        string line = phase.Length > 0 ? $"epoch {_epoch}: {phase}" :
            $"epoch {_epoch} {bar} {fraction:P0} {_done}/{_batches} batches, {Ui.N((long)rate)} windows/s, ETA {Ui.Duration(eta)}";
        _table.Caption(Markup.Escape(_status.Length > 0 ? $"{line}  ({_status})" : line));
        _live.Refresh();
    }
}
