using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Generation;
using Cadenza.Instruments;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Tests.Datasets;
using Cadenza.Tests.Nn;
using Cadenza.Training;

namespace Cadenza.Tests.Instruments;

/// <summary>A model with instruments: its gradients, and trained end to end on an ensemble corpus, a composed piece that is an ensemble.</summary>
public class InstrumentModelTests
{
    private static readonly InstrumentClass[] ThreeInstruments =
        [new("Acoustic Grand", 0), new("Electric Bass(finger)", 33), new("other", 48, Other: true)];

    [Fact]
    public void CopyWithinInstrument_PointsOnlyAtTheSameInstrumentsNotes_HandComputed()
    {
        // zero weights: every score 0, so the vocabulary and each allowed position share the attention equally
        const int t = 3, c = 4, hidden = 2;
        var parameters = new ParameterSet([("m/kernel", [hidden, hidden]), ("m/sentinel_kernel", [hidden, 1]), ("m/sentinel_bias", [1])]);
        var mixture = new CopyMixture(parameters, "m", hidden, c, t, maxBatch: 2);
        float[] sequence = new float[t * 2 * hidden];
        // [T, B=2, F=2]: (class, instrument) at each position; window 0's note is instrument 1, window 1's instrument 5 (in no position)
        float[] window = [2, 1, 2, 0, 0, 0, 0, 0, 3, 1, 3, 0];
        mixture.Forward(sequence, sequence.AsSpan(0, 2 * hidden), new float[2 * c], window, 2, 0, 2, parameters.Values, matchColumn: 1, match: [1, 5]);
        float[] logp = mixture.LogProbs(2).ToArray();
        // window 0 may point at positions 0 (class 2) and 2 (class 3): a = 1/3 each; p(j) = (1/4 + [j=2] + [j=3]) / 3
        double[] w0 = [0.25 / 3, 0.25 / 3, 1.25 / 3, 1.25 / 3];
        for (int j = 0; j < c; j++) Assert.Equal(Math.Log(w0[j]), logp[j], 5);
        Assert.Equal(1 / 3f, mixture.SentinelWeight(0), 6);
        // window 1's instrument plays nowhere in its window: the softmax alone
        for (int j = 0; j < c; j++) Assert.Equal(Math.Log(0.25), logp[c + j], 5);
        Assert.Equal(1f, mixture.SentinelWeight(1), 6);
    }

    [Fact]
    public void Gradients_InstrumentInputHeadAndGivenPitch_MatchCentralFiniteDifferences()
    {
        ModelConfig config = new ModelConfig
        {
            SequenceLength = 4,
            Embeddings = [new("pitch", 3), new("step", 2)],
            TimeBinEdges = [0.001, 0.1, 0.5],
            LstmUnits = [5],
            Heads = [new("pitch", 128, HeadKind.Classes, 1f) { Copy = true, Given = ["step"] }, new("step", 4, HeadKind.Classes, 1f), new("duration", 1, HeadKind.Regression, 1f)],
        }.WithInstruments(ThreeInstruments);
        // a narrow instrument embedding, and the instrument head at full weight so its gradients are large enough to check
        config = config with
        {
            Embeddings = config.Embeddings!.Select(e => e.Feature == "instrument" ? e with { Dim = 2 } : e).ToArray(),
            Heads = config.Heads.Select(h => h.Name == "instrument" ? h with { LossWeight = 1f } : h).ToArray(),
        };
        config.Validate("test");
        Assert.Equal("instrument", config.Heads[0].CopyWithin);
        MusicModel model = MusicModel.Create(config, seed: 3);
        var rng = new Rng(4);
        foreach (string name in new[] { "instrument_copy/kernel", "instrument_copy/sentinel_kernel", "instrument_copy/sentinel_bias", "pitch_copy/kernel" })
        {
            Span<float> w = model.Parameters.Span(name);
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextNormal() * 1.5f;   // away from the all-zero start, so their gradients are tested
        }
        model.Parameters.Span("duration/bias").Fill(0.7f);
        const int batch = 3, f = 4;
        var x = new float[batch * config.SequenceLength * f];
        for (int i = 0; i < x.Length; i += f) { x[i] = 60 + rng.NextInt(3); x[i + 1] = rng.NextInt(4); x[i + 2] = 0.3f; x[i + 3] = rng.NextInt(3); }
        float[] labels = [61, 1, 0.8f, 2, 100, 0, 0.6f, 1, 60, 3, 0.9f, 0];   // [B, heads]: pitch, step, duration, instrument
        var (gradients, touched) = GradientCheck.Run(model, x, labels, batch);
        var largest = model.Parameters.Tensors.ToDictionary(t => t.Name, t => gradients.AsSpan(t.Offset, t.Length).ToArray().Max(MathF.Abs));
        // (the copy kernels' own gradients, tiny at 5 units, are checked on a larger network in CadenzaLayerTests)
        foreach (string name in new[] { "instrument_embedding/embeddings", "instrument/kernel", "instrument_copy/sentinel_kernel", "instrument_copy/sentinel_bias", "pitch/kernel", "pitch_copy/sentinel_kernel" })
            Assert.True(touched.Contains(name), $"{name} carries no gradient: {string.Join(", ", largest.Select(kv => $"{kv.Key} {kv.Value:G3}"))}");
    }

    // a band: piano melody (60–79), a bass line (33–47, program 33) on every beat, a string pad (55–70, program 48) every two
    internal static void WriteBand(string folder, int pieces, ulong seed)
    {
        Directory.CreateDirectory(folder);
        var rng = new Rng(seed);
        for (int p = 0; p < pieces; p++)
        {
            var notes = new List<Note>();
            int melody = 68, bass = 40;
            for (int beat = 0; beat < 48; beat++)
            {
                double t = beat * 0.5;
                melody = Math.Clamp(melody + rng.NextInt(5) - 2, 60, 79);
                bass = Math.Clamp(bass + rng.NextInt(5) - 2, 33, 47);
                notes.Add(new Note(melody, t, t + 0.25, 90, program: 0, instrument: 0));
                notes.Add(new Note(melody - 3, t + 0.25, t + 0.5, 90, program: 0, instrument: 0));
                notes.Add(new Note(bass, t, t + 0.45, 100, program: 33, instrument: 1));
                if (beat % 2 == 0) notes.Add(new Note(55 + rng.NextInt(16), t, t + 1.0, 70, program: 48, instrument: 2));
            }
            MidiWriter.Write(Path.Combine(folder, $"band{p}.mid"), notes.OrderBy(n => n.Start).ThenBy(n => n.Pitch).ToArray(), new MidiWriteSettings { Ensemble = true });
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void TrainGenerateEval_Instruments_ComposesAnEnsemble()
    {
        using var dir = new TempDir();
        WriteBand(dir.File("train"), 6, 1);
        WriteBand(dir.File("held"), 2, 2);
        string model = dir.File("model");
        ModelConfig small = ModelConfig.Cadenza with { LstmUnits = [32], Instruments = true };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 4, Patience = 0, Validation = 0, Transpose = 0 };
        TrainJob.Run(TrainJob.Prepare(new TrainRequest { Source = dir.File("train"), Output = model, Model = small, Training = training, Corpus = CorpusOptions.Default with { UseCache = false } }));

        ModelConfig trained = ModelStore.Load(model).Config;
        var vocabulary = trained.Vocabulary()!;
        Assert.Equal(["Acoustic Grand", "Electric Bass(finger)", "String Ensemble 1", "other"], vocabulary.Names);   // by notes: piano 96, bass 48, strings 24 a piece

        GenerateOutcome piece = GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("piece"), Audio = [], Options = new() { Notes = 150, Seed = 3 } });
        int[] played = piece.Notes.Select(n => n.Instrument).Distinct().Order().ToArray();
        Assert.True(played.Length >= 3, $"the piece plays {played.Length} instruments: {string.Join(", ", played.Select(k => vocabulary.Names[k]))}");
        Assert.All(piece.Notes, n => Assert.Equal(vocabulary.Classes[n.Instrument].Program, n.Program));
        // the bass plays low, the piano high: the pitch head is given the instrument
        double Mean(int k) => piece.Notes.Where(n => n.Instrument == k).Select(n => (double)n.Pitch).DefaultIfEmpty(double.NaN).Average();
        Assert.True(Mean(1) < Mean(0) - 12, $"bass mean pitch {Mean(1):F1}, piano {Mean(0):F1}");

        // the MIDI holds one track per instrument played, named and programmed, and reads back as written
        MidiNotes midi = MidiReader.Read(dir.File("piece.mid"));
        Assert.Equal(played.Select(k => vocabulary.Classes[k].Program), midi.Instruments.Select(i => i.Program));
        var settings = new MidiWriteSettings { Ensemble = true, TrackNames = vocabulary.Names };
        Assert.Equal(MidiWriter.Resolve(piece.Notes, settings).Select(n => (n.Pitch, n.Program, Math.Round(n.Start, 6))),
                     midi.Notes.Select(n => (n.Pitch, n.Program, Math.Round(n.Start, 6))));
        string[] csv = File.ReadAllLines(dir.File("piece.csv"));
        Assert.Equal("pitch,step,duration,start,end,instrument,program", csv[0]);
        Assert.Equal($"{vocabulary.Names[piece.Notes[0].Instrument]},{piece.Notes[0].Program}", string.Join(',', csv[1].Split(',')[^2..]));

        // --instrument-set: only the bass may play
        GenerateOutcome bassOnly = GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("bass"), Audio = [], InstrumentSet = ["bass"], Options = new() { Notes = 40, Seed = 3 } });
        Assert.All(bassOnly.Notes, n => Assert.Equal(33, n.Program));
        Assert.Single(MidiReader.Read(dir.File("bass.mid")).Instruments);
        // --program-map: the piano part played by a flute, on its own track still
        GenerateOutcome mapped = GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("mapped"), Audio = [], ProgramMap = "piano=flute", Options = new() { Notes = 150, Seed = 3 } });
        Assert.Equal(piece.Notes.Select(n => n.Pitch), mapped.Notes.Select(n => n.Pitch));
        Assert.All(mapped.Notes.Where(n => n.Instrument == 0), n => Assert.Equal(73, n.Program));
        Assert.Contains(",Flute,73", File.ReadAllText(dir.File("mapped.csv")));   // and named after what now plays it
        Assert.Throws<GenerationException>(() => GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("x"), Audio = [], InstrumentSet = ["banjo"] }));

        // eval: the instrument head against its count models, and how the instruments are used
        EvalReport report = EvalJob.Run(new EvalRequest { ModelPath = model, Data = dir.File("held"), Notes = 100, Seeds = 3, JsonPath = dir.File("eval.json") }).Report;
        CountBaselineResult counts = report.CountModels.Single(c => c.Feature == "instrument");
        Assert.True(report.Loss.InstrumentNats < counts.UnigramNats, $"instrument NLL {report.Loss.InstrumentNats:F3}, unigram {counts.UnigramNats:F3}");
        Assert.NotNull(report.Instruments);
        Assert.Equal(4, report.Instruments!.Instruments.Count);
        Assert.Equal(96.0 / 168, report.Instruments.Instruments[0].HeldOutShare, 6);   // piano: 96 of each piece's 168 notes
        Assert.True(report.Instruments.Instruments[1].HeldOut is { Low: >= 33, High: <= 47 }, $"held-out bass range {report.Instruments.Instruments[1].HeldOut}");
        Assert.Contains("\"instrument_nll_nats\"", File.ReadAllText(dir.File("eval.json")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void TrainAndGenerate_BachDoodleHarmonisations_ComeOutAsFourVoices() => TrainAndGenerateChorales(beats: 24, padStart: false);

    [Fact]
    [Trait("Category", "Slow")]
    public void TrainAndGenerate_ShortHarmonisationsPadded_ComeOutAsFourVoices()
    {
        // 8 beats × 4 voices = 32 notes, fewer than a 50-note window and its label: only padded windows read them
        var e = Assert.Throws<CorpusException>(() => TrainAndGenerateChorales(beats: 8, padStart: false));
        Assert.Contains("no usable piece", e.Message);
        TrainAndGenerateChorales(beats: 8, padStart: true);
    }

    private static void TrainAndGenerateChorales(int beats, bool padStart)
    {
        using var dir = new TempDir();
        // chorales: four voices (NoteSequence instruments 0..3, all program 0) sounding together on every beat
        var rng = new Rng(5);
        var requests = new List<(Note[] Melody, Note[] Harmony)>();
        for (int s = 0; s < 12 * 24 / beats; s++)
        {
            var harmony = new List<Note>();
            int[] voice = [72, 64, 57, 45];
            for (int beat = 0; beat < beats; beat++)
            for (int v = 0; v < 4; v++)
            {
                voice[v] = Math.Clamp(voice[v] + rng.NextInt(5) - 2, 64 - 8 * v, 76 - 8 * v);
                harmony.Add(new Note(voice[v], beat * 0.5, beat * 0.5 + 0.5, 100, instrument: v));
            }
            requests.Add((harmony.Where(n => n.Instrument == 0).ToArray(), harmony.OrderBy(n => n.Start).ThenBy(n => n.Pitch).ToArray()));
        }
        string shard = dir.File(BachDoodleTests.ShardName);
        DatasetFiles.Shard(shard, requests.Select(r => DatasetFiles.Session([r])));
        string model = dir.File("model");
        ModelConfig small = ModelConfig.Cadenza with { LstmUnits = [32], Instruments = true, PadStart = padStart };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 4, Patience = 0, Validation = 0, Transpose = 0 };
        TrainJob.Run(TrainJob.Prepare(new TrainRequest { Source = shard, Output = model, Model = small, Training = training, Corpus = CorpusOptions.Default with { UseCache = false } }));

        InstrumentVocabulary vocabulary = ModelStore.Load(model).Config.Vocabulary()!;
        Assert.Equal(["soprano", "alto", "tenor", "bass", "other"], vocabulary.Names);
        GenerateOutcome piece = GenerateJob.Run(new GenerateRequest { ModelPath = model, Output = dir.File("chorale"), Audio = [], Options = new() { Notes = 64, Seed = 2 } });
        MidiNotes midi = MidiReader.Read(dir.File("chorale.mid"));
        Assert.Equal(4, midi.Instruments.Count);
        Assert.Equal(4, midi.Instruments.Select(i => i.Track).Distinct().Count());
        Assert.Equal([0, 1, 2, 3], piece.Notes.Select(n => n.Instrument).Distinct().Order());
    }
}
