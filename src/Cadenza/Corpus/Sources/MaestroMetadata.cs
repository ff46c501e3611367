using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cadenza.Corpus.Sources;

/// <summary>
/// Reads MAESTRO's metadata (v2.0.0 and v3.0.0; CSV or JSON): which MIDI files belong to the dataset and their split.
/// </summary>
/// <remarks>
/// The CSV has the columns canonical_composer, canonical_title, split, year, midi_filename, audio_filename, duration
/// (RFC 4180 quoting: titles contain commas and quotes). v2's JSON is an array of row objects with the same keys;
/// v3's is column-oriented: <c>{"split": {"0": "train", …}, "midi_filename": {"0": "…"}, …}</c>.
/// </remarks>
internal static partial class MaestroMetadata
{
    private const string MidiColumn = "midi_filename";
    private const string SplitColumn = "split";
    private const string ComposerColumn = "canonical_composer";
    private const string TitleColumn = "canonical_title";

    /// <summary>Matches a metadata file name and captures the version: maestro-v3.0.0.csv → 3.0.0.</summary>
    [GeneratedRegex(@"^maestro-v(?<version>\d+(\.\d+)*)\.(csv|json)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex FileName();

    /// <summary>The version in a metadata file name ("3.0.0"), or null when the name is not one.</summary>
    public static string? VersionOf(string fileName)
    {
        Match m = FileName().Match(Path.GetFileName(fileName));
        return m.Success ? m.Groups["version"].Value : null;
    }

    /// <summary>The metadata file in <paramref name="folder"/> (the CSV when both are there), or null.</summary>
    public static string? FindIn(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var found = Directory.EnumerateFiles(folder).Where(f => VersionOf(f) != null).ToList();
        found.Sort(StringComparer.Ordinal);
        return found.FirstOrDefault(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) ?? found.FirstOrDefault();
    }

    /// <summary>Parses metadata; <paramref name="source"/> names it in errors, and its extension picks CSV or JSON.</summary>
    /// <exception cref="CorpusException">The metadata is not valid CSV/JSON or lacks the midi_filename column.</exception>
    public static List<MaestroRow> Parse(Stream data, string source)
    {
        try
        {
            return source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(data, source) : ParseCsv(data, source);
        }
        catch (JsonException e)
        {
            throw new CorpusException($"{source}: not valid MAESTRO JSON metadata ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or DecoderFallbackException or InvalidOperationException)
        {
            throw new CorpusException($"{source}: cannot read the MAESTRO metadata ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>The split a metadata value names; null for an unknown one.</summary>
    public static DataSplit? ParseSplit(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "train" => DataSplit.Train,
        "validation" => DataSplit.Validation,
        "test" => DataSplit.Test,
        _ => null,
    };

    private static List<MaestroRow> ParseCsv(Stream data, string source)
    {
        using var reader = new StreamReader(data, new UTF8Encoding(false, throwOnInvalidBytes: true));
        List<List<string>> records = ReadCsv(reader, source);
        if (records.Count == 0) throw new CorpusException($"{source}: empty metadata file");
        List<string> header = records[0];
        int midi = header.IndexOf(MidiColumn), split = header.IndexOf(SplitColumn);
        int composer = header.IndexOf(ComposerColumn), title = header.IndexOf(TitleColumn);
        if (midi < 0) throw new CorpusException($"{source}: no {MidiColumn} column in the header (found: {string.Join(", ", header)})");
        var rows = new List<MaestroRow>(records.Count - 1);
        for (int r = 1; r < records.Count; r++)
        {
            List<string> f = records[r];
            if (f.Count == 1 && f[0].Length == 0) continue;   // a blank line
            if (midi >= f.Count || f[midi].Length == 0) throw new CorpusException($"{source}: record {r + 1} has no {MidiColumn}");
            string Get(int i) => i >= 0 && i < f.Count ? f[i] : "";
            rows.Add(new MaestroRow(f[midi], ParseSplit(Get(split)), Get(composer), Get(title)));
        }
        return rows;
    }

    /// <summary>RFC 4180: fields separated by commas, quoted fields may hold commas, line breaks and doubled quotes.</summary>
    private static List<List<string>> ReadCsv(TextReader reader, string source)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, fieldStarted = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            if (quoted)
            {
                if (ch != '"') { field.Append(ch); continue; }
                if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                else quoted = false;
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = fieldStarted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    records.Add(record);
                    record = [];
                    field.Clear();
                    fieldStarted = false;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
        if (quoted) throw new CorpusException($"{source}: a quoted field is not closed before the end of the file");
        if (fieldStarted || field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }
        return records;
    }

    private static List<MaestroRow> ParseJson(Stream data, string source)
    {
        using JsonDocument doc = JsonDocument.Parse(data);
        JsonElement root = doc.RootElement;
        var rows = new List<MaestroRow>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            // v2: one object per performance
            int r = 0;
            foreach (JsonElement row in root.EnumerateArray())
            {
                r++;
                if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(MidiColumn, out JsonElement midi) || midi.ValueKind != JsonValueKind.String)
                    throw new CorpusException($"{source}: entry {r} has no {MidiColumn}");
                rows.Add(new MaestroRow(midi.GetString()!, ParseSplit(Text(row, SplitColumn)), Text(row, ComposerColumn) ?? "", Text(row, TitleColumn) ?? ""));
            }
            return rows;
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(MidiColumn, out JsonElement files) || files.ValueKind != JsonValueKind.Object)
            throw new CorpusException($"{source}: expected an array of rows (v2) or an object of columns with \"{MidiColumn}\" (v3)");
        // v3: columns keyed by row index ("0", "1", …); rows are listed in index order
        JsonElement? Column(string name) => root.TryGetProperty(name, out JsonElement c) && c.ValueKind == JsonValueKind.Object ? c : null;
        JsonElement? splits = Column(SplitColumn), composers = Column(ComposerColumn), titles = Column(TitleColumn);
        var indexed = new List<(long Index, MaestroRow Row)>();
        foreach (JsonProperty p in files.EnumerateObject())
        {
            if (!long.TryParse(p.Name, out long index) || p.Value.ValueKind != JsonValueKind.String)
                throw new CorpusException($"{source}: {MidiColumn} entry \"{p.Name}\" is not a row index with a file name");
            indexed.Add((index, new MaestroRow(p.Value.GetString()!, ParseSplit(Text(splits, p.Name)), Text(composers, p.Name) ?? "", Text(titles, p.Name) ?? "")));
        }
        return indexed.OrderBy(x => x.Index).Select(x => x.Row).ToList();
    }

    private static string? Text(JsonElement? obj, string key) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
