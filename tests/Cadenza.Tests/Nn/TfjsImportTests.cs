using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Cadenza.Model;

namespace Cadenza.Tests.Nn;

/// <summary>TF.js models as other tools write them: other layer names, scoped weight names, Keras 3 topology, quantised shards.</summary>
public class TfjsImportTests
{
    private static JsonObject FixtureJson() => JsonNode.Parse(File.ReadAllText(KerasFixtures.ModelJson))!.AsObject();

    private static JsonArray Layers(JsonObject root) => root["modelTopology"]!["config"]!["layers"]!.AsArray();

    private static JsonArray ManifestWeights(JsonObject root) => root["weightsManifest"]![0]!["weights"]!.AsArray();

    // writes model.json (and, unless given, the fixture's weights.bin) into dir and imports it
    private static MusicModel Import(TempDir dir, JsonObject root, byte[]? shard = null)
    {
        File.WriteAllBytes(dir.File("weights.bin"), shard ?? File.ReadAllBytes(Path.Combine(Paths.KerasFixtures, "weights.bin")));
        File.WriteAllText(dir.File("model.json"), root.ToJsonString());
        return TfjsFormat.Import(dir.File("model.json"));
    }

    private static void RenameLayer(JsonObject root, string from, string to, string weightPrefix)
    {
        foreach (JsonNode? layer in Layers(root))
        {
            if (layer!["name"]!.GetValue<string>() == from) { layer["name"] = to; layer["config"]!["name"] = to; }
            foreach (JsonNode? call in layer["inbound_nodes"]!.AsArray().SelectMany(n => n!.AsArray()))
                if (call![0]!.GetValue<string>() == from) call[0] = to;
        }
        foreach (JsonNode? w in ManifestWeights(root))
        {
            string name = w!["name"]!.GetValue<string>();
            if (name.StartsWith(from + "/", StringComparison.Ordinal)) w["name"] = weightPrefix + name[(from.Length + 1)..];
        }
    }

    [Fact]
    public void Import_LstmWithAnotherNameAndScopedWeights_GivesTheFixtureWeights()
    {
        using var dir = new TempDir();
        JsonObject root = FixtureJson();
        RenameLayer(root, "lstm", "lstm_LSTM1", "music_rnn/lstm_LSTM1/lstm_cell/");   // TF.js's automatic name, model and cell scopes
        MusicModel model = Import(dir, root);
        Assert.Equal(KerasFixtures.Model().Parameters.Values, model.Parameters.Values);
        Assert.Equal(new[] { 128 }, model.Config.LstmUnits);
    }

    [Fact]
    public void Import_Keras3InboundNodesAndLossWeightList_ReadsTopologyAndWeights()
    {
        using var dir = new TempDir();
        JsonObject root = FixtureJson();
        foreach (JsonNode? layer in Layers(root))
        {
            // Keras 3 writes each call as {"args": [a keras tensor], "kwargs": {}} and the input shape as batch_shape
            JsonArray nodes = layer!["inbound_nodes"]!.AsArray();
            if (nodes.Count == 1)
            {
                string from = nodes[0]![0]![0]!.GetValue<string>();
                layer["inbound_nodes"] = new JsonArray(new JsonObject
                {
                    ["args"] = new JsonArray(new JsonObject { ["class_name"] = "__keras_tensor__", ["config"] = new JsonObject { ["keras_history"] = new JsonArray(from, 0, 0) } }),
                    ["kwargs"] = new JsonObject(),
                });
            }
            JsonObject cfg = layer["config"]!.AsObject();
            if (cfg["batch_input_shape"] is JsonNode shape) { cfg.Remove("batch_input_shape"); cfg["batch_shape"] = shape.DeepClone(); }
        }
        root["modelTopology"]!["training_config"] = new JsonObject { ["loss_weights"] = new JsonArray(0.25f, 2f, 0.5f) };
        MusicModel model = Import(dir, root);
        Assert.Equal(KerasFixtures.Model().Parameters.Values, model.Parameters.Values);
        Assert.Equal(new[] { 0.25f, 2f, 0.5f }, model.Config.Heads.Select(h => h.LossWeight));
    }

    [Fact]
    public void Import_Float16Quantised_GivesTheWeightsRoundedToHalf()
    {
        using var dir = new TempDir();
        JsonObject root = FixtureJson();
        float[] original = KerasFixtures.Model().Parameters.Values;
        foreach (JsonNode? w in ManifestWeights(root)) w!["quantization"] = new JsonObject { ["dtype"] = "float16", ["original_dtype"] = "float32" };
        Half[] halves = original.Select(v => (Half)v).ToArray();
        MusicModel model = Import(dir, root, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray());
        Assert.Equal(halves.Select(h => (float)h), model.Parameters.Values);
        Assert.True(original.Zip(model.Parameters.Values).Max(p => Math.Abs(p.First - p.Second)) < 1e-3f);   // close to the float32 weights
    }

    [Fact]
    public void Import_Uint8Quantised_GivesScaleTimesCodePlusMin()
    {
        using var dir = new TempDir();
        JsonObject root = FixtureJson();
        int count = KerasFixtures.Model().ParameterCount;
        var codes = new byte[count];
        for (int i = 0; i < count; i++) codes[i] = (byte)(i * 7 % 256);
        const double scale = 0.01, min = -1.25;
        foreach (JsonNode? w in ManifestWeights(root)) w!["quantization"] = new JsonObject { ["dtype"] = "uint8", ["scale"] = scale, ["min"] = min, ["original_dtype"] = "float32" };
        MusicModel model = Import(dir, root, codes);
        Assert.Equal(codes.Select(q => (float)(q * scale + min)), model.Parameters.Values);   // in double, rounded once, as TF.js does
    }

    [Fact]
    public void Import_StackedLstmsWithUnusualNames_MapsThemInOrder()
    {
        using var dir = new TempDir();
        var config = new ModelConfig { LstmUnits = [24, 16], SequenceLength = 6 };
        MusicModel original = MusicModel.Create(config, 3);
        TfjsFormat.Export(original, dir.Path);
        JsonObject root = JsonNode.Parse(File.ReadAllText(dir.File("model.json")))!.AsObject();
        RenameLayer(root, "lstm", "encoder", "encoder/");
        RenameLayer(root, "lstm_1", "lstm_7", "lstm_7/");
        File.WriteAllText(dir.File("model.json"), root.ToJsonString());
        MusicModel back = TfjsFormat.Import(dir.File("model.json"));
        Assert.Equal(original.Parameters.Values, back.Parameters.Values);
        Assert.Equal(new[] { 24, 16 }, back.Config.LstmUnits);
    }

    [Theory]
    [InlineData("hard_sigmoid", "recurrent_activation 'hard_sigmoid' is not supported")]
    [InlineData("sequences", "returns sequences")]
    [InlineData("sequential", "without output_layers")]
    [InlineData("int8", "quantised as int8")]
    public void Import_UnsupportedModel_OneLineErrorNamingTheProblem(string change, string expected)
    {
        using var dir = new TempDir();
        JsonObject root = FixtureJson();
        JsonNode lstm = Layers(root).First(l => l!["class_name"]!.GetValue<string>() == "LSTM")!;
        switch (change)
        {
            case "hard_sigmoid": lstm["config"]!["recurrent_activation"] = "hard_sigmoid"; break;   // TF.js's own default
            case "sequences": lstm["config"]!["return_sequences"] = true; break;
            case "sequential": root["modelTopology"]!["config"]!.AsObject().Remove("output_layers"); break;
            case "int8": ManifestWeights(root)[0]!["quantization"] = new JsonObject { ["dtype"] = "int8" }; break;
        }
        var e = Assert.Throws<ModelFormatException>(() => Import(dir, root));
        Assert.Contains(expected, e.Message);
        Assert.Contains("model.json", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
