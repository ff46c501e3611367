using System.Globalization;
using System.Text.Json;
using Cadenza.Notes;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>Reads the notes of a NoteSequence in proto3 JSON (as the Bach Doodle dataset stores them).</summary>
/// <remarks>
/// proto3 JSON writes camelCase names (parsers also accept the proto names, so snake_case is read too), leaves out
/// fields at their default (a missing startTime is 0), and may write 64-bit integers and special doubles as strings.
/// </remarks>
internal static class NoteSequenceJson
{
    /// <summary>Appends the notes of the NoteSequence object <paramref name="sequence"/> to <paramref name="notes"/>.</summary>
    /// <exception cref="FormatException">It is not an object, its notes are not an array of objects, or a value is of the wrong type or out of range.</exception>
    public static void ReadNotes(JsonElement sequence, List<Note> notes)
    {
        if (sequence.ValueKind != JsonValueKind.Object) throw new FormatException($"a NoteSequence is a JSON object, not {Kind(sequence)}");
        if (!sequence.TryGetProperty("notes", out JsonElement list) || list.ValueKind == JsonValueKind.Null) return;
        if (list.ValueKind != JsonValueKind.Array) throw new FormatException($"\"notes\" is {Kind(list)}, not an array");
        foreach (JsonElement element in list.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object) throw new FormatException($"note {notes.Count + 1} is {Kind(element)}, not an object");
            var raw = new NoteSequenceNote();
            foreach (JsonProperty p in element.EnumerateObject())
            {
                if (p.NameEquals("pitch")) raw.Pitch = Integer(p);
                else if (p.NameEquals("velocity")) raw.Velocity = Integer(p);
                else if (p.NameEquals("startTime") || p.NameEquals("start_time")) raw.StartTime = Real(p);
                else if (p.NameEquals("endTime") || p.NameEquals("end_time")) raw.EndTime = Real(p);
                else if (p.NameEquals("instrument")) raw.Instrument = Integer(p);
                else if (p.NameEquals("program")) raw.Program = Integer(p);
                else if (p.NameEquals("isDrum") || p.NameEquals("is_drum")) raw.IsDrum = Boolean(p);
            }
            notes.Add(raw.ToNote(out string? error) ?? throw new FormatException($"note {notes.Count + 1}: {error}"));
        }
    }

    private static long Integer(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Number when p.Value.TryGetInt64(out long v) => v,
        JsonValueKind.String when long.TryParse(p.Value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) => v,
        JsonValueKind.Null => 0,
        _ => throw new FormatException($"\"{p.Name}\" is {p.Value.GetRawText()}, not an integer"),
    };

    private static double Real(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.Number => p.Value.GetDouble(),
        JsonValueKind.String when double.TryParse(p.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
        JsonValueKind.Null => 0,
        _ => throw new FormatException($"\"{p.Name}\" is {p.Value.GetRawText()}, not a number"),
    };

    private static bool Boolean(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw new FormatException($"\"{p.Name}\" is {p.Value.GetRawText()}, not true or false"),
    };

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => e.ValueKind.ToString().ToLowerInvariant(),
    };
}
