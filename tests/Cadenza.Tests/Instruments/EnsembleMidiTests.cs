using System.Diagnostics;
using System.Text.Json;
using Cadenza.Audio;
using Cadenza.Instruments;
using Cadenza.Midi;
using Cadenza.Notes;
using Cadenza.Tests.Audio;

namespace Cadenza.Tests.Instruments;

/// <summary>An ensemble written as MIDI: one track per instrument with its program and channel, read back by Cadenza's reader and by mido, and played with each program's timbre.</summary>
public class EnsembleMidiTests
{
    // piano chords, a bass line, a string pad and a drum part; times on the tick grid (1,920 ticks a second)
    private static Note[] Ensemble()
    {
        var notes = new List<Note>();
        for (int bar = 0; bar < 4; bar++)
        {
            double t = bar * 1.0;
            foreach (int p in new[] { 60, 64, 67 }) notes.Add(new Note(p + bar, t, t + 0.5, 90, program: 0, instrument: 0));
            notes.Add(new Note(36 + bar, t, t + 0.25, 100, program: 33, instrument: 1));
            notes.Add(new Note(38 + bar, t + 0.5, t + 0.75, 100, program: 33, instrument: 1));
            notes.Add(new Note(72, t, t + 1.0, 70, program: 48, instrument: 2));
            notes.Add(new Note(36, t, t + 0.125, 110, isDrum: true, instrument: 3));
            notes.Add(new Note(42, t + 0.5, t + 0.625, 80, isDrum: true, instrument: 3));
        }
        notes.Add(new Note(60, 0, 0.5, 90, program: 0, instrument: 0));   // a repeated piano note on one tick: moved a tick, as on one track
        return notes.OrderBy(n => n.Start).ThenBy(n => n.Pitch).ToArray();
    }

    private static readonly MidiWriteSettings Settings = new() { Ensemble = true, TrackNames = ["piano", "bass", "strings", "kit"] };

    private static string Key(Note n) => $"{n.Program}/{n.IsDrum}";

    [Fact]
    public void Write_Ensemble_OneTrackPerInstrument_ReadsBackAsResolved()
    {
        using var dir = new TempDir();
        Note[] notes = Ensemble();
        string path = dir.File("ensemble.mid");
        MidiWriter.Write(path, notes, Settings);

        MidiNotes read = MidiReader.Read(path, new MidiReadSettings { Drums = true });
        Assert.Equal(4, read.Instruments.Count);
        Assert.Equal([0, 33, 48, 0], read.Instruments.Select(i => i.Program));
        Assert.Equal([false, false, false, true], read.Instruments.Select(i => i.IsDrum));
        Assert.Equal(4, read.Instruments.Select(i => i.Track).Distinct().Count());          // one track each
        Assert.Equal(9, read.Instruments[3].Channel);                                        // drums on MIDI channel 10

        Note[] expected = MidiWriter.Resolve(notes, Settings);
        Assert.Equal(notes.Length, expected.Length);
        foreach (var group in expected.GroupBy(Key))
        {
            var back = read.Notes.Where(n => Key(n) == group.Key).Select(n => (n.Pitch, Math.Round(n.Start, 6), Math.Round(n.End, 6), n.Velocity)).ToArray();
            Assert.Equal(group.Select(n => (n.Pitch, Math.Round(n.Start, 6), Math.Round(n.End, 6), n.Velocity)).ToArray(), back);
        }
        // without drums, the reader leaves the kit out, as pretty_midi's tutorial does
        Assert.DoesNotContain(MidiReader.Read(path).Notes, n => n.IsDrum);
    }

    [Fact]
    public void Read_Drums_KeepsTheKitOnlyWhenAsked()
    {
        // the fixture's instrument list (pretty_midi): 8 drum notes on channel 10, 4 piano notes
        string path = Path.Combine(Paths.MidiFixtures, "edge-format0-drums.mid");
        Assert.Equal(4, MidiReader.Read(path).Notes.Length);
        Note[] all = MidiReader.Read(path, new MidiReadSettings { Drums = true }).Notes;
        Assert.Equal(12, all.Length);
        Assert.Equal(8, all.Count(n => n.IsDrum));
        // a corpus read with drums gives the kit a class of its own
        InstrumentClass[] classes = InstrumentVocabulary.Build([all]);
        Assert.Equal(["Acoustic Grand", GeneralMidi.DrumsName, "other"], classes.Select(c => c.Name));
        // and a drums-only file is usable then
        var options = Cadenza.Corpus.CorpusOptions.Default with { MinNotes = 1, UseCache = false, Midi = new MidiReadSettings { Drums = true } };
        using var dir = new TempDir();
        MidiWriter.Write(dir.File("kit.mid"), all.Where(n => n.IsDrum).ToArray(), new MidiWriteSettings { Ensemble = true });
        var (files, _) = Cadenza.Corpus.CorpusReader.Read(dir.Path, options);
        Assert.Equal(Cadenza.Corpus.CorpusFileStatus.Usable, files.Single().Status);
        var (without, _) = Cadenza.Corpus.CorpusReader.Read(dir.Path, options with { Midi = new MidiReadSettings() });
        Assert.Equal("drums only", without.Single().Reason);
    }

    [Fact]
    public void Write_NotAnEnsemble_IsTheSingleTrackFileAsBefore()
    {
        Note[] notes = Ensemble();
        MidiNotes read = MidiReader.Read(MidiWriter.ToBytes(notes, new MidiWriteSettings { Program = 5 }), "single", new MidiReadSettings { Drums = true });
        Assert.Single(read.Instruments);
        Assert.All(read.Notes, n => Assert.Equal((5, false), (n.Program, n.IsDrum)));
    }

    [MidoFact]
    public void Write_Ensemble_MidoReadsTheSameTracks()
    {
        using var dir = new TempDir();
        Note[] notes = Ensemble();
        string path = dir.File("ensemble.mid");
        MidiWriter.Write(path, notes, Settings);
        // mido, an independent MIDI library: each track's name, program, channel and notes (pitch, on and off tick, velocity)
        const string script = """
            import json, sys, mido
            out = []
            for track in mido.MidiFile(sys.argv[1]).tracks:
                t, name, program, channel, open_, notes = 0, None, None, None, {}, []
                for m in track:
                    t += m.time
                    if m.type == 'track_name': name = m.name
                    elif m.type == 'program_change': program, channel = m.program, m.channel
                    elif m.type == 'note_on' and m.velocity > 0: open_[m.note] = (t, m.velocity); channel = m.channel
                    elif m.type in ('note_off', 'note_on'):
                        on, v = open_.pop(m.note); notes.append([m.note, on, t, v])
                if notes: out.append({'name': name, 'program': program, 'channel': channel, 'notes': sorted(notes)})
            print(json.dumps(out))
            """;
        var psi = new ProcessStartInfo(MidoFactAttribute.Python!) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(script); psi.ArgumentList.Add(path);
        using Process p = Process.Start(psi)!;
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        JsonElement[] tracks = JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();

        Assert.Equal(["piano", "bass", "strings", "kit"], tracks.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([0, 33, 48, 0], tracks.Select(t => t.GetProperty("program").GetInt32()));
        Assert.Equal(9, tracks[3].GetProperty("channel").GetInt32());
        Assert.Equal(4, tracks.Select(t => t.GetProperty("channel").GetInt32()).Distinct().Count());
        Note[] expected = MidiWriter.Resolve(notes, Settings);
        const double ticksPerSecond = 1920;
        foreach (var (track, instrument) in tracks.Select((t, i) => (t, i)))
        {
            var want = expected.Where(n => n.Instrument == instrument)
                .Select(n => $"{n.Pitch}@{Math.Round(n.Start * ticksPerSecond)}-{Math.Round(n.End * ticksPerSecond)}v{n.Velocity}").Order().ToArray();
            var got = track.GetProperty("notes").EnumerateArray()
                .Select(a => $"{a[0].GetInt32()}@{a[1].GetInt32()}-{a[2].GetInt32()}v{a[3].GetInt32()}").Order().ToArray();
            Assert.Equal(want, got);
        }
    }

    // the share of a note's early loudness still sounding late in it: near 0 for a struck, decaying tone, near 1 for a held one
    private static double Sustain(AudioProbe audio, double start, double end) =>
        audio.Rms(end - 0.6, end - 0.1) / audio.Rms(start + 0.1, start + 0.6);

    // A4 on the piano for 2 s, then A4 on strings for 2 s: one ensemble file, each track with its program
    private static readonly Note[] PianoThenStrings = [new(69, 0, 2, 100, program: 0, instrument: 0), new(69, 2.5, 4.5, 100, program: 48, instrument: 1)];

    [FluidSynthFact]
    public void Render_Ensemble_FluidSynthPlaysEachTracksProgram()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(PianoThenStrings, dir.File("e.wav"), midi: Settings);
        Assert.Equal(AudioEngine.FluidSynth, result.Engine);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        double piano = Sustain(audio, 0, 2), strings = Sustain(audio, 2.5, 4.5);
        Assert.True(strings > piano + 0.25, $"strings sustain {strings:F2}, piano {piano:F2}: the string track was not played with a string program");
        // and the same notes as one piano track decay alike
        AudioProbe allPiano = AudioProbe.ReadWav(AudioRenderer.Render(PianoThenStrings, dir.File("p.wav")).OutputPath);
        Assert.True(Math.Abs(Sustain(allPiano, 2.5, 4.5) - piano) < 0.15, $"one piano track: {Sustain(allPiano, 2.5, 4.5):F2} vs {piano:F2}");
    }

    [Fact]
    public void Render_Ensemble_BuiltInSynthHoldsAStringNoteAndLetsAPianoNoteDecay()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(PianoThenStrings, dir.File("b.wav"), AudioOptions.Default with { BuiltIn = true }, Settings);
        Assert.Equal(AudioEngine.BuiltIn, result.Engine);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        double piano = Sustain(audio, 0, 2), strings = Sustain(audio, 2.5, 4.5);
        Assert.True(piano < 0.7, $"piano sustain {piano:F2}");
        Assert.True(strings > 0.9, $"strings sustain {strings:F2}");
        Assert.Equal(1, PianoVoice.TimbreOf(48));
        Assert.Equal(0, PianoVoice.TimbreOf(33));
        Assert.Equal(2, PianoVoice.TimbreOf(73));
    }

    [Fact]
    public void NotesCsv_InstrumentColumns_RoundTripProgramAndDrums()
    {
        Note[] notes = Ensemble();
        var w = new StringWriter();
        NotesCsv.Write(w, notes, ["pitch", "start", "end", "velocity", "instrument", "program"], instrumentNames: Settings.TrackNames);
        string csv = w.ToString();
        Assert.Contains(",kit,0\n", csv);
        Assert.Contains(",bass,33\n", csv);
        // the kit's name is not Drums here, so a reader cannot know it; written with GM names it can
        var gm = new StringWriter();
        NotesCsv.Write(gm, notes, ["pitch", "start", "end", "velocity", "instrument", "program"]);
        List<Note> back = NotesCsv.Read(new StringReader(gm.ToString()));
        Assert.Equal(notes.Select(n => (n.Pitch, n.Program, n.IsDrum)), back.Select(n => (n.Pitch, n.Program, n.IsDrum)));
        Assert.Contains($",{GeneralMidi.DrumsName},0\n", gm.ToString());
    }
}

/// <summary>A fact that runs mido (Debian python3-mido, which <c>./cadenza test</c> installs) as an independent MIDI reader; skipped, saying why, where it is missing.</summary>
public sealed class MidoFactAttribute : FactAttribute
{
    /// <summary>The Python that has mido: Debian's (where python3-mido installs, whatever python3 comes first on the PATH), else the PATH's; null when none has it.</summary>
    public static string? Python { get; } = new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(HasMido);

    /// <summary>Skips the test when no python3 with mido is found.</summary>
    public MidoFactAttribute() { if (Python is null) Skip = "mido is not installed (apt-get install python3-mido)"; }

    private static bool HasMido(string python)
    {
        try
        {
            var psi = new ProcessStartInfo(python, "-c \"import mido\"") { RedirectStandardError = true, RedirectStandardOutput = true };
            using Process p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
