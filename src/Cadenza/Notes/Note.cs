using System.Runtime.InteropServices;

namespace Cadenza.Notes;

/// <summary>One played note: MIDI pitch, start and end in seconds, velocity, and where it came from.</summary>
/// <remarks>
/// Fields are laid out doubles first so that the struct is 32 bytes without padding holes; the note cache
/// stores arrays of it as raw bytes.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Note
{
    /// <summary>Creates a note; <paramref name="end"/> should not be before <paramref name="start"/>.</summary>
    public Note(int pitch, double start, double end, int velocity = DefaultVelocity, int program = 0, bool isDrum = false, int instrument = 0)
    {
        Start = start;
        End = end;
        Pitch = pitch;
        Velocity = velocity;
        Program = program;
        Instrument = instrument;
        IsDrum = isDrum;
    }

    /// <summary>The velocity the paper writes generated notes with.</summary>
    public const int DefaultVelocity = 100;

    /// <summary>Onset in seconds from the start of the piece.</summary>
    public double Start { get; init; }

    /// <summary>Release in seconds from the start of the piece.</summary>
    public double End { get; init; }

    /// <summary>MIDI note number 0..127 (60 = middle C).</summary>
    public int Pitch { get; init; }

    /// <summary>MIDI velocity 1..127.</summary>
    public int Velocity { get; init; }

    /// <summary>General MIDI program (0 = acoustic grand piano) of the instrument that played it.</summary>
    public int Program { get; init; }

    /// <summary>Index of the instrument in the file's instrument list (pretty_midi's creation order).</summary>
    public int Instrument { get; init; }

    /// <summary>True when the note was played on the percussion channel (MIDI channel 10).</summary>
    public bool IsDrum { get; init; }

    /// <summary>End minus start, in seconds.</summary>
    public double Duration => End - Start;
}
