namespace Cadenza.Corpus.Datasets;

/// <summary>What <see cref="DatasetFetch"/> gave: the verified download and, when extracted, the corpus folder.</summary>
/// <param name="Download">The downloaded (or already present) file.</param>
/// <param name="Corpus">The path to give <c>cadenza corpus</c> and <c>cadenza train</c>: the extracted dataset folder, or the zip when not extracted.</param>
/// <param name="Extracted">Files written by the extraction (0 when not extracted).</param>
public sealed record DatasetFetchResult(DownloadResult Download, string Corpus, int Extracted);
