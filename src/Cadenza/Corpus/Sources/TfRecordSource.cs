using System.Text.RegularExpressions;
using Cadenza.Corpus.NoteSequences;
using Cadenza.Notes;

namespace Cadenza.Corpus.Sources;

/// <summary>
/// Magenta NoteSequence TFRecord files (<c>*.tfrecord</c>, sharded <c>*.tfrecord-00000-of-00010</c>, gzipped
/// <c>*.tfrecord.gz</c>): one file or a folder of them, streamed a record at a time. Each record is one piece, named
/// "file#n".
/// </summary>
/// <remarks>
/// A file whose name carries a split word (maestro-v3.0.0_train.tfrecord, …-validation-…, …_eval…, …_test…) tags
/// its pieces with that split, as Magenta's MAESTRO TFRecords are named.
/// </remarks>
internal sealed partial class TfRecordSource : ICorpusSource
{
    private readonly List<(string Path, DataSplit? Split)> _files;
    private readonly string _baseDir;

    /// <summary>Opens one TFRecord file or a folder of them.</summary>
    /// <exception cref="CorpusException">There is no TFRecord file.</exception>
    public TfRecordSource(string root)
    {
        Root = root;
        List<string> paths;
        if (File.Exists(root))
        {
            paths = [Path.GetFullPath(root)];
            _baseDir = Path.GetDirectoryName(paths[0])!;
        }
        else
        {
            _baseDir = Path.GetFullPath(root);
            paths = Directory.Exists(root) ? Directory.EnumerateFiles(root).Where(IsTfRecord).Select(Path.GetFullPath).ToList() : [];
            paths.Sort(StringComparer.Ordinal);
            if (paths.Count == 0) throw new CorpusException($"{root}: no TFRecord files (*.tfrecord, *.tfrecord-*)");
        }
        _files = paths.Select(p => (p, SplitOf(Path.GetFileName(p)))).ToList();
        HasSplits = _files.Any(f => f.Split != null);
    }

    [GeneratedRegex(@"(^|[_.\-])(?<split>train|training|validation|valid|eval|test)([_.\-]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SplitWord();

    /// <summary>True for a TFRecord file name.</summary>
    public static bool IsTfRecord(string path) => Path.GetFileName(path).Contains(".tfrecord", StringComparison.OrdinalIgnoreCase);

    /// <summary>The split a file name names, or null.</summary>
    public static DataSplit? SplitOf(string fileName)
    {
        Match m = SplitWord().Match(fileName);
        if (!m.Success) return null;
        return m.Groups["split"].Value.ToLowerInvariant() switch
        {
            "train" or "training" => DataSplit.Train,
            "test" => DataSplit.Test,
            _ => DataSplit.Validation,
        };
    }

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public CorpusSourceKind Kind => CorpusSourceKind.TfRecord;

    /// <inheritdoc/>
    public string Description => _files.Count == 1 ? "NoteSequence TFRecord, 1 file" : $"NoteSequence TFRecords, {_files.Count} files";

    /// <inheritdoc/>
    public bool HasSplits { get; }

    /// <inheritdoc/>
    public int? ExpectedCount(CorpusOptions options) => null;

    /// <inheritdoc/>
    public IEnumerable<CorpusFile> Read(CorpusOptions options, IProgress<int>? progress = null)
    {
        int done = 0;
        var notes = new List<Note>();
        foreach (var (path, split) in _files)
        {
            if (options.Split is { } wanted && split != wanted) continue;
            foreach (CorpusFile piece in ReadFile(path, Path.GetRelativePath(_baseDir, path), split, options, notes))
            {
                yield return piece;
                progress?.Report(++done);
            }
        }
    }

    private static IEnumerable<CorpusFile> ReadFile(string path, string name, DataSplit? split, CorpusOptions options, List<Note> notes)
    {
        Stream? stream = StreamedFile.Open(path, "file", out long? length, out string? unreadable);
        if (stream is null)
        {
            yield return PieceBuilder.Skipped(name, unreadable!, 0, split);
            yield break;
        }
        using Stream data = stream;
        using IEnumerator<TfRecord> records = TfRecordReader.Read(data, length).GetEnumerator();
        int last = 0;
        while (true)
        {
            if (!StreamedFile.Advance(records, "record", last, "file", out string? broken))
            {
                if (broken != null) yield return PieceBuilder.Skipped($"{name}#{last + 1}", broken, 0, split);
                yield break;
            }
            TfRecord record = records.Current;
            last = record.Index;
            string at = $"{name}#{record.Index}";
            if (record.Error != null)
            {
                yield return PieceBuilder.Skipped(at, $"record {record.Index} at byte {record.Offset}: {record.Error}", 0, split);
                continue;
            }
            yield return Piece(record, at, split, options, notes);
        }
    }

    private static CorpusFile Piece(TfRecord record, string at, DataSplit? split, CorpusOptions options, List<Note> notes)
    {
        notes.Clear();   // one list reused for every record: only the selected notes are copied out
        var repairs = new ReadRepairs();
        try
        {
            NoteSequenceProto.ReadNotes(record.Data.Span, notes, ref repairs);
        }
        catch (FormatException e)
        {
            return PieceBuilder.Skipped(at, $"record {record.Index} at byte {record.Offset}: not a valid NoteSequence ({e.Message})", record.Data.Length, split);
        }
        return PieceBuilder.FromNoteSequence(at, notes, record.Data.Length, split, options, repairs);
    }
}
