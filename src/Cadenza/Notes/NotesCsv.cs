using System.Globalization;
using System.Text;
using Cadenza.Instruments;

namespace Cadenza.Notes;

/// <summary>Reads and writes the notes CSV: <c>pitch,start,end,step,duration,velocity</c>, seconds, invariant culture.</summary>
public static class NotesCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "pitch,start,end,step,duration,velocity";

    /// <summary>The paper's Figure 4 column order, used for generated pieces.</summary>
    public static readonly string[] GeneratedColumns = ["pitch", "step", "duration", "start", "end"];

    private static readonly string[] StandardColumns = Header.Split(',');

    /// <summary>The columns an ensemble adds: the instrument's name and its General MIDI program.</summary>
    public static readonly string[] InstrumentColumns = ["instrument", "program"];

    private static readonly string[] KnownColumns = [.. StandardColumns, .. InstrumentColumns];

    /// <summary>Writes notes (sorted by start) as CSV with shortest round-trip doubles, in the standard or the given column order.</summary>
    /// <exception cref="ArgumentException">A column is not one of pitch, start, end, step, duration, velocity, instrument, program.</exception>
    /// <param name="origin">For generated pieces: the time the first note's step is measured from (the paper's
    /// Figure 4 shows the first step as its start); null gives the first note a step of 0, as pretty_midi does.</param>
    /// <param name="instrumentNames">The instrument column's name for each instrument number; null or missing: the GM name of the note's program.</param>
    public static void Write(TextWriter writer, ReadOnlySpan<Note> notes, IReadOnlyList<string>? columns = null, double? origin = null, IReadOnlyList<string>? instrumentNames = null)
    {
        columns ??= StandardColumns;
        foreach (string c in columns)
            if (Array.IndexOf(KnownColumns, c) < 0) throw new ArgumentException($"unknown notes column '{c}'", nameof(columns));
        writer.Write(string.Join(',', columns));
        writer.Write('\n');
        var line = new StringBuilder(96);
        for (int i = 0; i < notes.Length; i++)
        {
            ref readonly Note n = ref notes[i];
            line.Clear();
            for (int c = 0; c < columns.Count; c++)
            {
                if (c > 0) line.Append(',');
                line.Append(columns[c] switch
                {
                    "pitch" => n.Pitch.ToString(CultureInfo.InvariantCulture),
                    "start" => n.Start.ToString("R", CultureInfo.InvariantCulture),
                    "end" => n.End.ToString("R", CultureInfo.InvariantCulture),
                    "step" => (i == 0 && origin is double o ? n.Start - o : NoteFeatures.Step(notes, i)).ToString("R", CultureInfo.InvariantCulture),
                    "duration" => (n.End - n.Start).ToString("R", CultureInfo.InvariantCulture),
                    "velocity" => n.Velocity.ToString(CultureInfo.InvariantCulture),
                    "program" => n.Program.ToString(CultureInfo.InvariantCulture),
                    _ => InstrumentName(n, instrumentNames),
                });
            }
            line.Append('\n');
            writer.Write(line);
        }
    }

    // a CSV cell: the name without commas or quotes, so every row splits on commas alone
    private static string InstrumentName(in Note n, IReadOnlyList<string>? names) =>
        (names != null && n.Instrument >= 0 && n.Instrument < names.Count ? names[n.Instrument] : GeneralMidi.Name(n.Program, n.IsDrum)).Replace(',', ' ').Replace('"', ' ');

    /// <summary>Returns the CSV text of <paramref name="notes"/>.</summary>
    public static string ToString(ReadOnlySpan<Note> notes)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Write(sw, notes);
        return sw.ToString();
    }

    /// <summary>Reads a notes CSV (columns found by header name; pitch, start and end are required; an instrument named Drums is the drum kit).</summary>
    /// <exception cref="FormatException">A required column is missing or a value does not parse.</exception>
    public static List<Note> Read(TextReader reader, string sourceName = "notes CSV")
    {
        string? header = reader.ReadLine() ?? throw new FormatException($"{sourceName}: empty file, expected the header '{Header}'");
        string[] columns = header.Trim().Split(',');
        int Col(string name) => Array.FindIndex(columns, c => c.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        int pitch = Col("pitch"), start = Col("start"), end = Col("end"), velocity = Col("velocity"), program = Col("program"), instrument = Col("instrument");
        if (pitch < 0 || start < 0 || end < 0)
            throw new FormatException($"{sourceName}: header must name pitch, start and end columns, got '{header}'");
        var notes = new List<Note>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string[] cells = line.Split(',');
            try
            {
                notes.Add(new Note(
                    int.Parse(cells[pitch], CultureInfo.InvariantCulture),
                    double.Parse(cells[start], CultureInfo.InvariantCulture),
                    double.Parse(cells[end], CultureInfo.InvariantCulture),
                    velocity >= 0 ? int.Parse(cells[velocity], CultureInfo.InvariantCulture) : Note.DefaultVelocity,
                    program >= 0 ? Math.Clamp(int.Parse(cells[program], CultureInfo.InvariantCulture), 0, 127) : 0,
                    isDrum: instrument >= 0 && cells[instrument].Trim() == GeneralMidi.DrumsName));
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new FormatException($"{sourceName}: line {lineNumber} is not a valid note row: '{line}'");
            }
        }
        return notes;
    }

    /// <summary>Reads a notes CSV file.</summary>
    public static List<Note> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }
}
