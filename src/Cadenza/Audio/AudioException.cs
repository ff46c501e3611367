namespace Cadenza.Audio;

/// <summary>Audio that cannot be rendered or encoded (unreadable SoundFont, missing encoder, failed write); one line a user can act on.</summary>
public sealed class AudioException(string message, Exception? inner = null) : Exception(message, inner);
