namespace Cadenza.Instruments;

/// <summary>One instrument a model knows: a GM program (or the drum kit, or a voice of a chorale) with the pitch range the training corpus gave it.</summary>
/// <param name="Name">What the user sees: the GM name, "Drums", "other", or a voice (soprano, alto, tenor, bass).</param>
/// <param name="Program">The General MIDI program its notes are written and played with.</param>
/// <param name="IsDrum">The percussion kit (MIDI channel 10).</param>
/// <param name="Voice">For a class per voice (Bach Doodle harmonisations): the NoteSequence instrument number; −1 for a class per program.</param>
/// <param name="Other">The class of every program outside the vocabulary.</param>
public sealed record InstrumentClass(string Name, int Program, bool IsDrum = false, int Voice = -1, bool Other = false)
{
    /// <summary>Notes of the training corpus in this class.</summary>
    public long Notes { get; init; }

    /// <summary>Lowest training pitch of the class (0 when it has no notes).</summary>
    public int LowestPitch { get; init; }

    /// <summary>Highest training pitch of the class (127 when it has no notes).</summary>
    public int HighestPitch { get; init; } = 127;
}
