using System.Diagnostics;
using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>Reads a folder of MIDI files (recursively: .mid, .midi, .mid.gz, .midi.gz) into per-file note lists, on all cores, through the note cache.</summary>
/// <remarks>A file that cannot be read is skipped and reported with its reason; it never stops the run.</remarks>
public static class CorpusReader
{
    private static readonly string[] Extensions = [".mid", ".midi", ".mid.gz", ".midi.gz"];

    /// <summary>True when <paramref name="path"/> has a MIDI file extension Cadenza reads.</summary>
    public static bool IsMidiPath(string path) =>
        Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>Lists the MIDI files under <paramref name="root"/> (or the file itself), sorted by ordinal path.</summary>
    /// <exception cref="CorpusException">The path does not exist.</exception>
    public static List<string> ListFiles(string root)
    {
        if (File.Exists(root)) return [Path.GetFullPath(root)];
        if (!Directory.Exists(root)) throw new CorpusException($"{root}: no such file or folder");
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
        var files = Directory.EnumerateFiles(root, "*", options).Where(IsMidiPath).Select(Path.GetFullPath).ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads every MIDI file under <paramref name="root"/>.</summary>
    /// <param name="root">A folder (searched recursively) or a single MIDI file.</param>
    /// <param name="options">Reading options; null for the defaults.</param>
    /// <param name="progress">Receives the number of files done so far.</param>
    /// <exception cref="CorpusException">The path does not exist or holds no MIDI file.</exception>
    public static (List<CorpusFile> Files, CorpusSummary Summary) Read(string root, CorpusOptions? options = null, IProgress<int>? progress = null)
    {
        options ??= CorpusOptions.Default;
        var clock = Stopwatch.StartNew();
        List<string> paths = ListFiles(root);
        if (paths.Count == 0) throw new CorpusException($"{root}: no MIDI files (.mid, .midi, .mid.gz) found");
        string baseDir = File.Exists(root) ? Path.GetDirectoryName(Path.GetFullPath(root))! : Path.GetFullPath(root);

        NoteCache? cache = null;
        if (options.UseCache)
        {
            string mode = $"{options.Midi.Instruments}|min{options.MinNotes}";
            cache = NoteCache.Load(NoteCache.PathFor(options.ResolveCacheDirectory(), root, mode));
        }

        var results = new CorpusFile[paths.Count];
        var identities = new (long Size, long MTime)[paths.Count];
        int fromCache = 0, done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };
        Parallel.For(0, paths.Count, parallel, i =>
        {
            string path = paths[i];
            string relative = Path.GetRelativePath(baseDir, path);
            var info = new FileInfo(path);
            long size = info.Exists ? info.Length : -1;
            long mtime = info.Exists ? info.LastWriteTimeUtc.Ticks : 0;
            identities[i] = (size, mtime);
            if (cache != null && cache.TryGet(relative, size, mtime, out NoteCache.Entry hit))
            {
                results[i] = new CorpusFile(relative, hit.Notes, hit.Status, hit.Reason, size);
                Interlocked.Increment(ref fromCache);
            }
            else
            {
                results[i] = ReadOne(path, relative, size, options);
            }
            progress?.Report(Interlocked.Increment(ref done));
        });

        if (cache != null && fromCache < paths.Count)
        {
            try
            {
                cache.Save(results.Select((f, i) => (f.Path, new NoteCache.Entry(identities[i].Size, identities[i].MTime, f.Status, f.Reason, f.Notes))));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // an unwritable cache folder only costs speed next time
            }
        }

        var read = results.Where(f => f.Status != CorpusFileStatus.Skipped).ToList();
        var summary = new CorpusSummary
        {
            Files = results.Length,
            FilesRead = read.Count,
            FilesUsable = read.Count(f => f.Status == CorpusFileStatus.Usable),
            Skipped = results.Where(f => f.Status == CorpusFileStatus.Skipped).ToList(),
            Unusable = results.Where(f => f.Status == CorpusFileStatus.Unusable).ToList(),
            Notes = read.Sum(f => (long)f.Notes.Length),
            Seconds = read.Sum(f => f.Seconds),
            Bytes = results.Sum(f => Math.Max(0, f.Bytes)),
            FromCache = fromCache,
            Elapsed = clock.Elapsed,
        };
        return (results.ToList(), summary);
    }

    /// <summary>Reads one file and classifies it; never throws for a bad file.</summary>
    internal static CorpusFile ReadOne(string path, string relative, long size, CorpusOptions options)
    {
        try
        {
            MidiNotes midi = MidiReader.Read(path, options.Midi);
            Note[] notes = midi.Notes;
            if (notes.Length == 0)
            {
                string why = midi.DrumsOnly ? "drums only" : "no notes";
                return new CorpusFile(relative, notes, CorpusFileStatus.Unusable, why, size);
            }
            if (notes.Length < options.MinNotes)
                return new CorpusFile(relative, notes, CorpusFileStatus.Unusable, $"{notes.Length} notes, fewer than the {options.MinNotes} a training window needs", size);
            return new CorpusFile(relative, notes, CorpusFileStatus.Usable, "", size);
        }
        catch (MidiFormatException e)
        {
            return new CorpusFile(relative, [], CorpusFileStatus.Skipped, e.Problem, size);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // NAudio can fail in ways its documentation does not list; one bad file must not stop a corpus
            return new CorpusFile(relative, [], CorpusFileStatus.Skipped, $"unreadable: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}", size);
        }
    }
}
