namespace Cadenza.Tests.Midi;

/// <summary>Standard MIDI Files written byte by byte, for tests that need an exact event layout no writer would produce.</summary>
internal static class SmfBytes
{
    /// <summary>A format-1 file of one track at 480 ticks per quarter (120 bpm: 1/960 s per tick), End of Track appended.</summary>
    public static byte[] OneTrack(params byte[] events)
    {
        byte[] body = [.. events, 0x00, 0xFF, 0x2F, 0x00];
        byte[] length = [(byte)(body.Length >> 24), (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length];
        return [.. "MThd"u8, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0, .. "MTrk"u8, .. length, .. body];
    }
}
