using System.Text.Json;
using Cadenza.Model;

namespace Cadenza.Tests.Nn;

/// <summary>Reads tests/fixtures/keras (TensorFlow.js with Keras semantics): numbers are float32 written as shortest doubles.</summary>
internal static class KerasFixtures
{
    public static string ModelJson => Path.Combine(Paths.KerasFixtures, "model.json");

    public static MusicModel Model() => TfjsFormat.Import(ModelJson);

    public static JsonElement Load(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.KerasFixtures, file))).RootElement;

    public static float[] Flat(JsonElement e)
    {
        var list = new List<float>();
        void Walk(JsonElement x)
        {
            if (x.ValueKind == JsonValueKind.Array) foreach (var item in x.EnumerateArray()) Walk(item);
            else list.Add((float)x.GetDouble());
        }
        Walk(e);
        return list.ToArray();
    }

    /// <summary>Labels as Cadenza's [B, heads] layout (pitch, step, duration).</summary>
    public static float[] Labels(JsonElement labels)
    {
        float[] pitch = Flat(labels.GetProperty("pitch")), step = Flat(labels.GetProperty("step")), duration = Flat(labels.GetProperty("duration"));
        var result = new float[pitch.Length * 3];
        for (int b = 0; b < pitch.Length; b++) { result[b * 3] = pitch[b]; result[b * 3 + 1] = step[b]; result[b * 3 + 2] = duration[b]; }
        return result;
    }

    /// <summary>name → values from a list of {name, shape, values}.</summary>
    public static Dictionary<string, float[]> Tensors(JsonElement list) =>
        list.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => Flat(t.GetProperty("values")));

    public static float[] Bin(string file)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Paths.KerasFixtures, file));
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
