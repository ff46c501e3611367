using Cadenza.Instruments;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Tests.Instruments;

/// <summary>The instrument vocabulary: which programs get a class, what a note maps to, the names a user may give, and the model configuration it adds.</summary>
public class InstrumentVocabularyTests
{
    private static Note[] Notes(int program, int count, int low, int high, bool drum = false, int voice = 0) =>
        Enumerable.Range(0, count).Select(i => new Note(low + i % (high - low + 1), i * 0.1, i * 0.1 + 0.1, program: program, isDrum: drum, instrument: voice)).ToArray();

    [Fact]
    public void Build_KeepsTheMostFrequentPrograms_TheRestAreOther()
    {
        // bass 33 has the most notes, then piano 0, then strings 48; with a limit of 2 strings and flute are "other"
        Note[][] pieces = [[.. Notes(0, 30, 60, 72), .. Notes(33, 50, 28, 40)], [.. Notes(48, 20, 55, 80), .. Notes(73, 5, 70, 90)]];
        InstrumentClass[] classes = InstrumentVocabulary.Build(pieces, limit: 2);
        Assert.Equal(["Electric Bass(finger)", "Acoustic Grand", "other"], classes.Select(c => c.Name));
        Assert.Equal([33, 0, 48], classes.Select(c => c.Program));          // other plays as the most frequent program left out
        Assert.Equal([50L, 30, 25], classes.Select(c => c.Notes));
        Assert.Equal((28, 40), (classes[0].LowestPitch, classes[0].HighestPitch));
        Assert.Equal((55, 74), (classes[2].LowestPitch, classes[2].HighestPitch));   // strings 55–74, flute 70–74
        Assert.DoesNotContain(classes, c => c.IsDrum);                     // no drum notes, no drum class

        var v = new InstrumentVocabulary(classes);
        Assert.Equal(0, v.ClassOf(new Note(30, 0, 1, program: 33)));
        Assert.Equal(1, v.ClassOf(new Note(60, 0, 1, program: 0)));
        Assert.Equal(2, v.ClassOf(new Note(60, 0, 1, program: 73)));
        Assert.Equal(2, v.ClassOf(new Note(36, 0, 1, isDrum: true)));      // drums without a class of their own are other
        Note played = v.Play(new Note(40, 1, 2), 0);
        Assert.Equal((33, false, 0), (played.Program, played.IsDrum, played.Instrument));
    }

    [Fact]
    public void Build_DrumsGetAClassOnlyWhenTheCorpusHasDrumNotes()
    {
        InstrumentClass[] classes = InstrumentVocabulary.Build([[.. Notes(0, 10, 60, 70), .. Notes(0, 4, 36, 42, drum: true)]]);
        Assert.Equal(["Acoustic Grand", "Drums", "other"], classes.Select(c => c.Name));
        var v = new InstrumentVocabulary(classes);
        Assert.Equal(1, v.ClassOf(new Note(36, 0, 1, program: 0, isDrum: true)));
        Assert.True(v.Play(new Note(36, 0, 1), 1).IsDrum);
    }

    [Fact]
    public void Build_ByVoice_NamesFourVoicesByHeight()
    {
        // voice numbers in an order unrelated to height: 0 is the tenor, 1 the soprano, 2 the bass, 3 the alto
        Note[][] pieces = [[.. Notes(0, 8, 50, 60, voice: 0), .. Notes(0, 8, 67, 79, voice: 1), .. Notes(0, 8, 38, 50, voice: 2), .. Notes(0, 8, 58, 70, voice: 3)]];
        InstrumentClass[] classes = InstrumentVocabulary.Build(pieces, byVoice: true);
        Assert.Equal(["tenor", "soprano", "bass", "alto", "other"], classes.Select(c => c.Name));
        var v = new InstrumentVocabulary(classes);
        Assert.True(v.ByVoice);
        Assert.Equal(2, v.ClassOf(new Note(40, 0, 1, instrument: 2)));
        Assert.Equal(4, v.ClassOf(new Note(40, 0, 1, instrument: 9)));
    }

    [Fact]
    public void Match_ClassNamesFamiliesProgramsAndDrums()
    {
        var v = new InstrumentVocabulary(InstrumentVocabulary.Build(
            [[.. Notes(0, 9, 60, 70), .. Notes(33, 8, 30, 40), .. Notes(35, 7, 30, 40), .. Notes(48, 6, 50, 70), .. Notes(0, 5, 36, 40, drum: true)]]));
        Assert.Equal(["Acoustic Grand", "Electric Bass(finger)", "Fretless Bass", "String Ensemble 1", "Drums", "other"], v.Names);
        Assert.Equal([1, 2], v.Match("bass"));                   // a family: every bass
        Assert.Equal([2], v.Match("fretless bass"));             // a GM name, case and spaces ignored
        Assert.Equal([3], v.Match("48"));
        Assert.Equal([4], v.Match("drums"));
        Assert.Equal([0], v.Match("Piano"));
        var e = Assert.Throws<ArgumentException>(() => v.Match("banjo"));
        Assert.Contains("Acoustic Grand", e.Message);             // the message lists what the model has
    }

    [Fact]
    public void ParseProgram_NumbersNamesFamiliesAndDrums()
    {
        Assert.Equal(32, GeneralMidi.ParseProgram("Acoustic Bass"));
        Assert.Equal(48, GeneralMidi.ParseProgram("strings"));
        Assert.Equal(32, GeneralMidi.ParseProgram("bass"));
        Assert.Equal(40, GeneralMidi.ParseProgram("violin"));
        Assert.Equal(5, GeneralMidi.ParseProgram("5"));
        Assert.Null(GeneralMidi.ParseProgram("Drums"));
        Assert.Throws<ArgumentException>(() => GeneralMidi.ParseProgram("200"));
        Assert.Throws<ArgumentException>(() => GeneralMidi.ParseProgram("kazoo orchestra"));
    }

    [Fact]
    public void ProgramMap_ReorchestratesByClass()
    {
        var v = new InstrumentVocabulary(InstrumentVocabulary.Build([[.. Notes(0, 9, 60, 70), .. Notes(33, 8, 30, 40)]]));
        var map = ProgramMap.Parse("piano=strings, bass=drums", v);
        Note[] notes = ProgramMap.Apply([v.Play(new Note(60, 0, 1), 0), v.Play(new Note(35, 0, 1), 1), v.Play(new Note(50, 0, 1), 2)], map);
        Assert.Equal((48, false), (notes[0].Program, notes[0].IsDrum));
        Assert.True(notes[1].IsDrum);
        Assert.Equal(v.Classes[2].Program, notes[2].Program);     // other: unchanged
        Assert.Equal([0, 1, 2], notes.Select(n => n.Instrument));  // each stays on its own track
        Assert.Throws<ArgumentException>(() => ProgramMap.Parse("piano", v));
    }

    [Fact]
    public void WithInstruments_AddsTheInputTheHeadAndGivesPitchTheInstrument()
    {
        InstrumentClass[] classes = InstrumentVocabulary.Build([[.. Notes(0, 9, 60, 70), .. Notes(33, 8, 30, 40)]]);
        ModelConfig c = ModelConfig.Cadenza.WithInstruments(classes);
        Assert.Equal(["pitch", "step", "duration", "instrument"], c.Features);
        Assert.Equal(ModelConfig.InstrumentEmbeddingDim, c.EmbeddingDim("instrument"));
        HeadConfig head = c.Heads.Single(h => h.Name == "instrument");
        Assert.Equal((3, HeadKind.Classes, true), (head.Units, head.Kind, head.Copy));
        Assert.Equal(["step", "instrument"], c.Heads.Single(h => h.Name == "pitch").Given!);
        // instrument before pitch: a note's pitch is drawn knowing who plays it
        int[] order = c.DrawingOrder()!;
        Assert.True(Array.IndexOf(order, 3) < Array.IndexOf(order, 0));
        Assert.Null(c.NoteModelProblem());
        c.Validate("test");
        Assert.Equal(c.WithInstruments(classes), c.WithInstruments(classes).WithInstruments(classes), new ConfigShape());   // applying twice changes nothing
        // and the features of a note: its class
        Assert.Equal([60f, 0f, 1f, 1f], c.ToFeatures([new Note(60, 0, 1, program: 33)]));
    }

    [Fact]
    public void Validate_InstrumentsNeedAnEmbeddedModelAndTheirClasses()
    {
        var e = Assert.Throws<ModelFormatException>(() => (ModelConfig.Paper with { Instruments = true }).Validate("x"));
        Assert.Contains("cadenza preset", e.Message);
        var bare = ModelConfig.Cadenza with { Features = ["pitch", "step", "duration", "instrument"] };
        Assert.Contains("instrumentClasses", Assert.Throws<ModelFormatException>(() => bare.Validate("x")).Message);
        InstrumentClass[] noOther = [new("Acoustic Grand", 0)];
        Assert.Throws<ModelFormatException>(() => ModelConfig.Cadenza.WithInstruments(noOther).Validate("x"));
    }

    [Fact]
    public void SaveAndLoad_KeepsTheVocabulary()
    {
        using var dir = new TempDir();
        InstrumentClass[] classes = InstrumentVocabulary.Build([[.. Notes(0, 9, 60, 70), .. Notes(33, 8, 30, 40), .. Notes(0, 3, 36, 38, drum: true)]]);
        ModelConfig config = (ModelConfig.Cadenza with { LstmUnits = [8] }).WithInstruments(classes).WithTimeValues([Notes(0, 30, 60, 70)]);
        MusicModel model = MusicModel.Create(config, 1);
        ModelStore.Save(model, dir.Path);
        ModelConfig back = ModelStore.Load(dir.Path).Config;
        Assert.Equal(classes, back.InstrumentClasses!);
        Assert.True(back.Instruments);
        Assert.True(back.SameArchitecture(config));
    }

    private sealed class ConfigShape : IEqualityComparer<ModelConfig>
    {
        public bool Equals(ModelConfig? a, ModelConfig? b) => a!.SameArchitecture(b!);
        public int GetHashCode(ModelConfig c) => 0;
    }
}
