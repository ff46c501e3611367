using System.Numerics.Tensors;
using Cadenza.Generation;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Tests.Nn;

namespace Cadenza.Tests.Generation;

public class GeneratorTests
{
    private static float[] Seed()
    {
        Note[] notes = MidiReader.Read(Path.Combine(Paths.Demo, "BoosterMusic_01-ClairDeLaLune.mid")).Notes;
        return NoteFeatures.ToFeatures(notes.AsSpan(0, 25));
    }

    [Fact]
    public void TemperatureZero_EqualsAnIndependentArgmaxLoop()
    {
        MusicModel model = KerasFixtures.Model();
        float[] seed = Seed();
        Note[] generated = new Generator(model).Generate(seed, new GenerationOptions { Notes = 30, Temperature = 0 });

        // the paper's loop written out plainly: a list of (pitch, step, duration) rows, normalised when fed
        var window = new List<float[]>();
        for (int i = 0; i < 25; i++) window.Add([seed[i * 3], seed[i * 3 + 1], seed[i * 3 + 2]]);
        var network = new MusicNetwork(model, 1);
        double start = 0;
        for (int n = 0; n < 30; n++)
        {
            float[] input = window.SelectMany(r => new[] { r[0] / 128f, r[1], r[2] }).ToArray();
            network.Forward(input, 1);
            int pitch = TensorPrimitives.IndexOfMax(network.HeadOutput(0, 1));
            float step = Math.Max(0, network.HeadOutput(1, 1)[0]), duration = Math.Max(0, network.HeadOutput(2, 1)[0]);
            start += step;
            Assert.Equal(pitch, generated[n].Pitch);
            Assert.Equal(start, generated[n].Start, 9);
            Assert.Equal(start + duration, generated[n].End, 9);
            window.RemoveAt(0);
            window.Add([pitch, step, duration]);
        }
    }

    [Fact]
    public void Generate_StepAndDurationNeverNegative_CountAsRequested()
    {
        MusicModel model = KerasFixtures.Model();   // untrained: its step/duration heads often predict negatives
        Note[] notes = new Generator(model).Generate(Seed(), new GenerationOptions { Notes = 200, Temperature = 1.5f, Seed = 5 });
        Assert.Equal(200, notes.Length);
        for (int i = 0; i < notes.Length; i++)
        {
            Assert.True(notes[i].Duration >= 0);
            Assert.True(i == 0 ? notes[i].Start >= 0 : notes[i].Start >= notes[i - 1].Start);
        }
    }

    [Fact]
    public void GenerateJob_SameSeed_ByteIdenticalMidiAndCsv_AndEveryFileWritten()
    {
        using var dir = new TempDir();
        string modelJson = KerasFixtures.ModelJson;
        string seedMidi = Path.Combine(Paths.Demo, "BoosterMusic_01-ClairDeLaLune.mid");
        GenerateRequest Request(string name) => new()
        {
            ModelPath = modelJson, Output = dir.File(name), SeedMidi = seedMidi, Audio = ["wav"],
            Options = new GenerationOptions { Notes = 50, Seed = 3 },
        };
        GenerateOutcome a = GenerateJob.Run(Request("a"));
        GenerateJob.Run(Request("b"));
        Assert.Equal(File.ReadAllBytes(dir.File("a.mid")), File.ReadAllBytes(dir.File("b.mid")));
        Assert.Equal(File.ReadAllBytes(dir.File("a.csv")), File.ReadAllBytes(dir.File("b.csv")));
        foreach (string suffix in new[] { ".mid", ".csv", ".pianoroll.png", ".distributions.png", ".wav" })
            Assert.Contains(dir.File("a" + suffix), a.Files);

        // the MIDI holds exactly the requested notes, velocity 100, piano
        MidiNotes midi = MidiReader.Read(dir.File("a.mid"));
        Assert.Equal(50, midi.Notes.Length);
        Assert.All(midi.Notes, n => Assert.Equal(100, n.Velocity));
        Assert.Equal(0, Assert.Single(midi.Instruments).Program);

        // the CSV has the paper's columns and reads back to the generated notes
        Assert.Equal("pitch,step,duration,start,end", File.ReadLines(dir.File("a.csv")).First());
        List<Note> csv = NotesCsv.ReadFile(dir.File("a.csv"));
        Assert.Equal(a.Notes.Select(n => (n.Pitch, n.Start, n.End)), csv.Select(n => (n.Pitch, n.Start, n.End)));

        // pictures are real PNGs of a plausible size
        foreach (string png in new[] { "a.pianoroll.png", "a.distributions.png" })
        {
            byte[] bytes = File.ReadAllBytes(dir.File(png));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            Assert.True(bytes.Length > 10_000);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void GenerateJob_SeedMidiTooShort_ClearError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<GenerationException>(() => GenerateJob.Run(new GenerateRequest
        {
            ModelPath = KerasFixtures.ModelJson, Output = dir.File("x"), SeedMidi = Path.Combine(Paths.MidiFixtures, "edge-tpq96.mid"), Audio = [],
        }));
        Assert.Contains("13 notes", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Generate_AllocatesNothingPerNote()
    {
        var generator = new Generator(KerasFixtures.Model());
        float[] seed = Seed();
        var output = new Note[120];
        var options = new GenerationOptions { Notes = 120, TopK = 10 };
        generator.Generate(seed, options, output);   // warm up
        long allocated = Allocations.Measure(() => generator.Generate(seed, options, output));
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for 120 notes");   // the per-call Sampler and Rng only
    }
}
