using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>Reads and writes the safetensors container (8-byte header length, JSON header, raw little-endian float32 data).</summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L << 20;   // the format's own limit on the JSON header

    /// <summary>Writes the tensors of <paramref name="parameters"/> (plus optional extra float arrays) atomically.</summary>
    public static void Write(string path, ParameterSet parameters, IReadOnlyDictionary<string, string>? metadata = null,
                             IEnumerable<(string Name, float[] Values)>? extra = null)
    {
        var tensors = parameters.Tensors.Select(t => (t.Name, t.Shape, Data: (ReadOnlyMemory<float>)parameters.Values.AsMemory(t.Offset, t.Length))).ToList();
        if (extra != null) tensors.AddRange(extra.Select(e => (e.Name, new[] { e.Values.Length }, (ReadOnlyMemory<float>)e.Values)));
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (name, shape, data) in tensors)
        {
            long bytes = data.Length * 4L;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;   // keep the data 8-byte aligned, padded with spaces as the spec allows
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, _, data) in tensors) stream.Write(MemoryMarshal.AsBytes(data.Span));
        });
    }

    /// <summary>Reads every tensor of a safetensors file as float32 (F32, or F16/BF16/F64 widened): name → (shape, values), plus the metadata.</summary>
    /// <exception cref="ModelFormatException">The file is missing, truncated or not safetensors.</exception>
    public static (Dictionary<string, (int[] Shape, float[] Values)> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new ModelFormatException(path, "weights file is missing"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFormatException(path, $"cannot read weights: {e.Message}", e); }
        if (data.Length < 8) throw new ModelFormatException(path, "not a safetensors file (shorter than its 8-byte header)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8) || (long)headerLength > MaxHeaderBytes)
            throw new ModelFormatException(path, $"safetensors header declares {headerLength} bytes but the file has {data.Length - 8}");
        JsonObject header;
        try { header = StrictJson.ParseObject(data.AsSpan(8, (int)headerLength)); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        { throw new ModelFormatException(path, "safetensors header is not valid JSON (corrupt file?)", e); }
        int dataStart = 8 + (int)headerLength;
        long dataLength = data.Length - dataStart;
        var tensors = new Dictionary<string, (int[], float[])>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject meta)
                    foreach (var (k, v) in meta) metadata[k] = v is JsonValue text && text.TryGetValue(out string? value) ? value : v?.ToJsonString() ?? "";
                continue;
            }
            try
            {
                string dtype = node!["dtype"]!.GetValue<string>();
                // weights saved by other tools in another float type are widened to float32 (exactly, except F64)
                int size = dtype switch
                {
                    "F32" => 4,
                    "F16" or "BF16" => 2,
                    "F64" => 8,
                    _ => throw new ModelFormatException(path, $"tensor '{name}' has dtype {dtype}; only F32, F16, BF16 and F64 are supported"),
                };
                int[] shape = node["shape"]!.AsArray().Select(s => s!.GetValue<int>()).ToArray();
                long begin = node["data_offsets"]![0]!.GetValue<long>(), end = node["data_offsets"]![1]!.GetValue<long>();
                long count = shape.Aggregate(1L, (a, b) => a * b);
                if (begin < 0 || end > dataLength || end - begin != count * size)
                    throw new ModelFormatException(path, $"tensor '{name}' data [{begin}, {end}) does not fit the file or its shape (truncated?)");
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian machines are not supported");
                ReadOnlySpan<byte> raw = data.AsSpan(dataStart + (int)begin, (int)(end - begin));
                float[] values = new float[count];
                switch (dtype)
                {
                    case "F32": MemoryMarshal.Cast<byte, float>(raw).CopyTo(values); break;
                    case "F16": for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]); break;
                    case "BF16": for (int i = 0; i < count; i++) values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) << 16); break;
                    default: for (int i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]); break;
                }
                tensors[name] = (shape, values);
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new ModelFormatException(path, $"tensor '{name}' has a malformed header entry", e);
            }
        }
        return (tensors, metadata);
    }
}
