namespace Cadenza.Midi;

/// <summary>A file that is not a readable Standard MIDI File; the message names the file and the problem in one line.</summary>
public sealed class MidiFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="source"/> with a one-line <paramref name="problem"/>.</summary>
    public MidiFormatException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file (or name) that failed.</summary>
    public new string Source { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
