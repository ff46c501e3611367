using System.IO.Compression;
using Cadenza.Midi;

namespace Cadenza.Corpus.Sources;

/// <summary>Reads a list of MIDI files (on disk or in one zip) on all cores through the note cache; shared by the MIDI folder, MAESTRO and zip sources.</summary>
internal static class MidiBatch
{
    /// <summary>Reads every item; a file that cannot be read becomes a skipped entry with its reason, never an exception.</summary>
    /// <param name="cacheRoot">The path the cache file is keyed on (the corpus folder or the zip).</param>
    /// <param name="items">The files, in corpus order; all entries of one zip share its <see cref="MidiItem.Location"/>.</param>
    public static CorpusFile[] Read(string cacheRoot, IReadOnlyList<MidiItem> items, CorpusOptions options, IProgress<int>? progress)
    {
        NoteCache? cache = null;
        if (options.UseCache)
        {
            string mode = $"{options.Midi.Instruments}|min{options.MinNotes}";
            cache = NoteCache.Load(NoteCache.PathFor(options.ResolveCacheDirectory(), cacheRoot, mode));
        }

        var results = new CorpusFile[items.Count];
        int fromCache = 0, done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        // ZipArchive is not thread-safe: each worker opens the zip for itself (cheap: the central directory only)
        Parallel.For(0, items.Count, parallel, () => (ZipArchive?)null, (i, _, zip) =>
        {
            MidiItem item = items[i];
            if (item.Location.Length == 0)
            {
                results[i] = PieceBuilder.Skipped(item.Relative, "the metadata names a path outside the dataset folder; not followed", item.Size, item.Split);
            }
            else if (cache != null && cache.TryGet(item.Relative, item.Size, item.MTimeTicks, out NoteCache.Entry hit))
            {
                results[i] = new CorpusFile(item.Relative, hit.Notes, hit.Status, hit.Reason, item.Size, item.Split) { FromCache = true };
                Interlocked.Increment(ref fromCache);
            }
            else if (item.Entry is null)
            {
                results[i] = CorpusReader.ReadOne(item.Location, item.Relative, item.Size, options) with { Split = item.Split };
            }
            else
            {
                zip ??= OpenZip(item.Location);
                results[i] = ReadEntry(zip, item, options);
            }
            progress?.Report(Interlocked.Increment(ref done));
            return zip;
        }, zip => zip?.Dispose());

        if (cache != null && fromCache < items.Count)
        {
            try
            {
                // one split read: the other splits' entries stay, so that reading them next is still a cache hit
                cache.Save(results.Select((f, i) => (f.Path, new NoteCache.Entry(items[i].Size, items[i].MTimeTicks, f.Status, f.Reason, f.Notes))),
                           replace: options.Split is null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // an unwritable cache folder only costs speed next time
            }
        }
        return results;
    }

    /// <summary>Opens a zip for reading, turning an unreadable archive into one line naming it.</summary>
    /// <exception cref="CorpusException">The file is missing or not a zip.</exception>
    public static ZipArchive OpenZip(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
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
