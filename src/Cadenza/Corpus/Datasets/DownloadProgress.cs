namespace Cadenza.Corpus.Datasets;

/// <summary>How far a download is.</summary>
/// <param name="Received">Bytes of the file on disk so far (including what an earlier, interrupted run fetched).</param>
/// <param name="Total">The file's full size when the server said it; null otherwise.</param>
/// <param name="ResumedFrom">Bytes that were already on disk when this run started (0 for a fresh download).</param>
public readonly record struct DownloadProgress(long Received, long? Total, long ResumedFrom);
