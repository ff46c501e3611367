using System.Net;

namespace Cadenza.Corpus.Datasets;

/// <summary>The <c>dataset download</c> job: fetch a known dataset (resuming, verifying), then extract it safely.</summary>
public static class DatasetFetch
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An HTTP client for large downloads: no overall timeout (stalls are caught per read), no transparent decompression (it would break byte ranges).</summary>
    public static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, AutomaticDecompression = DecompressionMethods.None };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Cadenza/1.0");
        return client;
    }

    /// <summary>Downloads <paramref name="dataset"/> into <paramref name="folder"/> and, unless told not to, extracts it there.</summary>
    /// <param name="dataset">What to fetch.</param>
    /// <param name="folder">Where the zip and the extracted dataset go.</param>
    /// <param name="url">Another address for the same file (a mirror); null for the official one.</param>
    /// <param name="extract">Extract the zip (it can also be read in place).</param>
    /// <param name="options">Retries, limits and checks.</param>
    /// <param name="http">The client to use; null for <see cref="CreateClient"/>.</param>
    /// <param name="download">Download progress.</param>
    /// <param name="extracted">Extraction progress (files written).</param>
    /// <param name="cancel">Stops the download (resumable) or the extraction.</param>
    /// <exception cref="DatasetException">The download or the extraction failed; the message says which and how to go on.</exception>
    public static async Task<DatasetFetchResult> RunAsync(DatasetInfo dataset, string folder, Uri? url = null, bool extract = true, DownloadOptions? options = null,
                                                         HttpClient? http = null, IProgress<DownloadProgress>? download = null, IProgress<int>? extracted = null,
                                                         CancellationToken cancel = default)
    {
        options ??= DownloadOptions.Default;
        string zip = Path.Combine(folder, dataset.FileName);
        HttpClient client = http ?? CreateClient();
        DownloadResult result;
        try
        {
            result = await new Downloader(client).DownloadAsync(url ?? dataset.Url, zip, options.Size ?? dataset.Size, options.Sha256 ?? dataset.Sha256, options, download, cancel);
        }
        finally
        {
            if (http is null) client.Dispose();
        }
        if (!extract) return new DatasetFetchResult(result, zip, 0);
        int files = ZipExtractor.Extract(zip, folder, extracted);
        // the MAESTRO zips hold one folder named like the zip (maestro-v3.0.0/); point at it when it is there
        string inner = Path.Combine(folder, dataset.FileName.Replace("-midi.zip", "", StringComparison.OrdinalIgnoreCase).Replace(".zip", "", StringComparison.OrdinalIgnoreCase));
        return new DatasetFetchResult(result, Directory.Exists(inner) ? inner : folder, files);
    }
}
