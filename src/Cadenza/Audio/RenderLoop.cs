using System.Diagnostics;

namespace Cadenza.Audio;

/// <summary>Drives an <see cref="IAudioSource"/> block by block: the score, then the release tail until it falls silent, then trims and levels the result.</summary>
internal static class RenderLoop
{
    /// <summary>Frames per block: long enough to amortise a native call, short enough to stop the tail promptly.</summary>
    public const int BlockFrames = 1024;

    /// <summary>Largest peak written: −1 dBFS leaves room for the overshoot of MP3 decoding, so nothing ever clips.</summary>
    public const float Ceiling = 0.891f;

    private const double FadeSeconds = 0.010;   // a tail cut at its time limit ends without a click
    private const double SlackSeconds = 1.0;    // extra room in the first allocation for events after the last note

    /// <summary>Renders <paramref name="source"/> to a buffer; <paramref name="lastNoteEnd"/> (seconds) sizes the buffer and bounds the trim.</summary>
    /// <exception cref="AudioException">The score runs longer than the options allow.</exception>
    public static (SampleBuffer Audio, float Peak) Run(IAudioSource source, AudioOptions options, double lastNoteEnd, string sourceName)
    {
        int rate = options.SampleRate;
        long maxFrames = (long)(options.MaxSeconds * rate);
        double expected = Math.Min(lastNoteEnd + options.MaxTailSeconds + SlackSeconds, options.MaxSeconds);
        var audio = new SampleBuffer(rate, (long)(expected * rate));

        while (source.IsPlaying)
        {
            if (audio.Frames + BlockFrames > maxFrames)
                throw new AudioException($"{sourceName}: plays for more than {options.MaxSeconds:0} s, the longest audio rendered");
            source.Render(audio.Append(BlockFrames));
        }

        // the tail: the score is over, notes are released; stop at the first block below the silence threshold
        int scoreEnd = audio.Frames;
        float peak = audio.Peak();
        float threshold = Math.Max(peak * (float)Math.Pow(10, options.SilenceDb / 20), float.Epsilon);
        int tailFrames = (int)(options.MaxTailSeconds * rate);
        for (int rendered = 0; rendered < tailFrames;)
        {
            int n = Math.Min(BlockFrames, tailFrames - rendered);
            int start = audio.Frames;
            source.Render(audio.Append(n));
            rendered += n;
            if (audio.Peak(start) < threshold) break;
        }

        // trailing silence goes, whether of the tail or of a late end-of-track, but never a note
        // (the notes are the pitched ones: a drum-only score may be trimmed to its last audible hit)
        int lastNote = (int)Math.Min(Math.Round(lastNoteEnd * rate), scoreEnd);
        audio.TrimSilence(threshold, lastNote);
        audio.FadeOut((int)(FadeSeconds * rate));

        peak = audio.Peak();
        if (options.NormalizeDb is double target && peak > 0)
        {
            // bring a quiet render up (or a loud one down) to a listening level, still below the ceiling
            audio.Scale(MathF.Min(Ceiling, (float)Math.Pow(10, target / 20)) / peak);
            peak = audio.Peak();
        }
        if (peak > Ceiling)
        {
            audio.Scale(Ceiling / peak);
            peak = audio.Peak();
        }
        Debug.Assert(peak < 1f);
        return (audio, peak);
    }
}
