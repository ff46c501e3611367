using System.Buffers.Binary;
using System.Text;

namespace Cadenza.Onnx;

/// <summary>Writes protocol-buffer messages field by field (varints, lengths, packed arrays): what an ONNX file is made of.</summary>
/// <remarks>The reader's counterpart is <c>Corpus.NoteSequences.ProtoReader</c>; no generated code, so no protoc and no .proto files.</remarks>
internal sealed class ProtoWriter
{
    private const int Varint = 0, Fixed32 = 5, Delimited = 2;
    private readonly MemoryStream _out = new();

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _out.ToArray();

    /// <summary>An integer field (int32, int64, enum, bool).</summary>
    public ProtoWriter Int(int field, long value)
    {
        Tag(field, Varint);
        Raw((ulong)value);
        return this;
    }

    /// <summary>A float field.</summary>
    public ProtoWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    /// <summary>A string field, UTF-8.</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, Delimited);
        Raw((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    /// <summary>An embedded message, written by <paramref name="body"/>.</summary>
    public ProtoWriter Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        return Bytes(field, inner._out.GetBuffer().AsSpan(0, (int)inner._out.Length));
    }

    /// <summary>A packed repeated integer field.</summary>
    public ProtoWriter PackedInts(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.Raw((ulong)v);
        return Bytes(field, inner._out.GetBuffer().AsSpan(0, (int)inner._out.Length));
    }

    /// <summary>A packed repeated float field.</summary>
    public ProtoWriter PackedFloats(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Bytes(field, bytes);
    }

    private void Tag(int field, int wire) => Raw((ulong)(field << 3 | wire));

    private void Raw(ulong v)
    {
        while (v >= 0x80)
        {
            _out.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _out.WriteByte((byte)v);
    }
}
