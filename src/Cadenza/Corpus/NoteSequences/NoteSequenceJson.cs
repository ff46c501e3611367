using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Cadenza.Notes;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>Reads the notes of NoteSequences in proto3 JSON, as the Bach Doodle dataset stores them, with a forward-only <see cref="Utf8JsonReader"/> (no document is built).</summary>
/// <remarks>
/// proto3 JSON writes camelCase names (parsers also accept the proto names, so snake_case is read too), leaves out
/// fields at their default (a missing startTime is 0), and may write 64-bit integers and special doubles as strings.
/// Fields other than the note fields Cadenza uses are skipped unread.
/// </remarks>
internal static class NoteSequenceJson
{
    /// <summary>
    /// Reads one Bach Doodle session line: for each of <paramref name="keys"/> that the caller wants (a null list is
    /// not wanted), the notes of every NoteSequence in the session's array under that key (a single object counts as
    /// an array of one), into the lists of <paramref name="into"/>, reused from line to line.
    /// </summary>
    /// <exception cref="JsonException">The line is not valid JSON.</exception>
    /// <exception cref="FormatException">The JSON is not a session: not an object, a wanted key missing or of the wrong shape, a note value of the wrong type (values out of range are repaired: see <see cref="NoteSequenceNote.ToNote"/>).</exception>
    public static void ReadSession(ReadOnlySpan<byte> json, ReadOnlySpan<string> keys, SequenceLists?[] into)
    {
        Span<bool> seen = stackalloc bool[keys.Length];
        var r = new Utf8JsonReader(json);
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject) throw new FormatException("a session is a JSON object");
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            int k = -1;
            for (int i = 0; i < keys.Length; i++)
                if (into[i] != null && r.ValueTextEquals(keys[i])) k = i;
            r.Read();
            if (k < 0)
            {
                r.Skip();
                continue;
            }
            seen[k] = true;
            ReadSequences(ref r, keys[k], into[k]!);
        }
        if (r.Read()) throw new FormatException("text after the session object");
        for (int i = 0; i < keys.Length; i++)
            if (into[i] != null && !seen[i]) throw new FormatException($"no \"{keys[i]}\"");
    }

    private static void ReadSequences(ref Utf8JsonReader r, string key, SequenceLists into)
    {
        if (r.TokenType == JsonTokenType.StartObject)
        {
            ReadSequence(ref r, $"{key}[0]", into.Next(), ref into.LastRepairs);
            return;
        }
        if (r.TokenType != JsonTokenType.StartArray) throw new FormatException($"\"{key}\" is not an array of NoteSequences");
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            string where = $"{key}[{into.Count}]";
            if (r.TokenType != JsonTokenType.StartObject) throw new FormatException($"{where}: a NoteSequence is a JSON object, not {Kind(r.TokenType)}");
            ReadSequence(ref r, where, into.Next(), ref into.LastRepairs);
        }
    }

    private static void ReadSequence(ref Utf8JsonReader r, string where, List<Note> notes, ref ReadRepairs repairs)
    {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            bool isNotes = r.ValueTextEquals("notes"u8);
            r.Read();
            if (!isNotes || r.TokenType == JsonTokenType.Null)
            {
                r.Skip();
                continue;
            }
            if (r.TokenType != JsonTokenType.StartArray) throw new FormatException($"{where}: \"notes\" is {Kind(r.TokenType)}, not an array");
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                if (r.TokenType != JsonTokenType.StartObject) throw new FormatException($"{where}: note {notes.Count + 1} is {Kind(r.TokenType)}, not an object");
                NoteSequenceNote raw = ReadNote(ref r, where, notes.Count + 1);
                if (raw.ToNote(ref repairs) is { } note) notes.Add(note);
            }
        }
    }

    private static NoteSequenceNote ReadNote(ref Utf8JsonReader r, string where, int number)
    {
        var raw = new NoteSequenceNote();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("pitch"u8)) raw.Pitch = Integer(ref r, "pitch", where, number);
            else if (r.ValueTextEquals("velocity"u8)) raw.Velocity = Integer(ref r, "velocity", where, number);
            else if (r.ValueTextEquals("startTime"u8) || r.ValueTextEquals("start_time"u8)) raw.StartTime = Real(ref r, "startTime", where, number);
            else if (r.ValueTextEquals("endTime"u8) || r.ValueTextEquals("end_time"u8)) raw.EndTime = Real(ref r, "endTime", where, number);
            else if (r.ValueTextEquals("instrument"u8)) raw.Instrument = Integer(ref r, "instrument", where, number);
            else if (r.ValueTextEquals("program"u8)) raw.Program = Integer(ref r, "program", where, number);
            else if (r.ValueTextEquals("isDrum"u8) || r.ValueTextEquals("is_drum"u8)) raw.IsDrum = Boolean(ref r, "isDrum", where, number);
            else
            {
                r.Read();
                r.Skip();
            }
        }
        return raw;
    }

    private static long Integer(ref Utf8JsonReader r, string name, string where, int number)
    {
        r.Read();
        switch (r.TokenType)
        {
            case JsonTokenType.Number when r.TryGetInt64(out long v):
                return v;
            case JsonTokenType.Number when r.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < long.MaxValue:
                return (long)d;   // proto3 JSON parsers accept integral values written as floats ("60.0")
            case JsonTokenType.String when !r.ValueIsEscaped && Utf8Parser.TryParse(r.ValueSpan, out long s, out int used) && used == r.ValueSpan.Length:
                return s;         // int64 as a string, as proto3 JSON writes it
            case JsonTokenType.Null:
                return 0;
            default:
                throw new FormatException($"{where}: note {number}: \"{name}\" is {Raw(ref r)}, not an integer");
        }
    }

    private static double Real(ref Utf8JsonReader r, string name, string where, int number)
    {
        r.Read();
        switch (r.TokenType)
        {
            case JsonTokenType.Number:
                return r.GetDouble();
            case JsonTokenType.String when double.TryParse(r.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v):
                return v;         // "NaN", "Infinity" or a number as text; checked against the note's rules later
            case JsonTokenType.Null:
                return 0;
            default:
                throw new FormatException($"{where}: note {number}: \"{name}\" is {Raw(ref r)}, not a number");
        }
    }

    private static bool Boolean(ref Utf8JsonReader r, string name, string where, int number)
    {
        r.Read();
        return r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False or JsonTokenType.Null => false,
            _ => throw new FormatException($"{where}: note {number}: \"{name}\" is {Raw(ref r)}, not true or false"),
        };
    }

    private static string Raw(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => $"\"{r.GetString()}\"",
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(r.ValueSpan),
        _ => Kind(r.TokenType),
    };

    private static string Kind(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => t.ToString().ToLowerInvariant(),
    };
}
