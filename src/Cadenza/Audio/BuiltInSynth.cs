using Cadenza.Notes;

namespace Cadenza.Audio;

/// <summary>The fallback synthesizer when FluidSynth or a SoundFont is missing: plays notes with a piano-like tone, or a held one for sustained GM programs (<see cref="PianoVoice.TimbreOf"/>).</summary>
/// <remarks>Polyphonic with a fixed voice pool; when more notes sound than there are voices, the quietest is taken over.</remarks>
internal sealed class BuiltInSynth : IAudioSource
{
    /// <summary>Voices sounding at once; a sustained piano chord run rarely needs more.</summary>
    public const int MaxVoices = 64;

    private readonly Note[] _notes;   // sorted by start
    private readonly PianoVoice[] _voices;
    private readonly int _sampleRate;
    private readonly long _endFrame;
    private int _next;
    private long _frame;

    /// <summary>Prepares to play <paramref name="notes"/> (any order) at <paramref name="sampleRate"/>.</summary>
    public BuiltInSynth(IReadOnlyList<Note> notes, int sampleRate)
    {
        _notes = notes.Where(n => !n.IsDrum).OrderBy(n => n.Start).ToArray();
        _sampleRate = sampleRate;
        _voices = new PianoVoice[MaxVoices];
        for (int i = 0; i < _voices.Length; i++) _voices[i] = new PianoVoice();
        _endFrame = _notes.Length == 0 ? 0 : ToFrame(_notes.Max(n => n.End));
    }

    /// <inheritdoc />
    public bool IsPlaying => _frame < _endFrame;

    /// <inheritdoc />
    public void Render(Span<float> block)
    {
        block.Clear();
        int frames = block.Length / SampleBuffer.Channels;
        long blockEnd = _frame + frames;
        while (_next < _notes.Length && ToFrame(_notes[_next].Start) < blockEnd)
        {
            Note n = _notes[_next++];
            FreeVoice().Start(n.Pitch, n.Velocity, ToFrame(n.Start), ToFrame(n.End), _sampleRate, n.Program);
        }
        foreach (PianoVoice voice in _voices)
            if (voice.Active) voice.Render(block, _frame);
        _frame = blockEnd;
    }

    /// <inheritdoc />
    public void Dispose() { }

    private PianoVoice FreeVoice()
    {
        PianoVoice quietest = _voices[0];
        foreach (PianoVoice voice in _voices)
        {
            if (!voice.Active) return voice;
            if (voice.Level < quietest.Level) quietest = voice;
        }
        return quietest;
    }

    private long ToFrame(double seconds) => (long)Math.Round(Math.Max(0, seconds) * _sampleRate);
}
