namespace Cadenza.Instruments;

/// <summary>A re-orchestration: which program (or the drum kit) plays each of a model's instrument classes in the written piece.</summary>
public static class ProgramMap
{
    /// <summary>
    /// Parses <c>FROM=TO,…</c>: FROM names the model's instruments (<see cref="InstrumentVocabulary.Match"/>), TO a
    /// program, GM name, family or drums (<see cref="GeneralMidi.ParseProgram"/>); returns per class the (program,
    /// drum) it is played with, null where unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is not FROM=TO, or either side names nothing.</exception>
    public static (int Program, bool IsDrum)?[] Parse(string map, InstrumentVocabulary vocabulary)
    {
        var result = new (int, bool)?[vocabulary.Count];
        foreach (string entry in map.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] sides = entry.Split('=', StringSplitOptions.TrimEntries);
            if (sides.Length != 2 || sides[0].Length == 0 || sides[1].Length == 0)
                throw new ArgumentException($"'{entry}' is not FROM=TO (e.g. piano=strings, 32=\"Fretless Bass\")");
            int? program = GeneralMidi.ParseProgram(sides[1]);
            foreach (int k in vocabulary.Match(sides[0])) result[k] = (program ?? 0, program is null);
        }
        return result;
    }

    /// <summary>The notes with each one's program and drum flag replaced as <paramref name="map"/> says for its instrument (<see cref="Notes.Note.Instrument"/>, the class).</summary>
    public static Notes.Note[] Apply(IReadOnlyList<Notes.Note> notes, (int Program, bool IsDrum)?[] map) =>
        notes.Select(n => n.Instrument >= 0 && n.Instrument < map.Length && map[n.Instrument] is { } to ? n with { Program = to.Program, IsDrum = to.IsDrum } : n).ToArray();
}
