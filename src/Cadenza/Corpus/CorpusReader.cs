using System.Diagnostics;
using Cadenza.Corpus.Sources;
using Cadenza.Midi;

namespace Cadenza.Corpus;

/// <summary>
/// Reads a corpus — a folder of MIDI files (recursively: .mid, .midi, .kar, .smf, and those gzipped), a MAESTRO folder or zip,
/// Bach Doodle shards or NoteSequence TFRecords — into per-piece note lists, through <see cref="CorpusSources"/>.
/// </summary>
/// <remarks>A piece that cannot be read is skipped and reported with its reason; it never stops the run.</remarks>
public static class CorpusReader
{
    private static readonly string[] Extensions = [".mid", ".midi", ".kar", ".smf", ".mid.gz", ".midi.gz", ".kar.gz", ".smf.gz"];   // .kar: karaoke MIDI

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

    /// <summary>Reads every piece of the corpus at <paramref name="root"/>, keeping the notes of the usable ones.</summary>
    /// <param name="root">Any path <see cref="CorpusSources.Detect"/> recognises.</param>
    /// <param name="options">Reading options; null for the defaults.</param>
    /// <param name="progress">Receives the number of pieces done so far.</param>
    /// <returns>
    /// The pieces in corpus order: every usable one, and the unusable and skipped ones up to
    /// <see cref="CorpusOptions.MaxListed"/> each; the summary counts them all.
    /// </returns>
    /// <exception cref="CorpusException">The path does not exist, holds nothing readable, or a split is asked of a source without splits.</exception>
    public static (List<CorpusFile> Files, CorpusSummary Summary) Read(string root, CorpusOptions? options = null, IProgress<int>? progress = null) =>
        Read(CorpusSources.Open(root), options, progress);

    /// <summary>Reads every piece of an opened source; see <see cref="Read(string, CorpusOptions?, IProgress{int}?)"/>.</summary>
    public static (List<CorpusFile> Files, CorpusSummary Summary) Read(ICorpusSource source, CorpusOptions? options = null, IProgress<int>? progress = null)
    {
        var files = new List<CorpusFile>();
        CorpusSummary summary = Collect(source, options ?? CorpusOptions.Default, progress, files);
        return (files, summary);
    }

    /// <summary>Reads a source for its summary only: no piece's notes are kept, so a dataset of any size is summarised in flat memory.</summary>
    public static CorpusSummary Summarise(ICorpusSource source, CorpusOptions? options = null, IProgress<int>? progress = null) =>
        Collect(source, options ?? CorpusOptions.Default, progress, keep: null);

    /// <summary>
    /// Reads a source piece by piece, handing each usable piece to <paramref name="usable"/> and keeping none: a corpus
    /// of any size goes through in flat memory (into a note store, for one).
    /// </summary>
    public static CorpusSummary Stream(ICorpusSource source, CorpusOptions options, Action<CorpusFile> usable, IProgress<int>? progress = null) =>
        Collect(source, options, progress, keep: null, usable);

    private static CorpusSummary Collect(ICorpusSource source, CorpusOptions options, IProgress<int>? progress, List<CorpusFile>? keep, Action<CorpusFile>? onUsable = null)
    {
        if (options.Split is { } split && !source.HasSplits)
            throw new CorpusException($"{source.Root}: this source ({source.Description}) has no train/validation/test split; leave out --split {CorpusSources.Name(split)}");
        var clock = Stopwatch.StartNew();
        var skipped = new List<CorpusFile>();
        var unusable = new List<CorpusFile>();
        var warned = new List<CorpusFile>();
        var bySplit = new Dictionary<DataSplit, int>();
        int files = 0, usable = 0, skippedCount = 0, unusableCount = 0, warnedCount = 0, fromCache = 0;
        long notes = 0, bytes = 0;
        double seconds = 0;
        bool stopped = false;
        foreach (CorpusFile piece in source.Read(options, progress))
        {
            if (usable == options.MaxPieces)
            {
                stopped = true;   // leaving the loop disposes the source's reader: the rest is never read
                break;
            }
            files++;
            bytes += Math.Max(0, piece.Bytes);
            if (piece.FromCache) fromCache++;
            if (piece.Warning.Length > 0 && warnedCount++ < options.MaxListed) warned.Add(piece with { Notes = [] });
            if (piece.Status != CorpusFileStatus.Skipped)
            {
                notes += piece.Notes.Length;
                seconds += piece.Seconds;
            }
            switch (piece.Status)
            {
                case CorpusFileStatus.Usable:
                    usable++;
                    if (piece.Split is { } tag) bySplit[tag] = bySplit.GetValueOrDefault(tag) + 1;
                    keep?.Add(piece);
                    onUsable?.Invoke(piece);
                    break;
                case CorpusFileStatus.Unusable:
                    unusableCount++;
                    if (unusable.Count >= options.MaxListed) break;
                    CorpusFile listed = keep is null ? piece with { Notes = [] } : piece;
                    unusable.Add(listed);
                    keep?.Add(listed);
                    break;
                default:
                    skippedCount++;
                    if (skipped.Count >= options.MaxListed) break;
                    skipped.Add(piece);
                    keep?.Add(piece);
                    break;
            }
        }
        return new CorpusSummary
        {
            Source = source.Description,
            Kind = source.Kind,
            StoppedAtMaxPieces = stopped,
            Files = files,
            FilesRead = files - skippedCount,
            FilesUsable = usable,
            Skipped = skipped,
            Unusable = unusable,
            Warned = warned,
            WarnedCount = warnedCount,
            SkippedCount = skippedCount,
            UnusableCount = unusableCount,
            UsableBySplit = bySplit,
            Notes = notes,
            Seconds = seconds,
            Bytes = bytes,
            FromCache = fromCache,
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>Reads one file and classifies it; never throws for a bad file.</summary>
    internal static CorpusFile ReadOne(string path, string relative, long size, CorpusOptions options) =>
        PieceBuilder.FromMidi(relative, size, null, options, () => MidiReader.Read(path, options.Midi));
}
