namespace Cadenza.Audio;

/// <summary>Synthesised audio in memory, before it is written: the samples, their peak and how they were made.</summary>
internal sealed record RenderedAudio(SampleBuffer Audio, float Peak, AudioEngine Engine, string? SoundFont, TimeSpan RenderTime, string? Warning);
