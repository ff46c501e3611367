namespace Cadenza.Corpus.Datasets;

/// <summary>A dataset that cannot be downloaded, verified or extracted; one line naming the URL, file or entry and the problem.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);
