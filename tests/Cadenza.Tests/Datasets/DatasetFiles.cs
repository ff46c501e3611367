using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Cadenza.Common;
using Cadenza.Corpus.NoteSequences;
using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Tests.Datasets;

/// <summary>Writes small files in each dataset format for the tests: NoteSequence protobuf and TFRecord, Bach Doodle shards, MAESTRO folders and zips.</summary>
internal static class DatasetFiles
{
    /// <summary>A piece of <paramref name="count"/> notes sorted by start then pitch, on a 1/8 s grid so that MIDI ticks hold them exactly.</summary>
    public static Note[] Piece(ulong seed, int count, int instruments = 1, bool withDrums = false)
    {
        var rng = new Rng(seed);
        var notes = new Note[count];
        double t = 0;
        for (int i = 0; i < count; i++)
        {
            if (i == 0 || rng.NextInt(3) > 0) t += 0.125 * (1 + rng.NextInt(4));
            notes[i] = new Note(40 + rng.NextInt(50), t, t + 0.125 * (1 + rng.NextInt(8)), 1 + rng.NextInt(127),
                                program: instruments > 1 ? rng.NextInt(5) : 0, isDrum: withDrums && i % 7 == 3, instrument: rng.NextInt(instruments));
        }
        MidiReader.SortByStartThenPitch(notes);
        return notes;
    }

    // ---- protobuf / TFRecord ----

    /// <summary>A serialised NoteSequence with the notes (field 8) between fields the reader must skip (id, tempos, total_time).</summary>
    public static byte[] NoteSequence(IEnumerable<Note> notes, string id = "test")
    {
        var w = new MemoryStream();
        Bytes(w, 1, Encoding.UTF8.GetBytes(id));                 // id
        Bytes(w, 7, Message(m => { Tag(m, 2, 1); Double(m, 120.0); }));   // tempos { qpm: 120 }
        foreach (Note n in notes)
        {
            Bytes(w, 8, Message(m =>
            {
                Tag(m, 1, 0); Varint(m, (ulong)n.Pitch);
                Tag(m, 2, 0); Varint(m, (ulong)n.Velocity);
                if (n.Start != 0) { Tag(m, 3, 1); Double(m, n.Start); }   // proto3 leaves defaults out
                Tag(m, 4, 1); Double(m, n.End);
                Tag(m, 5, 0); Varint(m, 1);                                 // numerator: unknown to the reader
                if (n.Instrument != 0) { Tag(m, 7, 0); Varint(m, (ulong)n.Instrument); }
                if (n.Program != 0) { Tag(m, 8, 0); Varint(m, (ulong)n.Program); }
                if (n.IsDrum) { Tag(m, 9, 0); Varint(m, 1); }
                Tag(m, 12, 5); m.Write([0, 0, 128, 63]);                    // a fixed32 field the reader skips
            }));
        }
        Tag(w, 9, 1); Double(w, notes.Any() ? notes.Max(n => n.End) : 0);   // total_time
        return w.ToArray();
    }

    /// <summary>Writes records as a TFRecord file.</summary>
    public static void TfRecordFile(string path, IEnumerable<byte[]> records)
    {
        using FileStream f = File.Create(path);
        foreach (byte[] r in records) TfRecordReader.Write(f, r);
    }

    /// <summary>Byte offset of record <paramref name="index"/> (0-based) in a file of these records.</summary>
    public static long RecordOffset(IReadOnlyList<byte[]> records, int index) =>
        records.Take(index).Sum(r => (long)TfRecordReader.HeaderBytes + r.Length + TfRecordReader.FooterBytes);

    /// <summary>
    /// A tf.train.Example whose bytes feature <paramref name="key"/> holds <paramref name="sequence"/>, beside an
    /// audio feature, as Magenta's MAESTRO TFRecords are laid out.
    /// </summary>
    public static byte[] Example(string key, byte[] sequence)
    {
        static byte[] Entry(string name, byte[] feature) => Message(e => { Bytes(e, 1, Encoding.UTF8.GetBytes(name)); Bytes(e, 2, feature); });
        static byte[] BytesFeature(byte[] value) => Message(f => Bytes(f, 1, Message(list => Bytes(list, 1, value))));
        byte[] audio = Entry("audio", BytesFeature([82, 73, 70, 70, 0, 1, 2, 3]));
        byte[] id = Entry("id", BytesFeature(Encoding.UTF8.GetBytes("2004/piece.midi")));
        byte[] features = Message(f => { Bytes(f, 1, audio); Bytes(f, 1, Entry(key, BytesFeature(sequence))); Bytes(f, 1, id); });
        return Message(e => Bytes(e, 1, features));
    }

    private static byte[] Message(Action<Stream> write)
    {
        var m = new MemoryStream();
        write(m);
        return m.ToArray();
    }

    private static void Tag(Stream s, int field, int wire) => Varint(s, (ulong)(field << 3 | wire));

    private static void Varint(Stream s, ulong v)
    {
        while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
        s.WriteByte((byte)v);
    }

    private static void Double(Stream s, double v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, v);
        s.Write(b);
    }

    private static void Bytes(Stream s, int field, byte[] data)
    {
        Tag(s, field, 2);
        Varint(s, (ulong)data.Length);
        s.Write(data);
    }

    // ---- Bach Doodle ----

    /// <summary>
    /// One session line: one NoteSequence pair per harmonisation, in proto3 JSON as the dataset writes it (camelCase,
    /// default values left out; with <paramref name="int64AsStrings"/>, integers as strings, as proto3 JSON may).
    /// </summary>
    public static string Session(IReadOnlyList<(Note[] Melody, Note[] Harmony)> requests, bool int64AsStrings = false)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("session_id", "12345");
            w.WriteStartArray("feedback");
            foreach (var _ in requests) w.WriteStringValue("2");
            w.WriteEndArray();
            w.WriteStartArray("input_sequence");
            foreach (var r in requests) Sequence(w, r.Melody, int64AsStrings);
            w.WriteEndArray();
            w.WriteStartArray("output_sequence");
            foreach (var r in requests) Sequence(w, r.Harmony, int64AsStrings);
            w.WriteEndArray();
            w.WriteString("country", "DE");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Sequence(Utf8JsonWriter w, Note[] notes, bool strings)
    {
        w.WriteStartObject();
        w.WriteStartArray("tempos");
        w.WriteStartObject(); w.WriteNumber("qpm", 120); w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (Note n in notes)
        {
            w.WriteStartObject();
            Int(w, "pitch", n.Pitch, strings);
            Int(w, "velocity", n.Velocity, strings);
            if (n.Start != 0) w.WriteNumber("startTime", n.Start);
            w.WriteNumber("endTime", n.End);
            if (n.Instrument != 0) Int(w, "instrument", n.Instrument, strings);
            if (n.Program != 0) Int(w, "program", n.Program, strings);
            if (n.IsDrum) w.WriteBoolean("isDrum", true);
            w.WriteNumber("quantizedEndStep", 4);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("totalTime", notes.Length == 0 ? 0 : notes.Max(n => n.End));
        w.WriteEndObject();
    }

    private static void Int(Utf8JsonWriter w, string name, int value, bool asString)
    {
        if (asString) w.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
        else w.WriteNumber(name, value);
    }

    /// <summary>Writes lines as a gzipped JSON-lines shard.</summary>
    public static void Shard(string path, IEnumerable<string> lines)
    {
        using FileStream f = File.Create(path);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        using var w = new StreamWriter(gz, new UTF8Encoding(false));
        foreach (string line in lines)
        {
            w.Write(line);
            w.Write('\n');
        }
    }

    // ---- MAESTRO ----

    /// <summary>A MAESTRO-shaped piece: its MIDI path (relative to the metadata), split and notes.</summary>
    public sealed record MaestroPiece(string MidiFilename, string Split, Note[] Notes);

    /// <summary>Six pieces over two "years": 3 train, 2 validation, 1 test, 30–40 notes each.</summary>
    public static List<MaestroPiece> MaestroPieces() =>
    [
        new("2004/MIDI-Unprocessed_SMF_02_R1_2004_01-05_ORIG_MID--AUDIO_02_R1_2004_05_Track05_wav.midi", "train", Piece(1, 30)),
        new("2004/MIDI-Unprocessed_SMF_05_R1_2004_02-03_ORIG_MID--AUDIO_05_R1_2004_06_Track06_wav.midi", "validation", Piece(2, 32)),
        new("2006/MIDI-Unprocessed_07_R1_2006_01-04_ORIG_MID--AUDIO_07_R1_2006_02_Track02_wav.midi", "train", Piece(3, 34)),
        new("2006/MIDI-Unprocessed_11_R1_2006_01-06_ORIG_MID--AUDIO_11_R1_2006_04_Track04_wav.midi", "test", Piece(4, 36)),
        new("2006/MIDI-Unprocessed_12_R1_2006_01-08_ORIG_MID--AUDIO_12_R1_2006_06_Track06_wav.midi", "train", Piece(5, 38)),
        new("2006/MIDI-Unprocessed_17_R1_2006_01-06_ORIG_MID--AUDIO_17_R1_2006_03_Track03_wav.midi", "validation", Piece(6, 40)),
    ];

    /// <summary>The metadata CSV, with a title holding a comma and quotes as the real one has.</summary>
    public static string MaestroCsv(IReadOnlyList<MaestroPiece> pieces)
    {
        var s = new StringBuilder("canonical_composer,canonical_title,split,year,midi_filename,audio_filename,duration\n");
        for (int i = 0; i < pieces.Count; i++)
        {
            MaestroPiece p = pieces[i];
            s.Append(CultureInfo.InvariantCulture, $"Frédéric Chopin,\"Ballade No. {i + 1}, Op. 23 \"\"Grande\"\"\",{p.Split},{p.MidiFilename[..4]},{p.MidiFilename},{p.MidiFilename[..^5]}.wav,{p.Notes.Max(n => n.End):R}\n");
        }
        return s.ToString();
    }

    /// <summary>v3's column-oriented JSON: {"split": {"0": …}, "midi_filename": {"0": …}, …}.</summary>
    public static string MaestroV3Json(IReadOnlyList<MaestroPiece> pieces)
    {
        var columns = new Dictionary<string, Dictionary<string, object>>
        {
            ["canonical_composer"] = [], ["canonical_title"] = [], ["split"] = [], ["year"] = [], ["midi_filename"] = [], ["audio_filename"] = [], ["duration"] = [],
        };
        // keys deliberately out of order: rows follow the index, not the key order
        foreach (int i in Enumerable.Range(0, pieces.Count).Reverse())
        {
            string k = i.ToString(CultureInfo.InvariantCulture);
            MaestroPiece p = pieces[i];
            columns["canonical_composer"][k] = "Alban Berg";
            columns["canonical_title"][k] = "Sonata Op. 1";
            columns["split"][k] = p.Split;
            columns["year"][k] = int.Parse(p.MidiFilename[..4], CultureInfo.InvariantCulture);
            columns["midi_filename"][k] = p.MidiFilename;
            columns["audio_filename"][k] = p.MidiFilename[..^5] + ".wav";
            columns["duration"][k] = p.Notes.Max(n => n.End);
        }
        return JsonSerializer.Serialize(columns);
    }

    /// <summary>v2's row-oriented JSON: [{"split": …, "midi_filename": …}, …].</summary>
    public static string MaestroV2Json(IReadOnlyList<MaestroPiece> pieces) =>
        JsonSerializer.Serialize(pieces.Select(p => new Dictionary<string, object>
        {
            ["canonical_composer"] = "Alban Berg", ["canonical_title"] = "Sonata Op. 1", ["split"] = p.Split,
            ["year"] = int.Parse(p.MidiFilename[..4], CultureInfo.InvariantCulture), ["midi_filename"] = p.MidiFilename,
            ["audio_filename"] = p.MidiFilename[..^5] + ".wav", ["duration"] = p.Notes.Max(n => n.End),
        }));

    /// <summary>Writes a MAESTRO folder: &lt;root&gt;/&lt;metadata file&gt; and the MIDI files under it.</summary>
    public static void MaestroFolder(string root, IReadOnlyList<MaestroPiece> pieces, string metadataName, string metadata)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, metadataName), metadata);
        foreach (MaestroPiece p in pieces)
        {
            string path = Path.Combine(root, p.MidiFilename);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            MidiWriter.Write(path, p.Notes);
        }
    }

    /// <summary>Zips <paramref name="folder"/> with the folder itself as the top-level entry, as the MAESTRO download is laid out.</summary>
    public static void Zip(string folder, string zipPath)
    {
        File.Delete(zipPath);
        ZipFile.CreateFromDirectory(folder, zipPath, CompressionLevel.Fastest, includeBaseDirectory: true);
    }
}
