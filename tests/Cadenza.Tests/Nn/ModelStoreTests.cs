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

    [Fact]
    public void ReadSafeTensors_WrittenByAnotherTool_WidensF16Bf16F64AndKeepsMetadata()
    {
        using var dir = new TempDir();
        // as Python's safetensors writes it: metadata with string values, header padded with spaces, mixed dtypes
        byte[] f32 = [.. BitConverter.GetBytes(1.5f), .. BitConverter.GetBytes(-2f)];
        byte[] f16 = [.. BitConverter.GetBytes((Half)0.25), .. BitConverter.GetBytes((Half)(-3))];
        byte[] bf16 = [0x80, 0x3F, 0x40, 0xC0];   // the upper halves of 1.0f (0x3F800000) and -3.0f (0xC0400000)
        byte[] f64 = [.. BitConverter.GetBytes(0.1), .. BitConverter.GetBytes(1e300)];
        string header = """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"c":{"dtype":"BF16","shape":[1,2],"data_offsets":[12,16]},"d":{"dtype":"F64","shape":[2],"data_offsets":[16,32]}}""";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        byte[] file = [.. BitConverter.GetBytes((ulong)header.Length), .. System.Text.Encoding.UTF8.GetBytes(header), .. f32, .. f16, .. bf16, .. f64];
        File.WriteAllBytes(dir.File("w.safetensors"), file);
        var (tensors, metadata) = SafeTensors.Read(dir.File("w.safetensors"));
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(new[] { 1.5f, -2f }, tensors["a"].Values);
        Assert.Equal(new[] { 0.25f, -3f }, tensors["b"].Values);
        Assert.Equal(new[] { 1f, -3f }, tensors["c"].Values);
        Assert.Equal(new[] { 1, 2 }, tensors["c"].Shape);
        Assert.Equal(new[] { 0.1f, float.PositiveInfinity }, tensors["d"].Values);
    }

    [Fact]
    public void Load_ConfigSavedWithAByteOrderMark_Loads()
    {
        // editors that save "UTF-8 with BOM" put EF BB BF first; File.ReadAllText drops it, a byte parser must too
        using var dir = new TempDir();
        MusicModel model = KerasFixtures.Model();
        ModelStore.Save(model, dir.Path);
        string config = dir.File(ModelStore.ConfigFile);
        File.WriteAllBytes(config, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(config)]);
        Assert.Equal(model.Parameters.Values, ModelStore.Load(dir.Path).Parameters.Values);
    }
}
