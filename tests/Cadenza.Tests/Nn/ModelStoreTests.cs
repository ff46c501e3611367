using Cadenza.Model;

namespace Cadenza.Tests.Nn;

public class ModelStoreTests
{
    [Fact]
    public void SaveLoad_RoundTrip_IsBitExact()
    {
        using var dir = new TempDir();
        MusicModel model = KerasFixtures.Model();
        ModelStore.Save(model, dir.Path);
        MusicModel back = ModelStore.Load(dir.Path);
        Assert.Equal(model.Parameters.Values, back.Parameters.Values);
        Assert.Equal(model.Config.Heads, back.Config.Heads);
        Assert.Equal(model.Config.LstmUnits, back.Config.LstmUnits);
        Assert.True(File.Exists(dir.File("weights.safetensors")));
    }

    [Fact]
    public void ExportImport_Tfjs_RoundTripIsBitExactAndStackedWorks()
    {
        using var dir = new TempDir();
        var config = new ModelConfig { LstmUnits = [32, 16], SequenceLength = 10 };
        MusicModel model = MusicModel.Create(config, 7);
        TfjsFormat.Export(model, dir.Path);
        MusicModel back = ModelStore.Load(dir.File("model.json"));
        Assert.Equal(model.Parameters.Values, back.Parameters.Values);
        Assert.Equal(config.LstmUnits, back.Config.LstmUnits);
        Assert.Equal(10, back.Config.SequenceLength);
        Assert.Equal(config.Heads, back.Config.Heads);
    }

    [Fact]
    public void Export_FixtureModel_WritesWeightsIdenticalToFixtureBin()
    {
        using var dir = new TempDir();
        TfjsFormat.Export(KerasFixtures.Model(), dir.Path);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Paths.KerasFixtures, "weights.bin")), File.ReadAllBytes(dir.File(TfjsFormat.ShardName)));
    }

    [Fact]
    public void Load_MissingWeights_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        ModelStore.Save(KerasFixtures.Model(), dir.Path);
        File.Delete(dir.File("weights.safetensors"));
        var e = Assert.Throws<ModelFormatException>(() => ModelStore.Load(dir.Path));
        Assert.Contains("weights.safetensors", e.Message);
    }

    [Fact]
    public void Load_TruncatedWeights_ThrowsModelFormatException()
    {
        using var dir = new TempDir();
        ModelStore.Save(KerasFixtures.Model(), dir.Path);
        byte[] bytes = File.ReadAllBytes(dir.File("weights.safetensors"));
        File.WriteAllBytes(dir.File("weights.safetensors"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ModelFormatException>(() => ModelStore.Load(dir.Path));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Load_ConfigFromAnotherVersion_ThrowsClearError()
    {
        using var dir = new TempDir();
        ModelStore.Save(KerasFixtures.Model(), dir.Path);
        File.WriteAllText(dir.File("config.json"), File.ReadAllText(dir.File("config.json")).Replace("\"version\": 1", "\"version\": 99"));
        var e = Assert.Throws<ModelFormatException>(() => ModelStore.Load(dir.Path));
        Assert.Contains("version 99", e.Message);
    }
}
