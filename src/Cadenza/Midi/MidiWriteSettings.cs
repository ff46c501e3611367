namespace Cadenza.Midi;

/// <summary>How <see cref="MidiWriter"/> writes notes: resolution, tempo, instrument and velocity.</summary>
public sealed record MidiWriteSettings
{
    /// <summary>The defaults: 960 ticks per quarter at 120 bpm (≈0.52 ms per tick), piano, each note's own velocity.</summary>
    public static MidiWriteSettings Default { get; } = new();

    /// <summary>Ticks per quarter note.</summary>
    public int TicksPerQuarter { get; init; } = 960;

    /// <summary>The single tempo of the file, beats per minute.</summary>
    public double Bpm { get; init; } = 120;

    /// <summary>General MIDI program of the track (0 = acoustic grand piano).</summary>
    public int Program { get; init; }

    /// <summary>Velocity for every note; null keeps each note's own.</summary>
    public int? Velocity { get; init; }

    /// <summary>Name written into the note track.</summary>
    public string TrackName { get; init; } = "Piano";

    /// <summary>
    /// Write an ensemble: one track per instrument of the notes (<see cref="Notes.Note.Instrument"/>, program and drum
    /// flag), each with its own program and channel, drums on channel 10; <see cref="Program"/> and
    /// <see cref="TrackName"/> are then not used.
    /// </summary>
    public bool Ensemble { get; init; }

    /// <summary>For an ensemble: each track's name by its notes' instrument number; null or missing: the GM name of its program.</summary>
    public IReadOnlyList<string>? TrackNames { get; init; }
}
