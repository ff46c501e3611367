using System.Buffers;
using System.IO.Compression;
using Cadenza.Notes;
using NAudio.Midi;

namespace Cadenza.Midi;

/// <summary>Reads a MIDI file into notes by pretty_midi 0.2.10's rules, on top of NAudio.Midi's event parser.</summary>
/// <remarks>
/// NAudio's event reader parses the events, driven track by track (see <c>Extract</c>); notes are
/// paired here from the raw events, because NAudio's own first-in-first-out pairing differs from pretty_midi on
/// overlapping notes of one pitch. The rules are spelled out in tests/fixtures/midi/README.md.
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
        byte[] plain = MidiChunks.Normalise(data, source, out int ticksPerQuarter, out ReadRepairs repairs);
        try
        {
            return Extract(plain, ticksPerQuarter, source, settings) with { Repairs = repairs };
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or InvalidDataException or ArgumentException
                                      or OverflowException or IndexOutOfRangeException or InvalidCastException or IOException)
        {
            string reason = e is EndOfStreamException ? "a track ends in the middle of an event (truncated or corrupt)" : e.Message.ReplaceLineEndings(" ");
            throw new MidiFormatException(source, $"corrupt MIDI data: {reason}", e);
        }
    }

    /// <summary>
    /// One pass over the track chunks of a normalised SMF (<see cref="MidiChunks.Normalise"/>: a 14-byte header, then
    /// only MTrk chunks): NAudio's event reader parses each event, and notes are paired as it goes.
    /// </summary>
    /// <remarks>
    /// NAudio's <c>MidiFile</c> would gather every event into a collection and pair note-ons with note-offs its own way
    /// (pairing done here again by pretty_midi's rules): driving its event reader directly and keeping no event
    /// (notes stay in ticks until track 0's tempo map is complete) reads a 5,000-note file in 720 µs instead of
    /// 1,260 µs (the midi probe of bench/Cadenza.Bench).
    /// </remarks>
    private static MidiNotes Extract(byte[] smf, int ticksPerQuarter, string source, MidiReadSettings settings)
    {
        const int HeaderChunk = 14, ChunkHeader = 8;
        var tempos = new List<(long, int)>();
        var instruments = new List<InstrumentBuilder>();
        var byKey = new Dictionary<(int Program, int Channel, int Track), InstrumentBuilder>();
        var open = new List<(long Tick, int Velocity)>?[Channels * Pitches];
        var programs = new int[Channels];
        InstrumentBuilder? last = null;   // consecutive notes mostly belong to one instrument: skip the dictionary
        // every closed note of the file, in closing order; one list per thread, reused: growing a fresh one for each
        // file cost more than the parsing (fresh memory is zeroed and page-faulted in)
        List<TickNote> closedNotes = t_closed ??= new List<TickNote>(4096);
        closedNotes.Clear();

        var stream = new MemoryStream(smf, writable: false);
        using var reader = new BinaryReader(stream);
        int at = HeaderChunk;
        for (int t = 0; at + ChunkHeader <= smf.Length; t++)
        {
            int end = at + ChunkHeader + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(smf.AsSpan(at + 4));
            stream.Position = at + ChunkHeader;
            Array.Clear(open);
            Array.Clear(programs);   // every track starts on program 0
            MidiEvent? previous = null;
            long tick = 0;
            while (stream.Position < end)
            {
                MidiEvent e = MidiEvent.ReadNextEvent(reader, previous);
                previous = e;
                tick += e.DeltaTime;
                if (tick + 1 > MaxTick) throw new MidiFormatException(source, $"largest tick {tick} exceeds {MaxTick} (likely corrupt)");
                switch (e.CommandCode)
                {
                    case MidiCommandCode.PatchChange:
                        programs[e.Channel - 1] = ((PatchChangeEvent)e).Patch;
                        break;
                    case MidiCommandCode.NoteOn when ((NoteEvent)e).Velocity > 0:
                    {
                        var on = (NoteEvent)e;
                        int key = (e.Channel - 1) * Pitches + on.NoteNumber;
                        (open[key] ??= new List<(long, int)>(2)).Add((tick, on.Velocity));
                        break;
                    }
                    case MidiCommandCode.NoteOn:      // velocity 0: a note-off
                    case MidiCommandCode.NoteOff:
                        Close((NoteEvent)e, tick, t);
                        break;
                    case MidiCommandCode.MetaEvent when t == 0 && e is TempoEvent tempo:   // the tempo map comes from track 0 only
                        if (tempo.MicrosecondsPerQuarterNote <= 0)
                            throw new MidiFormatException(source, $"tempo of {tempo.MicrosecondsPerQuarterNote} µs per quarter note at tick {tick}");
                        tempos.Add((tick, tempo.MicrosecondsPerQuarterNote));
                        break;
                }
            }
            // the validator keeps every event inside its chunk; an event NAudio reads past it would misalign the rest
            if (stream.Position != end) throw new MidiFormatException(source, $"track {t}: an event runs past the end of the track chunk");
            at = end;
        }

        void Close(NoteEvent off, long endTick, int track)
        {
            int channel = off.Channel - 1;
            int key = channel * Pitches + off.NoteNumber;
            List<(long Tick, int Velocity)>? notes = open[key];
            if (notes is null || notes.Count == 0) return;   // nothing open: ignored
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
                instrument.Count++;
                closedNotes.Add(new TickNote(startTick, endTick, off.NoteNumber, velocity, instrument.Index));
            }
            // notes opened on this very tick survive only if another note was closed; otherwise they are zero-length and dropped
            if (closed > 0 && kept > 0) notes.RemoveRange(kept, notes.Count - kept);
            else notes.Clear();
        }

        TempoMap map = TempoMap.Build(ticksPerQuarter, tempos);
        var list = instruments.Select(i => new MidiInstrument(i.Index, i.Program, i.Channel, i.Track, i.Channel == PercussionChannel, i.Count)).ToArray();
        IEnumerable<InstrumentBuilder> chosen = settings.Instruments == InstrumentSelection.First
            ? instruments.Where(i => i.Channel != PercussionChannel).Take(1)
            : instruments.Where(i => settings.Drums || i.Channel != PercussionChannel);
        // the chosen instruments' notes concatenated in instrument order (each in closing order), as pretty_midi lists
        // them before the stable sort: a counting sort by instrument
        var next = new int[instruments.Count];
        Array.Fill(next, -1);
        int total = 0;
        foreach (InstrumentBuilder i in chosen) { next[i.Index] = total; total += i.Count; }
        var selected = new Note[total];
        foreach (TickNote note in closedNotes)
        {
            int slot = next[note.Instrument];
            if (slot < 0) continue;
            next[note.Instrument] = slot + 1;
            InstrumentBuilder i = instruments[note.Instrument];
            selected[slot] = new Note(note.Pitch, map.ToSeconds(note.Start), map.ToSeconds(note.End), note.Velocity,
                                    i.Program, i.Channel == PercussionChannel, i.Index);
        }
        if (closedNotes.Capacity > 1 << 20) t_closed = null;   // a huge file's buffer is not kept for the thread's lifetime
        SortByStartThenPitch(selected);
        return new MidiNotes(selected, list, ticksPerQuarter);
    }

    /// <summary>Stable sort by (start, pitch), the order of the reference CSVs.</summary>
    internal static void SortByStartThenPitch(Note[] notes)
    {
        int n = notes.Length;
        if (n < 2) return;
        // pooled scratch: a fresh key array and copy per file were as costly as the sort (fresh memory is page-faulted in)
        SortKey[] keys = ArrayPool<SortKey>.Shared.Rent(n);
        try
        {
            bool sorted = true;
            for (int i = 0; i < n; i++)
            {
                keys[i] = new SortKey(notes[i].Start, notes[i].Pitch, i);
                if (i > 0 && keys[i].CompareTo(keys[i - 1]) < 0) sorted = false;
            }
            if (sorted) return;   // a single-instrument track usually is already
            Array.Sort(keys, 0, n);   // a struct comparer: the JIT specialises the sort, no delegate per comparison
            Note[] copy = ArrayPool<Note>.Shared.Rent(n);
            notes.CopyTo(copy, 0);
            for (int i = 0; i < n; i++) notes[i] = copy[keys[i].Index];
            ArrayPool<Note>.Shared.Return(copy);
        }
        finally
        {
            ArrayPool<SortKey>.Shared.Return(keys);
        }
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
        public int Count { get; set; }
    }

    private readonly record struct TickNote(long Start, long End, int Pitch, int Velocity, int Instrument);

    [ThreadStatic] private static List<TickNote>? t_closed;
}
