namespace Cadenza.Corpus;

/// <summary>Which notes of a Bach Doodle session become a piece.</summary>
public enum BachDoodlePart : byte
{
    /// <summary>The 4-voice harmonisation Coconet returned (<c>output_sequence</c>); the default.</summary>
    Harmony = 0,

    /// <summary>The melody the user entered (<c>input_sequence</c>).</summary>
    Melody = 1,

    /// <summary>Both, as two pieces per harmonisation (the harmonisation already contains the melody, so they are not merged).</summary>
    Both = 2,
}
