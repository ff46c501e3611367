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
    /// <exception cref="FormatException">The message is not valid protobuf, or a note has a value out of range.</exception>
    public static void ReadNotes(ReadOnlySpan<byte> message, List<Note> notes)
    {
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == NotesField && wire == ProtoReader.LengthDelimited)
            {
                int at = reader.Position;
                NoteSequenceNote raw = ReadNote(reader.ReadBytes());
                notes.Add(raw.ToNote(out string? error) ?? throw new FormatException($"note {notes.Count + 1} (byte {at}): {error}"));
            }
            else
            {
                reader.Skip(wire, field);
            }
        }
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
