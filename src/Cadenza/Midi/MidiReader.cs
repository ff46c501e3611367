using System.IO.Compression;
using Cadenza.Notes;
using NAudio.Midi;

namespace Cadenza.Midi;

/// <summary>Reads a MIDI file into notes by pretty_midi 0.2.10's rules, on top of NAudio.Midi's event parser.</summary>
/// <remarks>
/// NAudio parses the events (read with <c>strictChecking: false</c>: real files contain stray note-offs); notes are
/// paired here from the raw events, because NAudio's own first-in-first-out pairing differs from pretty_midi on
/// overlapping notes of one pitch. The rules are spelled out in shared/fixtures/midi/README.md.
/// </remarks>
public static class MidiReader
{
    /// <summary>pretty_midi rejects files whose largest tick + 1 exceeds this ("likely corrupt").</summary>
    public const long MaxTick = 10_000_000;

    private const int PercussionChannel = 9;   // MIDI channel 10, 0-based
    private const int Channels = 16;
    private const int Pitches = 128;

    /// <summary>Reads <paramref name="path"/> (.mid, .midi, or gzip-compressed .gz).</summary>
    /// <exception cref="MidiFormatException">The file is missing, unreadable or not a valid MIDI file.</exception>
    public static MidiNotes Read(string path, MidiReadSettings? settings = null)
    {
        settings ??= MidiReadSettings.Default;
        return Read(ReadFileBytes(path, settings), path, settings);
    }

    /// <summary>The MIDI bytes of <paramref name="path"/>, gunzipped when it ends in .gz, within the size limit.</summary>
    /// <exception cref="MidiFormatException">The file is missing, unreadable or too large.</exception>
    internal static byte[] ReadFileBytes(string path, MidiReadSettings settings)
    {
        byte[] data;
        try
        {
            if (Directory.Exists(path)) throw new MidiFormatException(path, "is a directory, expected a MIDI file");
            var info = new FileInfo(path);
            if (!info.Exists) throw new MidiFormatException(path, "no such file");
            if (info.Length > settings.MaxFileBytes)
                throw new MidiFormatException(path, $"{info.Length} bytes is larger than the {settings.MaxFileBytes}-byte limit for a MIDI file");
            data = File.ReadAllBytes(path);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) data = Gunzip(data, path, settings.MaxFileBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MidiFormatException(path, $"cannot read: {e.Message}", e);
        }
        return data;
    }

    /// <summary>Reads MIDI bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="MidiFormatException">The bytes are not a valid MIDI file.</exception>
    public static MidiNotes Read(byte[] data, string source, MidiReadSettings? settings = null)
    {
        settings ??= MidiReadSettings.Default;
        byte[] plain = MidiChunks.Normalise(data, source, out int ticksPerQuarter);
        MidiFile file;
        try
        {
            file = new MidiFile(new MemoryStream(plain, writable: false), strictChecking: false);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or InvalidDataException or ArgumentException
                                      or OverflowException or IndexOutOfRangeException or InvalidCastException or IOException)
        {
            string reason = e is EndOfStreamException ? "a track ends in the middle of an event (truncated or corrupt)" : e.Message.ReplaceLineEndings(" ");
            throw new MidiFormatException(source, $"corrupt MIDI data: {reason}", e);
        }
        return Extract(file, ticksPerQuarter, source, settings);
    }

    private static MidiNotes Extract(MidiFile file, int ticksPerQuarter, string source, MidiReadSettings settings)
    {
        MidiEventCollection events = file.Events;
        long maxTick = 0;
        for (int t = 0; t < events.Tracks; t++)
        {
            IList<MidiEvent> track = events[t];
            if (track.Count > 0) maxTick = Math.Max(maxTick, track[^1].AbsoluteTime);
        }
        if (maxTick + 1 > MaxTick)
            throw new MidiFormatException(source, $"largest tick {maxTick} exceeds {MaxTick} (likely corrupt)");

        var tempos = new List<(long, int)>();
        foreach (MidiEvent e in events[0])
        {
            if (e is TempoEvent tempo)
            {
                if (tempo.MicrosecondsPerQuarterNote <= 0)
                    throw new MidiFormatException(source, $"tempo of {tempo.MicrosecondsPerQuarterNote} µs per quarter note at tick {e.AbsoluteTime}");
                tempos.Add((e.AbsoluteTime, tempo.MicrosecondsPerQuarterNote));
            }
        }
        TempoMap map = TempoMap.Build(ticksPerQuarter, tempos);

        var instruments = new List<InstrumentBuilder>();
        var byKey = new Dictionary<(int Program, int Channel, int Track), InstrumentBuilder>();
        var open = new List<(long Tick, int Velocity)>?[Channels * Pitches];
        var programs = new int[Channels];
        InstrumentBuilder? last = null;   // consecutive notes mostly belong to one instrument: skip the dictionary

        for (int t = 0; t < events.Tracks; t++)
        {
            Array.Clear(open);
            Array.Clear(programs);   // every track starts on program 0
            foreach (MidiEvent e in events[t])
            {
                switch (e.CommandCode)
                {
                    case MidiCommandCode.PatchChange:
                        programs[e.Channel - 1] = ((PatchChangeEvent)e).Patch;
                        break;
                    case MidiCommandCode.NoteOn when ((NoteEvent)e).Velocity > 0:
                    {
                        var on = (NoteEvent)e;
                        int key = (e.Channel - 1) * Pitches + on.NoteNumber;
                        (open[key] ??= new List<(long, int)>(2)).Add((e.AbsoluteTime, on.Velocity));
                        break;
                    }
                    case MidiCommandCode.NoteOn:      // velocity 0: a note-off
                    case MidiCommandCode.NoteOff:
                        Close((NoteEvent)e, t);
                        break;
                }
            }
        }

        void Close(NoteEvent off, int track)
        {
            int channel = off.Channel - 1;
            int key = channel * Pitches + off.NoteNumber;
            List<(long Tick, int Velocity)>? notes = open[key];
            if (notes is null || notes.Count == 0) return;   // nothing open: ignored
            long endTick = off.AbsoluteTime;
            int kept = 0;
            int closed = 0;
            for (int i = 0; i < notes.Count; i++)
            {
                var (startTick, velocity) = notes[i];
                if (startTick == endTick) { notes[kept++] = notes[i]; continue; }
                closed++;
                int program = programs[channel];   // the program in force at the note-off
                InstrumentBuilder? instrument = last;
                if ((instrument is null || instrument.Program != program || instrument.Channel != channel || instrument.Track != track)
                    && !byKey.TryGetValue((program, channel, track), out instrument))
                {
                    instrument = new InstrumentBuilder(instruments.Count, program, channel, track);
                    instruments.Add(instrument);
                    byKey.Add((program, channel, track), instrument);
                }
                last = instrument;
                instrument.Notes.Add(new Note(off.NoteNumber, map.ToSeconds(startTick), map.ToSeconds(endTick), velocity,
                                              program, channel == PercussionChannel, instrument.Index));
            }
            // notes opened on this very tick survive only if another note was closed; otherwise they are zero-length and dropped
            if (closed > 0 && kept > 0) notes.RemoveRange(kept, notes.Count - kept);
            else notes.Clear();
        }

        var list = instruments.Select(i => new MidiInstrument(i.Index, i.Program, i.Channel, i.Track, i.Channel == PercussionChannel, i.Notes.Count)).ToArray();
        IEnumerable<InstrumentBuilder> chosen = settings.Instruments == InstrumentSelection.First
            ? instruments.Where(i => i.Channel != PercussionChannel).Take(1)
            : instruments.Where(i => i.Channel != PercussionChannel);
        Note[] selected = chosen.SelectMany(i => i.Notes).ToArray();
        SortByStartThenPitch(selected);
        return new MidiNotes(selected, list, ticksPerQuarter);
    }

    /// <summary>Stable sort by (start, pitch), the order of the reference CSVs.</summary>
    internal static void SortByStartThenPitch(Note[] notes)
    {
        if (notes.Length < 2) return;
        var keys = new SortKey[notes.Length];
        bool sorted = true;
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = new SortKey(notes[i].Start, notes[i].Pitch, i);
            if (i > 0 && keys[i].CompareTo(keys[i - 1]) < 0) sorted = false;
        }
        if (sorted) return;   // a single-instrument track usually is already
        Array.Sort(keys);     // a struct comparer: the JIT specialises the sort, no delegate per comparison
        Note[] copy = (Note[])notes.Clone();
        for (int i = 0; i < keys.Length; i++) notes[i] = copy[keys[i].Index];
    }

    private readonly record struct SortKey(double Start, int Pitch, int Index) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            int c = Start.CompareTo(other.Start);
            if (c == 0) c = Pitch.CompareTo(other.Pitch);
            return c != 0 ? c : Index.CompareTo(other.Index);   // the index makes the sort stable
        }
    }

    private static byte[] Gunzip(byte[] data, string source, long maxBytes)
    {
        try
        {
            using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = gz.Read(buffer)) > 0)
            {
                if (output.Length + n > maxBytes)
                    throw new MidiFormatException(source, $"decompresses to more than the {maxBytes}-byte limit");
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MidiFormatException(source, $"not valid gzip data: {e.Message}", e);
        }
    }

    private sealed class InstrumentBuilder(int index, int program, int channel, int track)
    {
        public int Index { get; } = index;
        public int Program { get; } = program;
        public int Channel { get; } = channel;
        public int Track { get; } = track;
        public List<Note> Notes { get; } = new();
    }
}
