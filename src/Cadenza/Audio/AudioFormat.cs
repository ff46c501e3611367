namespace Cadenza.Audio;

/// <summary>The file format of rendered audio, chosen by the output file's extension.</summary>
public enum AudioFormat
{
    /// <summary>RIFF WAVE, 16-bit PCM stereo (<c>.wav</c>).</summary>
    Wav,

    /// <summary>MPEG-1 Layer III encoded by lame (<c>.mp3</c>).</summary>
    Mp3,
}
