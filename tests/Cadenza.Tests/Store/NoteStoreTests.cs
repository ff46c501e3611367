using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Model;
using Cadenza.Evaluation;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Store;
using Cadenza.Tests.Datasets;
using Cadenza.Training;

namespace Cadenza.Tests.Store;

/// <summary>The memory-mapped note store: 8 bytes a note, windows equal to the in-memory ones, a block order that visits every window once.</summary>
public class NoteStoreTests
{
    // pieces on a 1/8 s grid (exact in half floats), of several instruments, one shorter than a window
    private static Note[][] Pieces() => [DatasetFiles.Piece(1, 60, instruments: 3), DatasetFiles.Piece(2, 3), DatasetFiles.Piece(3, 90, instruments: 2, withDrums: true), DatasetFiles.Piece(4, 26)];

    [Fact]
    public void Write_EightBytesANote_AndReadsBackEveryNote()
    {
        using var dir = new TempDir();
        Note[][] pieces = Pieces();
        long written = NoteStore.Write(dir.File("s.cnz"), pieces);
        Assert.Equal(pieces.Sum(p => p.Length), written);
        long bytes = new FileInfo(dir.File("s.cnz")).Length;
        Assert.Equal(64 + written * 8 + (pieces.Length + 1) * 8, bytes);
        using NoteStore store = NoteStore.Open(dir.File("s.cnz"));
        Assert.Equal(pieces.Length, store.Pieces);
        for (int p = 0; p < pieces.Length; p++)
        {
            Assert.Equal(pieces[p].Length, store.Length(p));
            for (int i = 0; i < pieces[p].Length; i++)
            {
                Note n = pieces[p][i];
                StoredNote s = store[store.First(p) + i];
                Assert.Equal((n.Pitch, n.Velocity, n.Program, n.IsDrum, n.Instrument), (s.Pitch, s.Velocity, s.ProgramAndDrum & 0x7F, (s.ProgramAndDrum & 0x80) != 0, s.Voice));
                Assert.Equal(NoteFeatures.Step(pieces[p], i), s.Step, 9);
                Assert.Equal(n.Duration, s.Duration, 9);
            }
        }
    }

    [Fact]
    public void Windows_EqualTheInMemoryWindows_ForThePaperAndAnInstrumentModel()
    {
        using var dir = new TempDir();
        Note[][] pieces = Pieces();
        NoteStore.Write(dir.File("s.cnz"), pieces);
        using NoteStore store = NoteStore.Open(dir.File("s.cnz"));
        var vocabulary = new InstrumentVocabulary(InstrumentVocabulary.Build(pieces));
        ModelConfig cadenza = ModelConfig.Cadenza.WithInstruments(vocabulary.Classes.ToArray());
        // and windows that start before their piece (padStart), which the store pads as memory does
        foreach (ModelConfig c in new[] { ModelConfig.Paper, cadenza, cadenza with { PadStart = true } })
        {
            var memory = new WindowSet(pieces, c.SequenceLength, c.Features, c.Vocabulary(), c.PadStart);
            var disk = new StoreWindows(store, c.SequenceLength, c.Features, c.Vocabulary(), c.PadStart);
            Assert.Equal(memory.Count, disk.Count);
            int[] all = Enumerable.Range(0, memory.Count).ToArray();
            for (int w = 0; w < all.Length; w++) Assert.Equal(memory.Locate(w), disk.Locate(w));
            var (inputs, columns, labels) = c.WindowLayout();
            int[] shifts = all.Select(w => w % 13 - 6).ToArray();
            float[] stretches = all.Select(w => 0.8f + 0.05f * (w % 9)).ToArray();
            float[] articulations = all.Select(w => 0.4f + 0.3f * (w % 7)).ToArray();
            float[] Fill(IWindowSource s)
            {
                var x = new float[all.Length * c.SequenceLength * c.InputSize + all.Length * c.Heads.Length];
                s.Fill(all, x.AsSpan(0, all.Length * c.SequenceLength * c.InputSize), x.AsSpan(all.Length * c.SequenceLength * c.InputSize), inputs, columns, labels, shifts, stretches, articulations);
                return x;
            }
            Assert.Equal(Fill(memory), Fill(disk));
        }
    }

    [Fact]
    public void BlockOrder_VisitsEveryWindowOnce_FromFewBlocksPerBatch_AndRepeatsForTheSameSeed()
    {
        const int count = 10_000, block = 512, batch = 64;
        int[] Epoch(ulong seed)
        {
            var order = new BlockOrder(count, block);
            order.Shuffle(new Rng(seed), seed * 3);
            var all = new int[count];
            for (int b = 0; b * batch < count; b++) order.Take(b * batch, all.AsSpan(b * batch, Math.Min(batch, count - b * batch)));
            return all;
        }
        int[] first = Epoch(1);
        Assert.Equal(Enumerable.Range(0, count), first.Order());
        Assert.Equal(first, Epoch(1));
        Assert.NotEqual(first, Epoch(2));
        for (int b = 0; b + batch <= count; b += batch)
            Assert.True(first.Skip(b).Take(batch).Select(w => w / block).Distinct().Count() <= 2, "a batch reads at most two blocks");
        Assert.NotEqual(Enumerable.Range(0, batch), first.Take(batch));   // and is shuffled within them
    }

    [Fact]
    public void Train_FromTheStore_TheLossFalls()
    {
        using var dir = new TempDir();
        var rng = new Rng(9);
        Note[][] pieces = Enumerable.Range(0, 12).Select(i => DatasetFiles.Piece((ulong)i + 20, 400)).ToArray();
        NoteStore.Write(dir.File("s.cnz"), pieces);
        using NoteStore store = NoteStore.Open(dir.File("s.cnz"));
        ModelConfig config = (ModelConfig.Cadenza with { LstmUnits = [16] }).WithTimeValues(pieces);
        var windows = new StoreWindows(store, config.SequenceLength, config.Features);
        Assert.Equal(StoreWindows.Block, windows.ShuffleBlock);
        var model = MusicModel.Create(config, 1);
        var trainer = new Trainer(model, TrainingConfig.Preset("cadenza") with { Epochs = 3, Patience = 0, Threads = 1 }, windows, null, dir.Path, (_, _) => { });
        TrainingResult result = trainer.Run(resume: false);
        Assert.Equal(3, result.History.Count);
        Assert.True(result.History[^1].Loss < result.History[0].Loss, $"loss {result.History[0].Loss} → {result.History[^1].Loss}");
    }

    [Fact]
    public void TrainJob_Store_HoldsTheFolderLock_FromWritingTheStores_ToTheEndOfTheRun()
    {
        using var dir = new TempDir();
        TrainRequest request = new()
        {
            Source = Paths.Demo, Output = dir.File("m"), Model = ModelConfig.Cadenza with { LstmUnits = [8] }, Store = true,
            Training = TrainingConfig.Preset("cadenza") with { Epochs = 1, Patience = 0, Threads = 1, Validation = 0.2 },
            Corpus = CorpusOptions.Default with { UseCache = false },
        };
        PreparedTraining first = TrainJob.Prepare(request);
        string trainNotes = Path.Combine(StoredTraining.StoreFolder(dir.File("m")), "train.notes");
        byte[] written = File.ReadAllBytes(trainNotes);
        // a second run into the folder is refused before it rewrites the stores the first one has mapped
        var refused = Assert.Throws<FolderLockedException>(() => TrainJob.Prepare(request with { Training = request.Training with { Seed = 7 } }));
        Assert.Contains(dir.File("m"), refused.Message);
        Assert.Equal(written, File.ReadAllBytes(trainNotes));
        Assert.Single(TrainJob.Run(first).History);
        // the run released it: the folder can be resumed into
        TrainJob.Run(TrainJob.Prepare(request with { Resume = true, Training = request.Training with { Epochs = 2 } }));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void TrainJob_Store_TrainsFromDisk_ResumesToTheSameBits_EvaluatesOnItsValidationStore()
    {
        using var dir = new TempDir();
        ModelConfig small = ModelConfig.Cadenza with { LstmUnits = [16] };
        TrainingConfig training = TrainingConfig.Preset("cadenza") with { Epochs = 2, Patience = 0, Threads = 1, Validation = 0.2 };
        TrainRequest Request(string output, int epochs, bool resume = false) =>
            new() { Source = Paths.Demo, Output = output, Model = small, Training = training with { Epochs = epochs }, Resume = resume, Store = true,
                    Corpus = CorpusOptions.Default with { UseCache = false } };
        PreparedTraining prepared = TrainJob.Prepare(Request(dir.File("whole"), 2));
        Assert.IsType<StoreWindows>(prepared.TrainWindows);
        // every usable demo piece went to one side, by a draw per piece
        var (files, _) = CorpusReader.Read(Paths.Demo, CorpusOptions.Default with { UseCache = false, MinNotes = small.SequenceLength + 1 });
        Assert.Equal(files.Count(f => f.Status == CorpusFileStatus.Usable), prepared.TrainWindows.Pieces + prepared.ValidationWindows!.Pieces);
        Assert.True(prepared.ValidationWindows.Pieces > 0);
        TrainingResult result = TrainJob.Run(prepared);
        Assert.Equal(2, result.History.Count);
        Assert.True(File.Exists(Path.Combine(StoredTraining.StoreFolder(dir.File("whole")), "train.notes")));

        // a run stopped after one epoch and resumed ends with the same weights
        TrainJob.Run(TrainJob.Prepare(Request(dir.File("split"), 1)));
        TrainJob.Run(TrainJob.Prepare(Request(dir.File("split"), 2, resume: true)));
        Assert.Equal(ModelStore.Load(dir.File("whole")).Parameters.Values, ModelStore.Load(dir.File("split")).Parameters.Values);

        // eval without --data reads the validation store; generate draws a recorded seed
        EvalReport report = EvalJob.Run(new EvalRequest { ModelPath = dir.File("whole"), Seeds = 1, Notes = 20 }).Report;
        Assert.Contains("validation store", report.HeldOutSource);
        Assert.True(report.Loss.PitchNats < Math.Log(128));
        Assert.Equal(30, GenerateJob.Run(new GenerateRequest { ModelPath = dir.File("whole"), Output = dir.File("piece"), Audio = [], Options = new() { Notes = 30 } }).Notes.Length);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("short")]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("bitflip")]
    public void Open_BadFile_OneLineErrorNamingIt(string kind)
    {
        using var dir = new TempDir();
        string path = dir.File("s.cnz");
        NoteStore.Write(path, Pieces());
        byte[] bytes = File.ReadAllBytes(path);
        switch (kind)
        {
            case "missing": File.Delete(path); break;
            case "short": File.WriteAllBytes(path, bytes[..20]); break;
            case "garbage": bytes[3] ^= 0xFF; File.WriteAllBytes(path, bytes); break;
            case "truncated": File.WriteAllBytes(path, bytes[..^9]); break;
            case "bitflip": bytes[64 + 8 * 17 + 5] ^= 0x10; File.WriteAllBytes(path, bytes); break;   // one note's step: counts intact, the checksum catches it
        }
        var e = Assert.Throws<StoreException>(() => NoteStore.Open(path));
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
