using Cadenza.Common;
using Cadenza.Instruments;
using Cadenza.Notes;
using NAudio.Midi;

namespace Cadenza.Midi;

/// <summary>Writes notes as an SMF type-1 file: a tempo track and one instrument track (or, for an ensemble, one track per instrument), with explicit note-offs.</summary>
/// <remarks>
/// Notes are first quantised to ticks and made readable: a note is at least one tick long (zero-length notes
/// vanish on reading), and a note overlapped by a later one of the same pitch ends where that one starts (one
/// note-off would otherwise end both); of two of the same pitch starting on one tick, the second starts one tick
/// later, so every note is kept. <see cref="Resolve"/>
/// returns exactly what a reader will get back.
/// </remarks>
public static class MidiWriter
{
    private const int Channel = 1;   // NAudio channels are 1-based: MIDI channel 1
    private const int MicrosecondsPerMinute = 60_000_000;

    /// <summary>Writes <paramref name="notes"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<Note> notes, MidiWriteSettings? settings = null) =>
        AtomicFile.WriteAllBytes(path, ToBytes(notes, settings));

    /// <summary>Returns the MIDI file bytes for <paramref name="notes"/>.</summary>
    public static byte[] ToBytes(IReadOnlyList<Note> notes, MidiWriteSettings? settings = null)
    {
        settings ??= MidiWriteSettings.Default;
        var collection = new MidiEventCollection(1, settings.TicksPerQuarter);
        collection.AddTrack();
        int usPerQuarter = (int)Math.Round(MicrosecondsPerMinute / settings.Bpm);
        collection.AddEvent(new TempoEvent(usPerQuarter, 0), 0);
        collection.AddEvent(new TimeSignatureEvent(0, 4, 2, 24, 8), 0);   // 4/4, 24 clocks per click, 8 32nds per quarter
        collection.AddEvent(new MetaEvent(MetaEventType.EndTrack, 0, 0), 0);
        if (!settings.Ensemble)
            AddTrack(collection, settings.TrackName, Channel, settings.Program, ResolveTicks(notes, settings));
        else
            foreach (Part part in Parts(notes, settings))
                AddTrack(collection, part.Name, part.Channel, part.Program, ResolveTicks(part.Notes, settings));

        var buffer = new MemoryStream();
        MidiFile.Export(buffer, collection);
        return buffer.ToArray();
    }

    // one note track: its name, its program, then every event in time order, note-offs before note-ons on the same
    // tick, so a note that starts where another of its pitch ends is not closed by that note-off
    private static void AddTrack(MidiEventCollection collection, string name, int channel, int program, List<TickNote> resolved)
    {
        int track = collection.Tracks;
        collection.AddTrack();
        collection.AddEvent(new TextEvent(name, MetaEventType.SequenceTrackName, 0), track);
        collection.AddEvent(new PatchChangeEvent(0, channel, Math.Clamp(program, 0, 127)), track);
        var timeline = new List<(long Tick, int Order, int Pitch, int Velocity)>(resolved.Count * 2);
        foreach (TickNote n in resolved)
        {
            timeline.Add((n.On, 1, n.Pitch, n.Velocity));
            timeline.Add((n.Off, 0, n.Pitch, 0));
        }
        timeline.Sort();
        foreach (var (tick, order, pitch, velocity) in timeline)
        {
            MidiEvent e = order == 0
                ? new NoteEvent(tick, channel, MidiCommandCode.NoteOff, pitch, 0)
                : new NoteOnEvent(tick, channel, pitch, velocity, 0);
            collection.AddEvent(e, track);
        }
        long last = timeline.Count > 0 ? timeline[^1].Tick : 0;
        collection.AddEvent(new MetaEvent(MetaEventType.EndTrack, 0, last), track);
    }

    /// <summary>The notes exactly as a reader gets them back from the written file: quantised, overlaps resolved, sorted by start then pitch.</summary>
    /// <remarks>For an ensemble, each note keeps its track's program, drum flag and <see cref="Note.Instrument"/> as given (a reader numbers instruments its own way).</remarks>
    public static Note[] Resolve(IReadOnlyList<Note> notes, MidiWriteSettings? settings = null)
    {
        settings ??= MidiWriteSettings.Default;
        double secondsPerTick = 60.0 / (settings.Bpm * settings.TicksPerQuarter);
        IEnumerable<Note> resolved = settings.Ensemble
            ? Parts(notes, settings).SelectMany(part => ResolveTicks(part.Notes, settings)
                .Select(n => new Note(n.Pitch, n.On * secondsPerTick, n.Off * secondsPerTick, n.Velocity, part.Program, part.IsDrum, part.Instrument)))
            : ResolveTicks(notes, settings).Select(n => new Note(n.Pitch, n.On * secondsPerTick, n.Off * secondsPerTick, n.Velocity, settings.Program));
        Note[] result = resolved.ToArray();
        MidiReader.SortByStartThenPitch(result);
        return result;
    }

    /// <summary>One track of an ensemble: the notes of one instrument (its track key), with the channel and name it is written with.</summary>
    private sealed record Part(int Instrument, int Program, bool IsDrum, int Channel, string Name, List<Note> Notes);

    // the notes grouped by instrument (class), program and drum flag, in instrument order; drums on MIDI channel 10,
    // the others on channels 1–9 and 11–16 in turn (a 16th pitched part shares a channel, keeping its own track)
    private static List<Part> Parts(IReadOnlyList<Note> notes, MidiWriteSettings settings)
    {
        var groups = new Dictionary<(int Instrument, int Program, bool IsDrum), List<Note>>();
        foreach (Note n in notes)
        {
            var key = (n.Instrument, Math.Clamp(n.Program, 0, 127), n.IsDrum);
            if (!groups.TryGetValue(key, out List<Note>? list)) groups[key] = list = [];
            list.Add(n);
        }
        var parts = new List<Part>(groups.Count);
        int melodic = 0;
        foreach (var ((instrument, program, isDrum), list) in groups.OrderBy(g => g.Key.Instrument).ThenBy(g => g.Key.Program).ThenBy(g => g.Key.IsDrum))
        {
            int channel = isDrum ? DrumChannel : MelodicChannels[melodic++ % MelodicChannels.Length];
            string name = settings.TrackNames is { } names && instrument >= 0 && instrument < names.Count ? names[instrument] : GeneralMidi.Name(program, isDrum);
            parts.Add(new Part(instrument, program, isDrum, channel, name, list));
        }
        return parts;
    }

    private const int DrumChannel = 10;   // NAudio's 1-based channel 10: General MIDI percussion
    private static readonly int[] MelodicChannels = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16];

    private readonly record struct TickNote(long On, long Off, int Pitch, int Velocity);

    private static List<TickNote> ResolveTicks(IReadOnlyList<Note> notes, MidiWriteSettings settings)
    {
        double ticksPerSecond = settings.Bpm * settings.TicksPerQuarter / 60.0;
        var ticks = new List<TickNote>(notes.Count);
        foreach (Note n in notes)
        {
            if (!double.IsFinite(n.Start) || !double.IsFinite(n.End))
                throw new ArgumentException($"note {n.Pitch} has a non-finite time ({n.Start}, {n.End})", nameof(notes));
            long on = (long)Math.Round(Math.Max(0, n.Start) * ticksPerSecond);
            long off = Math.Max(on + 1, (long)Math.Round(Math.Max(0, n.End) * ticksPerSecond));
            int velocity = Math.Clamp(settings.Velocity ?? n.Velocity, 1, 127);
            ticks.Add(new TickNote(on, off, Math.Clamp(n.Pitch, 0, 127), velocity));
        }
        // stable by onset then pitch
        var ordered = ticks.Select((n, i) => (n, i)).OrderBy(x => x.n.On).ThenBy(x => x.n.Pitch).ThenBy(x => x.i).Select(x => x.n).ToList();
        var result = new List<TickNote>(ordered.Count);
        var lastOfPitch = new int[128];
        Array.Fill(lastOfPitch, -1);
        foreach (TickNote note in ordered)
        {
            TickNote n = note;
            int previous = lastOfPitch[n.Pitch];
            if (previous >= 0)
            {
                TickNote p = result[previous];
                if (n.On <= p.On)
                {
                    // same pitch on the same tick: one note-off would end both, so the later one starts a tick later
                    n = n with { On = p.On + 1, Off = Math.Max(n.Off, p.On + 2) };
                }
                if (p.Off > n.On) result[previous] = p with { Off = n.On };
            }
            lastOfPitch[n.Pitch] = result.Count;
            result.Add(n);
        }
        return result;
    }
}
