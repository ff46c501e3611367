namespace Cadenza.Corpus.Datasets;

/// <summary>What a download gave.</summary>
/// <param name="Path">The complete, verified file.</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">Its SHA-256, lower-case hex.</param>
/// <param name="Fetched">Bytes fetched by this run (0 when the file was already there).</param>
/// <param name="ResumedFrom">Bytes that an earlier, interrupted run had fetched.</param>
/// <param name="Attempts">Connections made.</param>
public sealed record DownloadResult(string Path, long Bytes, string Sha256, long Fetched, long ResumedFrom, int Attempts);
