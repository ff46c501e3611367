using Cadenza.Notes;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>The fields of a NoteSequence.Note Cadenza uses, as read (proto3 defaults: 0 and false), checked into a <see cref="Note"/>.</summary>
internal struct NoteSequenceNote
{
    private const int MidiMax = 127;

    /// <summary>MIDI pitch.</summary>
    public long Pitch;

    /// <summary>MIDI velocity.</summary>
    public long Velocity;

    /// <summary>Onset, seconds.</summary>
    public double StartTime;

    /// <summary>Release, seconds.</summary>
    public double EndTime;

    /// <summary>Instrument (voice) number.</summary>
    public long Instrument;

    /// <summary>General MIDI program.</summary>
    public long Program;

    /// <summary>Played on drums.</summary>
    public bool IsDrum;

    /// <summary>
    /// The note with its values brought into range, or null when it cannot be played (pitch outside 0..127, a
    /// negative or non-finite time, an end before its start); each repair is counted in <paramref name="repairs"/>.
    /// </summary>
    /// <remarks>
    /// Velocities are clamped into 1..127: Magenta.js writes 128 for MIDI's 127, and a 0 (proto3's "unset") would be
    /// a note-off in MIDI. A program or instrument out of range becomes 0 rather than losing the note.
    /// </remarks>
    public readonly Note? ToNote(ref ReadRepairs repairs)
    {
        if (Pitch is < 0 or > MidiMax || !double.IsFinite(StartTime) || StartTime < 0 || !double.IsFinite(EndTime) || EndTime < StartTime)
        {
            repairs.DroppedNotes++;
            return null;
        }
        long velocity = Math.Clamp(Velocity, 1, MidiMax);
        if (velocity != Velocity) repairs.Velocities++;
        bool programOk = Program is >= 0 and <= MidiMax, instrumentOk = Instrument is >= 0 and <= int.MaxValue;
        if (!programOk || !instrumentOk) repairs.Programs++;
        return new Note((int)Pitch, StartTime, EndTime, (int)velocity, programOk ? (int)Program : 0, IsDrum, instrumentOk ? (int)Instrument : 0);
    }
}
