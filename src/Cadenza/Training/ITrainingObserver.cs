namespace Cadenza.Training;

/// <summary>Receives training progress (the CLI draws bars and tables from it); every method has a no-op default.</summary>
public interface ITrainingObserver
{
    /// <summary>An epoch begins with <paramref name="batches"/> batches (<paramref name="firstBatch"/> &gt; 0 when resumed mid-epoch).</summary>
    void EpochStarted(int epoch, int batches, int firstBatch) { }

    /// <summary>A batch is done.</summary>
    void BatchDone(int epoch, int batch, int batches, int windows) { }

    /// <summary>Validation of the epoch begins.</summary>
    void ValidationStarted(int epoch) { }

    /// <summary>An epoch is done; <paramref name="improved"/> when the monitored loss reached a new best.</summary>
    void EpochDone(EpochRecord record, bool improved) { }

    /// <summary>A one-line note (early stop, resume, restore).</summary>
    void Message(string text) { }
}
