using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Cadenza.Corpus.Datasets;

/// <summary>
/// Downloads one file over HTTP into <c>FILE.part</c>, resuming with a Range request after a cut connection (in this
/// run, or in a later one), then checks its size and checksum and renames it into place.
/// </summary>
/// <remarks>
/// The <c>.part</c> file is only ever appended to, and becomes the target by one rename once it is complete and
/// verified, so an interrupted run leaves either nothing at the target or the whole file.
/// </remarks>
public sealed class Downloader(HttpClient http)
{
    /// <summary>Suffix of the partial file beside the target.</summary>
    public const string PartSuffix = ".part";

    private const int BufferBytes = 1 << 16;

    /// <summary>Fetches <paramref name="url"/> to <paramref name="target"/>, or verifies the file already there.</summary>
    /// <param name="url">What to fetch.</param>
    /// <param name="target">Where the complete file goes.</param>
    /// <param name="expectedSize">The size it must have; null: the length the server declares.</param>
    /// <param name="expectedSha256">The SHA-256 it must have (hex); null: not checked, only reported.</param>
    /// <param name="options">Retries and time limits.</param>
    /// <param name="progress">Receives the bytes on disk after each block.</param>
    /// <param name="cancel">Stops the download; the .part file is kept for a later resume.</param>
    /// <exception cref="DatasetException">The server refuses, the connection keeps failing, or the file is not the expected size or checksum.</exception>
    public async Task<DownloadResult> DownloadAsync(Uri url, string target, long? expectedSize, string? expectedSha256, DownloadOptions? options = null,
                                                    IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= DownloadOptions.Default;
        string? sha = expectedSha256?.Trim().ToLowerInvariant();
        if (File.Exists(target))
        {
            // already downloaded: verify instead of fetching again
            long have = new FileInfo(target).Length;
            if (expectedSize is { } size && have != size)
                throw new DatasetException($"{target}: {have} bytes, expected {size}; delete it to download again");
            string hash = await Sha256Async(target, cancel);
            CheckHash(target, hash, sha, deleteOnMismatch: null);
            return new DownloadResult(target, have, hash, 0, 0, 0);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        string part = target + PartSuffix;
        long resumedFrom = File.Exists(part) ? new FileInfo(part).Length : 0;
        long? total = expectedSize;
        int attempt = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            attempt++;
            try
            {
                total = await FetchAsync(url, part, total, resumedFrom, options, progress, cancel);
                break;
            }
            catch (Exception e) when (IsTransient(e, cancel))
            {
                if (attempt >= options.Attempts)
                {
                    long have = File.Exists(part) ? new FileInfo(part).Length : 0;
                    throw new DatasetException($"{url}: download failed after {attempt} attempt(s) with {have} bytes saved in {part} ({Describe(e)}); run the command again to resume", e);
                }
                TimeSpan wait = options.RetryDelay * Math.Pow(2, attempt - 1);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, cancel);
            }
        }

        long bytes = new FileInfo(part).Length;
        if ((expectedSize ?? total) is { } expected && bytes != expected)
        {
            File.Delete(part);   // a file of the wrong size cannot be resumed into the right one
            throw new DatasetException($"{url}: got {bytes} bytes, expected {expected}; the partial file was removed, run the command again");
        }
        string sha256 = await Sha256Async(part, cancel);
        CheckHash(url.ToString(), sha256, sha, deleteOnMismatch: part);
        File.Move(part, target, overwrite: true);
        return new DownloadResult(target, bytes, sha256, bytes - resumedFrom, resumedFrom, attempt);
    }

    /// <summary>One connection: asks for the bytes after what <paramref name="part"/> holds and appends them; returns the file's full size when known.</summary>
    private async Task<long?> FetchAsync(Uri url, string part, long? total, long resumedFrom, DownloadOptions options,
                                         IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (total is { } known && have == known) return total;   // complete already; only verification is left
        if (total is { } max && have > max) { File.Delete(part); have = 0; }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);

        bool append;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent:
                ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
                if (range?.From != have)
                    throw new DatasetException($"{url}: the server resumed at byte {range?.From?.ToString() ?? "?"} instead of {have}");
                total = range.Length ?? total;
                append = true;
                break;
            case HttpStatusCode.OK:
                // the server ignores Range (or this is a fresh start): take the whole file again
                total = response.Content.Headers.ContentLength ?? total;
                append = false;
                have = 0;
                break;
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                long? size = response.Content.Headers.ContentRange?.Length;
                if (size == have) return size;   // nothing was missing
                File.Delete(part);               // the partial file does not fit the remote one: start over next attempt
                throw new HttpRequestException($"the saved {have} bytes do not fit the remote file ({size?.ToString() ?? "unknown"} bytes); starting over");
            default:
                if ((int)response.StatusCode >= 500) throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                throw new DatasetException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        if (total is { } expected && have > expected) throw new DatasetException($"{url}: the saved {have} bytes are more than the file's {expected}");

        await using Stream body = await response.Content.ReadAsStreamAsync(cancel);
        // unbuffered: the blocks are large already, and a buffer flushed on dispose would raise a full disk's error
        // after the loop has reported it, as if it were the network's
        await using FileStream file = OnDisk(part, () => new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 0));
        var buffer = new byte[BufferBytes];
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        progress?.Report(new DownloadProgress(have, total, resumedFrom));
        while (true)
        {
            stall.CancelAfter(options.StallTimeout);
            int n;
            try
            {
                n = await body.ReadAsync(buffer, stall.Token);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                throw new TimeoutException($"no data for {options.StallTimeout.TotalSeconds:F0} s");
            }
            if (n == 0) break;
            await OnDisk(part, () => file.WriteAsync(buffer.AsMemory(0, n), cancel));
            have += n;
            progress?.Report(new DownloadProgress(have, total, resumedFrom));
        }
        await OnDisk(part, () => new ValueTask(file.FlushAsync(cancel)));
        if (total is { } full && have < full) throw new IOException($"the connection closed after {have} of {full} bytes");
        return total;
    }

    // A full disk or a read-only folder is not the network's fault: retrying cannot help, so it ends the download at
    // once, with the bytes already saved kept for a resume.
    private static DatasetException DiskError(string part, Exception e) =>
        new($"{part}: cannot write the download ({e.Message.ReplaceLineEndings(" ")}); free space or choose another --out, then run the command again to resume", e);

    // the .part file's open, writes and flush: their I/O errors are the disk's, never retried as the network's
    private static T OnDisk<T>(string part, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(part, e);
        }
    }

    private static async ValueTask OnDisk(string part, Func<ValueTask> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DiskError(part, e);
        }
    }

    private static bool IsTransient(Exception e, CancellationToken cancel) =>
        !cancel.IsCancellationRequested && e is HttpRequestException or IOException or TimeoutException
                                         or TaskCanceledException;   // HttpClient's own timeout surfaces as TaskCanceledException

    private static string Describe(Exception e) => (e.InnerException is { } inner && e is HttpRequestException ? $"{e.Message} {inner.Message}" : e.Message).ReplaceLineEndings(" ");

    private static void CheckHash(string what, string actual, string? expected, string? deleteOnMismatch)
    {
        if (expected is null || actual == expected) return;
        if (deleteOnMismatch != null) File.Delete(deleteOnMismatch);
        throw new DatasetException($"{what}: SHA-256 {actual} does not match the expected {expected}{(deleteOnMismatch != null ? "; the download was removed" : "")}");
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancel = default)
    {
        await using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel));
    }
}
