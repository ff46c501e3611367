using System.Globalization;
using System.Text;

namespace Cadenza.Notes;

/// <summary>Reads and writes the notes CSV: <c>pitch,start,end,step,duration,velocity</c>, seconds, invariant culture.</summary>
public static class NotesCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "pitch,start,end,step,duration,velocity";

    /// <summary>The paper's Figure 4 column order, used for generated pieces.</summary>
    public static readonly string[] GeneratedColumns = ["pitch", "step", "duration", "start", "end"];

    private static readonly string[] StandardColumns = Header.Split(',');

    /// <summary>Writes notes (sorted by start) as CSV with shortest round-trip doubles, in the standard or the given column order.</summary>
    /// <exception cref="ArgumentException">A column is not one of pitch, start, end, step, duration, velocity.</exception>
    /// <param name="origin">For generated pieces: the time the first note's step is measured from (the paper's
    /// Figure 4 shows the first step as its start); null gives the first note a step of 0, as pretty_midi does.</param>
    public static void Write(TextWriter writer, ReadOnlySpan<Note> notes, IReadOnlyList<string>? columns = null, double? origin = null)
    {
        columns ??= StandardColumns;
        foreach (string c in columns)
            if (Array.IndexOf(StandardColumns, c) < 0) throw new ArgumentException($"unknown notes column '{c}'", nameof(columns));
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
                    _ => n.Velocity.ToString(CultureInfo.InvariantCulture),
                });
            }
            line.Append('\n');
            writer.Write(line);
        }
    }

    /// <summary>Returns the CSV text of <paramref name="notes"/>.</summary>
    public static string ToString(ReadOnlySpan<Note> notes)
    {
        var sw = new StringWriter(CultureInfo.InvariantCulture);
        Write(sw, notes);
        return sw.ToString();
    }

    /// <summary>Reads a notes CSV (columns found by header name; pitch, start and end are required).</summary>
    /// <exception cref="FormatException">A required column is missing or a value does not parse.</exception>
    public static List<Note> Read(TextReader reader, string sourceName = "notes CSV")
    {
        string? header = reader.ReadLine() ?? throw new FormatException($"{sourceName}: empty file, expected the header '{Header}'");
        string[] columns = header.Trim().Split(',');
        int Col(string name) => Array.FindIndex(columns, c => c.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        int pitch = Col("pitch"), start = Col("start"), end = Col("end"), velocity = Col("velocity");
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
                    velocity >= 0 ? int.Parse(cells[velocity], CultureInfo.InvariantCulture) : Note.DefaultVelocity));
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
