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

    /// <summary>The note, or null with <paramref name="error"/> saying which value is out of range.</summary>
    public readonly Note? ToNote(out string? error)
    {
        error = null;
        if (Pitch is < 0 or > MidiMax) error = $"pitch {Pitch} is outside 0..{MidiMax}";
        else if (Velocity is < 0 or > MidiMax) error = $"velocity {Velocity} is outside 0..{MidiMax}";
        else if (Program is < 0 or > MidiMax) error = $"program {Program} is outside 0..{MidiMax}";
        else if (Instrument is < 0 or > int.MaxValue) error = $"instrument {Instrument} is negative or too large";
        else if (!double.IsFinite(StartTime) || StartTime < 0) error = $"start time {StartTime} is not a finite time ≥ 0";
        else if (!double.IsFinite(EndTime) || EndTime < StartTime) error = $"end time {EndTime} is before the start {StartTime} or not finite";
        if (error != null) return null;
        return new Note((int)Pitch, StartTime, EndTime, (int)Velocity, (int)Program, IsDrum, (int)Instrument);
    }
}
