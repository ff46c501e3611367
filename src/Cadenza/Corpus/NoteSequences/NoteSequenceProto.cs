using Cadenza.Notes;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>Reads the notes of a binary <c>tensorflow.magenta.NoteSequence</c> (music.proto); every other field is skipped.</summary>
internal static class NoteSequenceProto
{
    /// <summary>NoteSequence.notes: repeated Note.</summary>
    public const int NotesField = 8;

    /// <summary>Note.pitch (int32).</summary>
    public const int PitchField = 1;

    /// <summary>Note.velocity (int32).</summary>
    public const int VelocityField = 2;

    /// <summary>Note.start_time (double, seconds).</summary>
    public const int StartTimeField = 3;

    /// <summary>Note.end_time (double, seconds).</summary>
    public const int EndTimeField = 4;

    /// <summary>Note.instrument (int32).</summary>
    public const int InstrumentField = 7;

    /// <summary>Note.program (int32).</summary>
    public const int ProgramField = 8;

    /// <summary>Note.is_drum (bool).</summary>
    public const int IsDrumField = 9;

    /// <summary>Appends the notes of the serialised NoteSequence <paramref name="message"/> to <paramref name="notes"/>.</summary>
    /// <exception cref="FormatException">The message is not valid protobuf (values out of range are repaired: see <see cref="NoteSequenceNote.ToNote"/>).</exception>
    /// <remarks>
    /// A record that holds no notes field may be a <c>tf.train.Example</c> wrapping the NoteSequence, as Magenta's
    /// MAESTRO TFRecords do (feature <c>sequence</c>, beside the audio): its notes are read from there.
    /// </remarks>
    public static void ReadNotes(ReadOnlySpan<byte> message, List<Note> notes, ref ReadRepairs repairs) => ReadNotes(message, notes, ref repairs, unwrap: true);

    private static void ReadNotes(ReadOnlySpan<byte> message, List<Note> notes, ref ReadRepairs repairs, bool unwrap)
    {
        bool sawNotes = false;
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == NotesField && wire == ProtoReader.LengthDelimited)
            {
                sawNotes = true;
                NoteSequenceNote raw = ReadNote(reader.ReadBytes());
                if (raw.ToNote(ref repairs) is { } note) notes.Add(note);
            }
            else
            {
                reader.Skip(wire, field);
            }
        }
        // one level only: an Example inside an Example is not a layout anyone writes, and unbounded nesting could exhaust the stack
        if (!sawNotes && unwrap && SequenceInExample(message) is { IsEmpty: false } wrapped) ReadNotes(wrapped, notes, ref repairs, unwrap: false);
    }

    // Example { Features features = 1 }, Features { map<string, Feature> feature = 1 }, a map entry { key = 1, value = 2 },
    // Feature { BytesList bytes_list = 1 }, BytesList { repeated bytes value = 1 }: the first value of the feature
    // "sequence" or "note_sequence", or empty when the message is not such an Example (a NoteSequence without notes).
    private static ReadOnlySpan<byte> SequenceInExample(ReadOnlySpan<byte> message)
    {
        try
        {
            var example = new ProtoReader(message);
            while (example.TryReadTag(out int field, out int wire))
            {
                if (field != 1 || wire != ProtoReader.LengthDelimited) { example.Skip(wire, field); continue; }
                var features = new ProtoReader(example.ReadBytes());
                while (features.TryReadTag(out int f, out int fw))
                {
                    if (f != 1 || fw != ProtoReader.LengthDelimited) { features.Skip(fw, f); continue; }
                    var entry = new ProtoReader(features.ReadBytes());
                    ReadOnlySpan<byte> key = default, value = default;
                    while (entry.TryReadTag(out int e, out int ew))
                    {
                        if (e == 1 && ew == ProtoReader.LengthDelimited) key = entry.ReadBytes();
                        else if (e == 2 && ew == ProtoReader.LengthDelimited) value = entry.ReadBytes();
                        else entry.Skip(ew, e);
                    }
                    if (!key.SequenceEqual("sequence"u8) && !key.SequenceEqual("note_sequence"u8)) continue;
                    var feature = new ProtoReader(value);
                    while (feature.TryReadTag(out int g, out int gw))
                    {
                        if (g != 1 || gw != ProtoReader.LengthDelimited) { feature.Skip(gw, g); continue; }
                        var list = new ProtoReader(feature.ReadBytes());
                        while (list.TryReadTag(out int h, out int hw))
                        {
                            if (h == 1 && hw == ProtoReader.LengthDelimited) return list.ReadBytes();
                            list.Skip(hw, h);
                        }
                    }
                }
            }
        }
        catch (FormatException)
        {
            // not an Example: the message was a NoteSequence with no notes
        }
        return default;
    }

    private static NoteSequenceNote ReadNote(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var note = new NoteSequenceNote();
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case PitchField when wire == ProtoReader.Varint: note.Pitch = reader.ReadInt32(); break;
                case VelocityField when wire == ProtoReader.Varint: note.Velocity = reader.ReadInt32(); break;
                case StartTimeField when wire == ProtoReader.Fixed64: note.StartTime = reader.ReadDouble(); break;
                case EndTimeField when wire == ProtoReader.Fixed64: note.EndTime = reader.ReadDouble(); break;
                case InstrumentField when wire == ProtoReader.Varint: note.Instrument = reader.ReadInt32(); break;
                case ProgramField when wire == ProtoReader.Varint: note.Program = reader.ReadInt32(); break;
                case IsDrumField when wire == ProtoReader.Varint: note.IsDrum = reader.ReadVarint() != 0; break;
                default: reader.Skip(wire, field); break;
            }
        }
        return note;
    }
}
