namespace Cadenza.Corpus.Datasets;

/// <summary>How a download behaves when the network does not.</summary>
public sealed record DownloadOptions
{
    /// <summary>The defaults: 5 attempts, 2 s apart at first, a 60 s stall limit.</summary>
    public static DownloadOptions Default { get; } = new();

    /// <summary>Tries per run; each one after the first resumes where the last stopped.</summary>
    public int Attempts { get; init; } = 5;

    /// <summary>Wait before the second try; doubled for each later one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A connection that delivers nothing for this long is given up (and resumed by the next attempt).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The expected size, overriding the dataset's; null: the dataset's, else the server's length.</summary>
    public long? Size { get; init; }

    /// <summary>The expected SHA-256 in hex, overriding the dataset's; null: the dataset's, else none.</summary>
    public string? Sha256 { get; init; }
}
