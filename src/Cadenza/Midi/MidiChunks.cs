using System.Buffers.Binary;
using Cadenza.Notes;

namespace Cadenza.Midi;

/// <summary>Checks the chunk structure of a Standard MIDI File before any event is parsed.</summary>
/// <remarks>
/// A lying chunk length must be caught here, from the bytes that are really there, so that no reader ever
/// allocates or seeks by it. Files with an unusual but legal layout (longer MThd, unknown chunks, a track count
/// that disagrees with the chunks present, as mido tolerates; sysex, system messages, meta events of unusual lengths,
/// running status across a meta event) are normalised into a plain SMF that NAudio reads as mido would.
/// </remarks>
internal static class MidiChunks
{
    private const int ChunkHeaderBytes = 8;   // 4-byte id + 4-byte big-endian length
    private const int HeaderDataBytes = 6;    // format, track count, division
    private const ushort SmpteDivisionFlag = 0x8000;
    private const int MaxTracks = ushort.MaxValue;
    private const int MaxVlqBytes = 4;             // a variable-length quantity holds at most 28 bits

    /// <summary>
    /// Walks one track's events without building them: every variable-length quantity at most 4 bytes, every meta
    /// and sysex length within the chunk, no data byte without a running status, no ticks past pretty_midi's limit.
    /// A lying length is caught here, from the bytes really present, before any parser allocates by it.
    /// Events pretty_midi refuses although they change no note (an invalid key signature, a short time signature, a
    /// sysex with bytes above 127) are counted in <paramref name="repairs"/> on the first pass and read past.
    /// Returns the number of events NAudio would read differently from mido (pretty_midi's parser). With
    /// <paramref name="rewrite"/>, also copies the track into it with those events rewritten: every sysex event
    /// (<c>F0</c> or <c>F7</c>, length, data) becomes a sequencer-specific meta event (<c>FF 7F</c>, length, data), as
    /// NAudio reads a sysex up to the next F7 byte whatever its length says, so a sysex sent in packets, or an F7
    /// escape, would swallow the notes after it; and meta events longer than NAudio accepts are cut to what mido reads.
    /// </summary>
    private static int ValidateEvents(byte[] data, int start, int length, int track, string source, ref ReadRepairs repairs, List<byte>? rewrite = null)
    {
        int pos = start, end = start + length;
        int running = 0, rewrites = 0;
        bool afterChannelMessage = false;   // NAudio takes a running status from the previous event, mido from the last channel message
        long tick = 0;
        while (pos < end)
        {
            int eventStart = pos;
            tick += ReadVlq(data, ref pos, end, source, track);
            if (tick >= MidiReader.MaxTick) throw new MidiFormatException(source, $"{Where(track, pos)}: tick {tick} exceeds {MidiReader.MaxTick} (likely corrupt)");
            if (pos >= end) throw new MidiFormatException(source, $"{Where(track, pos)}: track ends after a delta time");
            int statusAt = pos, status = data[pos];
            bool implicitStatus = status < 0x80;
            if (implicitStatus)
            {
                if (running == 0) throw new MidiFormatException(source, $"{Where(track, pos)}: data byte 0x{status:X2} without a running status");
                status = running;   // running status: this byte is the first data byte
            }
            else pos++;
            bool channelMessage = status < 0xF0, previousWasChannel = afterChannelMessage;
            afterChannelMessage = channelMessage;
            if (!channelMessage && status != 0xFF) running = 0;   // sysex and system messages end a running status (mido); meta events do not
            switch (status)
            {
                case 0xFF:   // meta event: type, length, data
                {
                    if (pos >= end) throw new MidiFormatException(source, $"{Where(track, pos)}: meta event cut short");
                    int typeAt = pos++, type = data[typeAt];
                    long size = ReadVlq(data, ref pos, end, source, track);
                    if (size > end - pos) throw new MidiFormatException(source, $"{Where(track, pos)}: meta event declares {size} bytes but only {end - pos} remain in the track");
                    int dataAt = pos;
                    pos += (int)size;
                    int least = MidoMetaBytes(type);
                    bool ignore = false;   // an event pretty_midi refuses that does not change the notes: read past, counted
                    if (size < least && !(type == 0x00 && size == 0))   // mido fails on these (it indexes the missing bytes)
                    {
                        if (type == 0x51)   // without its tempo no note after it has a time
                            throw new MidiFormatException(source, $"{Where(track, typeAt)}: meta event 0x{type:X2} has {size} data bytes, {least} needed");
                        if (rewrite == null) repairs.ShortMetaEvents++;
                        ignore = true;
                    }
                    else if (type == 0x59 && !IsKeySignature((sbyte)data[dataAt], data[dataAt + 1]))
                    {
                        if (rewrite == null) repairs.KeySignatures++;
                        ignore = true;
                    }
                    else if (type == 0x58 && data[dataAt] == 0 && rewrite == null) repairs.TimeSignatures++;   // NAudio reads it; Cadenza never uses it
                    int need = NAudioMetaBytes(type);
                    if (!ignore && (need < 0 || size == need)) break;
                    // a length NAudio refuses but mido reads: a longer tempo keeps its first 3 bytes; events Cadenza
                    // does not use, and ignored ones, become sequencer-specific (FF 7F) events of the same bytes
                    rewrites++;
                    if (rewrite == null) break;
                    ReadOnlySpan<byte> delta = data.AsSpan(eventStart, statusAt - eventStart);
                    if (type == 0x51)
                    {
                        rewrite.AddRange(delta);
                        rewrite.AddRange([0xFF, 0x51, 3, data[dataAt], data[dataAt + 1], data[dataAt + 2]]);
                    }
                    else AppendSequencerSpecific(rewrite, delta, data.AsSpan(typeAt + 1, pos - typeAt - 1));
                    continue;
                }
                case 0xF0 or 0xF7:   // sysex: length, data
                {
                    long size = ReadVlq(data, ref pos, end, source, track);
                    if (size > end - pos) throw new MidiFormatException(source, $"{Where(track, pos)}: sysex declares {size} bytes but only {end - pos} remain in the track");
                    // mido drops a leading F0 and a trailing F7 of the data and refuses any other byte above 127;
                    // the event is skipped by its length all the same, so such a sysex is only counted
                    for (int i = pos; i < pos + size; i++)
                        if (data[i] >= 0x80 && !(i == pos && data[i] == 0xF0) && !(i == pos + size - 1 && data[i] == 0xF7))
                        {
                            if (rewrite == null) repairs.Sysex++;
                            break;
                        }
                    pos += (int)size;
                    rewrites++;
                    if (rewrite != null)
                    {
                        AppendSequencerSpecific(rewrite, data.AsSpan(eventStart, statusAt - eventStart), data.AsSpan(statusAt + 1, pos - statusAt - 1));
                        continue;
                    }
                    break;
                }
                case >= 0xF1:
                {
                    // system common and real-time messages do not belong in a file, but mido reads the defined ones
                    // (NAudio would take them for sysex); they carry nothing Cadenza uses: kept as empty FF 7F events
                    int dataBytes = status switch { 0xF1 or 0xF3 => 1, 0xF2 => 2, 0xF6 or 0xF8 or 0xFA or 0xFB or 0xFC or 0xFE => 0, _ => -1 };
                    if (dataBytes < 0) throw new MidiFormatException(source, $"{Where(track, pos - 1)}: status 0x{status:X2} is not allowed in a MIDI file");
                    if (pos + dataBytes > end) throw new MidiFormatException(source, $"{Where(track, pos)}: event cut short by the end of the track");
                    for (int i = pos; i < pos + dataBytes; i++)
                        if (data[i] >= 0x80) throw new MidiFormatException(source, $"{Where(track, i)}: data byte 0x{data[i]:X2} has its top bit set");
                    pos += dataBytes;
                    rewrites++;
                    if (rewrite == null) break;
                    AppendSequencerSpecific(rewrite, data.AsSpan(eventStart, statusAt - eventStart), [0x00]);
                    continue;
                }
                default:   // channel voice message: program change and channel pressure carry one data byte, the rest two
                {
                    running = status;
                    int dataBytes = (status & 0xF0) is 0xC0 or 0xD0 ? 1 : 2;
                    if (pos + dataBytes > end) throw new MidiFormatException(source, $"{Where(track, pos)}: event cut short by the end of the track");
                    for (int i = 0; i < dataBytes; i++)
                        if (data[pos + i] >= 0x80) throw new MidiFormatException(source, $"{Where(track, pos)}: data byte 0x{data[pos + i]:X2} has its top bit set");
                    pos += dataBytes;
                    if (implicitStatus && !previousWasChannel)
                    {
                        // running status across a meta event: written out, so that NAudio does not take the meta
                        // event's status for it
                        rewrites++;
                        if (rewrite != null)
                        {
                            rewrite.AddRange(data.AsSpan(eventStart, statusAt - eventStart));   // delta time
                            rewrite.Add((byte)status);
                            rewrite.AddRange(data.AsSpan(statusAt, pos - statusAt));   // the data bytes
                            continue;
                        }
                    }
                    break;
                }
            }
            rewrite?.AddRange(data.AsSpan(eventStart, pos - eventStart));
        }
        return rewrites;
    }

    // An event's delta time, then a sequencer-specific meta event (FF 7F) of the given length and data bytes: an event
    // NAudio would misread becomes one it skips by its length, as mido skips the original
    private static void AppendSequencerSpecific(List<byte> rewrite, ReadOnlySpan<byte> delta, ReadOnlySpan<byte> lengthAndData)
    {
        rewrite.AddRange(delta);
        rewrite.Add(0xFF);
        rewrite.Add(0x7F);
        rewrite.AddRange(lengthAndData);
    }

    // The data length NAudio requires of the meta events it decodes (sequence number, end of track, tempo, SMPTE
    // offset, time signature, key signature), or -1 for any length.
    private static int NAudioMetaBytes(int type) => type switch { 0x00 => 2, 0x2F => 0, 0x51 => 3, 0x54 => 5, 0x58 => 4, 0x59 => 2, _ => -1 };

    // The data bytes mido 1.2.10 reads of a meta event (a sequence number may also have none; channel prefix one).
    private static int MidoMetaBytes(int type) => type switch { 0x00 => 2, 0x20 => 1, 0x51 => 3, 0x54 => 5, 0x58 => 4, 0x59 => 2, _ => 0 };

    // mido decodes a key signature through a table of -7..7 sharps (negative: flats) in major (0) or minor (1)
    private static bool IsKeySignature(sbyte sharps, byte mode) => sharps is >= -7 and <= 7 && mode <= 1;

    private static string Where(int track, int pos) => $"track {track}, byte {pos}";

    private static long ReadVlq(byte[] data, ref int pos, int end, string source, int track)
    {
        long value = 0;
        for (int i = 0; i < MaxVlqBytes; i++)
        {
            if (pos >= end) throw new MidiFormatException(source, $"{Where(track, pos)}: variable-length quantity cut short by the end of the track");
            byte b = data[pos++];
            value = (value << 7) | (uint)(b & 0x7F);
            if (b < 0x80) return value;
        }
        throw new MidiFormatException(source, $"{Where(track, pos)}: variable-length quantity longer than {MaxVlqBytes} bytes");
    }

    /// <summary>Validates <paramref name="data"/> and returns bytes NAudio can read (the input itself when already plain).</summary>
    /// <exception cref="MidiFormatException">The file is empty, not MIDI, or a chunk length is impossible.</exception>
    public static byte[] Normalise(byte[] data, string source, out int ticksPerQuarter, out ReadRepairs repairs)
    {
        repairs = default;
        if (data.Length == 0) throw new MidiFormatException(source, "empty file");
        if (data.Length < 4 || data[0] != 'M' || data[1] != 'T' || data[2] != 'h' || data[3] != 'd')
            throw new MidiFormatException(source, "not a MIDI file (no MThd header)");
        if (data.Length < ChunkHeaderBytes)
            throw new MidiFormatException(source, "MThd chunk is cut short");
        uint headerLength = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4));
        if (headerLength < HeaderDataBytes)
            throw new MidiFormatException(source, $"MThd chunk length {headerLength} < {HeaderDataBytes}");
        if (headerLength > (uint)(data.Length - ChunkHeaderBytes))
            throw new MidiFormatException(source, $"MThd chunk declares {headerLength} bytes but only {data.Length - ChunkHeaderBytes} remain");
        ushort format = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(8));
        ushort declaredTracks = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(10));
        ushort division = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(12));
        if ((division & SmpteDivisionFlag) != 0)
            throw new MidiFormatException(source, "SMPTE time division is not supported (only ticks per quarter note)");
        if (division == 0)
            throw new MidiFormatException(source, "time division of 0 ticks per quarter note");
        if (format > 2)
            throw new MidiFormatException(source, $"unknown SMF format {format}");
        ticksPerQuarter = division;

        var tracks = new List<(int Offset, int Length, byte[]? Events)>();
        bool plain = headerLength == HeaderDataBytes;
        long pos = ChunkHeaderBytes + headerLength;
        while (pos + ChunkHeaderBytes <= data.Length)
        {
            bool isTrack = data[pos] == 'M' && data[pos + 1] == 'T' && data[pos + 2] == 'r' && data[pos + 3] == 'k';
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan((int)pos + 4));
            long remaining = data.Length - pos - ChunkHeaderBytes;
            if (length > remaining)
            {
                string id = isTrack ? "MTrk" : "chunk";
                throw new MidiFormatException(source, $"{id} chunk at byte {pos} declares {length} bytes but only {remaining} remain");
            }
            if (isTrack)
            {
                byte[]? events = null;
                if (ValidateEvents(data, (int)pos + ChunkHeaderBytes, (int)length, tracks.Count, source, ref repairs) > 0)
                {
                    var rewritten = new List<byte>((int)length + 64);
                    ValidateEvents(data, (int)pos + ChunkHeaderBytes, (int)length, tracks.Count, source, ref repairs, rewritten);
                    events = rewritten.ToArray();
                    plain = false;
                }
                tracks.Add(((int)pos, (int)length, events));
            }
            else plain = false;   // unknown chunk (e.g. XFIH): skipped, as mido does
            pos += ChunkHeaderBytes + length;
        }
        if (tracks.Count == 0) throw new MidiFormatException(source, "no MTrk track chunk");
        if (tracks.Count > MaxTracks) throw new MidiFormatException(source, $"{tracks.Count} tracks is more than the {MaxTracks} an SMF header can count");
        if (tracks.Count != declaredTracks || pos != data.Length) plain = false;
        if (plain) return data;

        int size = ChunkHeaderBytes + HeaderDataBytes + tracks.Sum(t => ChunkHeaderBytes + (t.Events?.Length ?? t.Length));
        var output = new byte[size];
        "MThd"u8.CopyTo(output);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), HeaderDataBytes);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(8), format == 0 && tracks.Count > 1 ? (ushort)1 : format);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(10), (ushort)Math.Min(tracks.Count, ushort.MaxValue));
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(12), division);
        int o = ChunkHeaderBytes + HeaderDataBytes;
        foreach (var (offset, length, events) in tracks)
        {
            if (events is null)
            {
                data.AsSpan(offset, ChunkHeaderBytes + length).CopyTo(output.AsSpan(o));
                o += ChunkHeaderBytes + length;
                continue;
            }
            "MTrk"u8.CopyTo(output.AsSpan(o));
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(o + 4), (uint)events.Length);
            events.CopyTo(output.AsSpan(o + ChunkHeaderBytes));
            o += ChunkHeaderBytes + events.Length;
        }
        return output;
    }
}
