using Cadenza.Notes;

namespace Cadenza.Midi;

/// <summary>Which instruments of a MIDI file become the note list.</summary>
public enum InstrumentSelection
{
    /// <summary>All non-drum instruments merged, sorted by start then pitch (the default: piano scores often have several tracks).</summary>
    Merged,

    /// <summary>The first non-drum instrument in pretty_midi's creation order (the tutorial's <c>instruments[0]</c>).</summary>
    First,
}

/// <summary>How <see cref="MidiReader"/> reads a file.</summary>
public sealed record MidiReadSettings
{
    /// <summary>The defaults: merged instruments.</summary>
    public static MidiReadSettings Default { get; } = new();

    /// <summary>Which instruments become the note list.</summary>
    public InstrumentSelection Instruments { get; init; } = InstrumentSelection.Merged;

    /// <summary>Merged reading keeps the drum kit's notes too (pretty_midi's tutorial and the default leave them out).</summary>
    public bool Drums { get; init; }

    /// <summary>Largest file accepted, in bytes (after gzip decompression); guards against absurd inputs.</summary>
    public long MaxFileBytes { get; init; } = 128L << 20;
}

/// <summary>One instrument as pretty_midi lists it: keyed by program, channel and track.</summary>
/// <param name="Index">Position in creation order (the order its first note was closed).</param>
/// <param name="Program">General MIDI program 0..127.</param>
/// <param name="Channel">0-based MIDI channel (9 = percussion).</param>
/// <param name="Track">0-based track index.</param>
/// <param name="IsDrum">True on channel 9.</param>
/// <param name="NoteCount">Number of notes it played.</param>
public sealed record MidiInstrument(int Index, int Program, int Channel, int Track, bool IsDrum, int NoteCount);

/// <summary>The notes read from one MIDI file, with its instrument list.</summary>
/// <param name="Notes">The selected notes, sorted by start then pitch.</param>
/// <param name="Instruments">Every instrument of the file in creation order, drums included.</param>
/// <param name="TicksPerQuarter">The file's time division.</param>
public sealed record MidiNotes(Note[] Notes, IReadOnlyList<MidiInstrument> Instruments, int TicksPerQuarter)
{
    /// <summary>True when the file has notes but all of them are drums.</summary>
    public bool DrumsOnly => Instruments.Count > 0 && Instruments.All(i => i.IsDrum);

    /// <summary>Events pretty_midi would refuse that were read past because they change no note (see <see cref="ReadRepairs.Describe"/>).</summary>
    public ReadRepairs Repairs { get; init; }
}
