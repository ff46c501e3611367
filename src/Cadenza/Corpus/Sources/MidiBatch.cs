using System.IO.Compression;
using Cadenza.Midi;

namespace Cadenza.Corpus.Sources;

/// <summary>Reads a list of MIDI files (on disk or in one zip) on all cores through the note cache; shared by the MIDI folder, MAESTRO and zip sources.</summary>
internal static class MidiBatch
{
    /// <summary>Reads every item; a file that cannot be read becomes a skipped entry with its reason, never an exception.</summary>
    /// <param name="cacheRoot">The path the cache file is keyed on (the corpus folder or the zip).</param>
    /// <param name="items">The files, in corpus order; all entries of one zip share its <see cref="MidiItem.Location"/>.</param>
    /// <remarks>
    /// With <see cref="CorpusOptions.MaxPieces"/> the files are read in chunks of <see cref="ChunkFiles"/>, so that a
    /// reader that stops there also stops the parsing; without it, in one batch, the best share of work between threads.
    /// </remarks>
    public static IEnumerable<CorpusFile> Read(string cacheRoot, IReadOnlyList<MidiItem> items, CorpusOptions options, IProgress<int>? progress)
    {
        NoteCache? cache = null;
        if (options.UseCache && !options.Streamed)
        {
            string mode = $"{options.Midi.Instruments}{(options.Midi.Drums ? "+drums" : "")}|min{options.MinNotes}";
            cache = NoteCache.Load(NoteCache.PathFor(options.ResolveCacheDirectory(), cacheRoot, mode));
        }

        int chunk = options.MaxPieces is null && !options.Streamed ? Math.Max(1, items.Count) : ChunkFiles;
        var read = new List<(string Path, NoteCache.Entry Entry)>();
        int fromCache = 0, done = 0;
        bool complete = false;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        try
        {
            for (int lo = 0; lo < items.Count; lo += chunk)
            {
                int first = lo;
                var results = new CorpusFile[Math.Min(chunk, items.Count - lo)];
                // ZipArchive is not thread-safe: each worker opens the zip for itself (cheap: the central directory only)
                Parallel.For(first, first + results.Length, parallel, () => (ZipArchive?)null, (i, _, zip) =>
                {
                    MidiItem item = items[i];
                    if (item.Location.Length == 0)
                    {
                        results[i - first] = PieceBuilder.Skipped(item.Relative, "the metadata names a path outside the dataset folder; not followed", item.Size, item.Split);
                    }
                    else if (cache != null && cache.TryGet(item.Relative, item.Size, item.MTimeTicks, out NoteCache.Entry hit))
                    {
                        results[i - first] = new CorpusFile(item.Relative, hit.Notes, hit.Status, hit.Reason, item.Size, item.Split) { FromCache = true, Warning = hit.Warning };
                        Interlocked.Increment(ref fromCache);
                    }
                    else if (item.Entry is null)
                    {
                        results[i - first] = CorpusReader.ReadOne(item.Location, item.Relative, item.Size, options) with { Split = item.Split };
                    }
                    else
                    {
                        zip ??= OpenZip(item.Location);
                        results[i - first] = ReadEntry(zip, item, options);
                    }
                    progress?.Report(Interlocked.Increment(ref done));
                    return zip;
                }, zip => zip?.Dispose());
                if (cache != null)   // the whole chunk was parsed: all of it is cached, even if the reader stops inside it
                    for (int i = 0; i < results.Length; i++)
                        read.Add((results[i].Path, new NoteCache.Entry(items[first + i].Size, items[first + i].MTimeTicks, results[i].Status, results[i].Reason, results[i].Notes, results[i].Warning)));
                foreach (CorpusFile f in results) yield return f;
            }
            complete = true;
        }
        finally
        {
            if (cache != null && fromCache < read.Count)
            {
                try
                {
                    // a whole corpus read replaces the cache (files gone are forgotten); part of one (a split, or a
                    // read stopped at --max-pieces) adds to it, so that the rest is still a cache hit next time
                    cache.Save(read, replace: complete && options.Split is null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // an unwritable cache folder only costs speed next time; the previous cache file is intact
                    options.CacheWarning?.Invoke($"{cache.FilePath}: the note cache was not saved ({e.Message.ReplaceLineEndings(" ")}); the next read parses the files again");
                }
            }
        }
    }

    /// <summary>Files per parallel batch when the read may stop early.</summary>
    public const int ChunkFiles = 256;

    /// <summary>Opens a zip for reading, turning an unreadable archive into one line naming it.</summary>
    /// <exception cref="CorpusException">The file is missing or not a zip.</exception>
    public static ZipArchive OpenZip(string path)
    {
        try
        {
            ZipArchive zip = ZipFile.OpenRead(path);
            try
            {
                _ = zip.Entries.Count;   // the central directory is read here, not when the archive is opened
            }
            catch
            {
                zip.Dispose();
                throw;
            }
            return zip;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CorpusException($"{path}: not a readable zip ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    private static CorpusFile ReadEntry(ZipArchive zip, MidiItem item, CorpusOptions options) =>
        PieceBuilder.FromMidi(item.Relative, item.Size, item.Split, options, () =>
        {
            ZipArchiveEntry entry = zip.GetEntry(item.Entry!) ?? throw new MidiFormatException(item.Relative, "listed in the metadata but missing from the zip");
            long max = options.Midi.MaxFileBytes;
            if (entry.Length > max) throw new MidiFormatException(item.Relative, $"{entry.Length} bytes is larger than the {max}-byte limit for a MIDI file");
            using Stream raw = entry.Open();
            using Stream data = item.Entry!.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
            return MidiReader.Read(ReadAtMost(data, max, item.Relative), item.Relative, options.Midi);
        });

    private static byte[] ReadAtMost(Stream stream, long max, string source)
    {
        using var output = new MemoryStream();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (output.Length + n > max) throw new MidiFormatException(source, $"decompresses to more than the {max}-byte limit");
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }
}
