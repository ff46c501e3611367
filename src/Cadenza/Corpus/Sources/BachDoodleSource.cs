using System.Text.Json;
using Cadenza.Corpus.NoteSequences;

namespace Cadenza.Corpus.Sources;

/// <summary>
/// The Bach Doodle dataset: gzipped JSON-lines shards (<c>bach-doodle.jsonl-000NN-of-00192.gz</c>), one session a
/// line, streamed a line at a time.
/// </summary>
/// <remarks>
/// A session's <c>input_sequence</c> and <c>output_sequence</c> are arrays of NoteSequences in proto3 JSON, one pair
/// per harmonisation the user asked for: the user's melody and Coconet's 4-voice harmonisation of it. Each
/// harmonisation (or melody, or both, by <see cref="CorpusOptions.Part"/>) is one piece, named "shard:line" (with
/// ".k" for the k-th of a session and "/melody" or "/harmony" when both are read). Only the current line and the
/// pieces a caller keeps are in memory; a line that is not valid is skipped with its shard and line number.
/// </remarks>
internal sealed class BachDoodleSource : ICorpusSource
{
    private const int MelodyIndex = 0;    // input_sequence: the user's melody
    private const int HarmonyIndex = 1;   // output_sequence: Coconet's harmonisation
    private static readonly string[] Keys = ["input_sequence", "output_sequence"];

    private readonly List<string> _shards;
    private readonly string _baseDir;

    /// <summary>Opens one shard or a folder of shards.</summary>
    /// <exception cref="CorpusException">There is no shard.</exception>
    public BachDoodleSource(string root)
    {
        Root = root;
        if (File.Exists(root))
        {
            _shards = [Path.GetFullPath(root)];
            _baseDir = Path.GetDirectoryName(_shards[0])!;
        }
        else
        {
            _baseDir = Path.GetFullPath(root);
            _shards = Directory.Exists(root) ? Directory.EnumerateFiles(root).Where(IsShard).Select(Path.GetFullPath).ToList() : [];
            _shards.Sort(StringComparer.Ordinal);
            if (_shards.Count == 0) throw new CorpusException($"{root}: no Bach Doodle shards (*.jsonl.gz, bach-doodle.jsonl-*-of-*.gz)");
        }
    }

    /// <summary>True for a JSON-lines file name: *.jsonl, *.jsonl.gz, or a shard such as bach-doodle.jsonl-00000-of-00192.gz.</summary>
    public static bool IsShard(string path)
    {
        string name = Path.GetFileName(path);
        return name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
               || (name.Contains(".jsonl", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public CorpusSourceKind Kind => CorpusSourceKind.BachDoodle;

    /// <inheritdoc/>
    public string Description => _shards.Count == 1 ? "Bach Doodle, 1 shard" : $"Bach Doodle, {_shards.Count} shards";

    /// <inheritdoc/>
    public bool HasSplits => false;

    /// <inheritdoc/>
    public int? ExpectedCount(CorpusOptions options) => null;

    /// <inheritdoc/>
    public IEnumerable<CorpusFile> Read(CorpusOptions options, IProgress<int>? progress = null)
    {
        int done = 0;
        // the lists of the parts not asked for stay null, and their JSON is skipped unread
        SequenceLists?[] sequences =
        [
            options.Part != BachDoodlePart.Harmony ? new SequenceLists() : null,
            options.Part != BachDoodlePart.Melody ? new SequenceLists() : null,
        ];
        foreach (string shard in _shards)
        {
            string name = Path.GetRelativePath(_baseDir, shard);
            foreach (CorpusFile piece in ReadShard(shard, name, options, sequences))
            {
                yield return piece;
                progress?.Report(++done);
            }
        }
    }

    private static IEnumerable<CorpusFile> ReadShard(string path, string name, CorpusOptions options, SequenceLists?[] sequences)
    {
        Stream? text = StreamedFile.Open(path, "shard", out _, out string? unreadable);
        if (text is null)
        {
            yield return PieceBuilder.Skipped(name, unreadable!, 0);
            yield break;
        }
        using (text)
        {
            using IEnumerator<JsonLine> lines = JsonLineReader.Read(text).GetEnumerator();
            long last = 0;
            while (true)
            {
                if (!StreamedFile.Advance(lines, "line", last, "shard", out string? broken))
                {
                    if (broken != null) yield return PieceBuilder.Skipped($"{name}:{last + 1}", broken, 0);
                    yield break;
                }
                JsonLine line = lines.Current;
                last = line.Number;
                if (line.Error != null)
                {
                    yield return PieceBuilder.Skipped($"{name}:{line.Number}", line.Error, 0);
                    continue;
                }
                if (IsBlank(line.Text.Span)) continue;
                foreach (CorpusFile piece in ReadSession(line, name, options, sequences)) yield return piece;
            }
        }
    }

    /// <summary>The pieces of one session line, parsed whole before any is given (a bad line gives one skipped entry, never half its pieces).</summary>
    private static List<CorpusFile> ReadSession(JsonLine line, string shard, CorpusOptions options, SequenceLists?[] sequences)
    {
        string at = $"{shard}:{line.Number}";
        try
        {
            sequences[MelodyIndex]?.Clear();
            sequences[HarmonyIndex]?.Clear();
            NoteSequenceJson.ReadSession(line.Text.Span, Keys, sequences);
        }
        catch (JsonException e)
        {
            return [PieceBuilder.Skipped(at, $"not valid JSON ({e.Message.ReplaceLineEndings(" ")})", line.Text.Length)];
        }
        catch (FormatException e)
        {
            return [PieceBuilder.Skipped(at, e.Message, line.Text.Length)];
        }
        catch (InvalidOperationException e)   // a string that is not valid UTF-8 (or a lone surrogate) where a value was read
        {
            return [PieceBuilder.Skipped(at, $"unreadable value ({e.Message.ReplaceLineEndings(" ")})", line.Text.Length)];
        }
        SequenceLists? melody = sequences[MelodyIndex], harmony = sequences[HarmonyIndex];
        bool both = melody != null && harmony != null;
        int count = Math.Max(melody?.Count ?? 0, harmony?.Count ?? 0);
        var pieces = new List<CorpusFile>(both ? 2 * count : count);
        long bytes = line.Text.Length;   // counted with the line's first piece only, so that sizes add up to the shard's
        for (int k = 0; k < count; k++)
        {
            string name = count > 1 ? $"{at}.{k + 1}" : at;
            if (melody != null && k < melody.Count)
            {
                pieces.Add(PieceBuilder.FromNoteSequence(both ? name + "/melody" : name, melody[k], bytes, null, options, melody.Repairs(k)));
                bytes = 0;
            }
            if (harmony != null && k < harmony.Count)
            {
                pieces.Add(PieceBuilder.FromNoteSequence(both ? name + "/harmony" : name, harmony[k], bytes, null, options, harmony.Repairs(k)));
                bytes = 0;
            }
        }
        return pieces;
    }

    private static bool IsBlank(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }
}
