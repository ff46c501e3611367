using System.Buffers.Binary;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>A minimal protocol-buffers wire-format reader over a span: tags, varints, 64-bit doubles, length-delimited fields, and skipping of everything else.</summary>
/// <remarks>Every length is checked against the bytes left before it is used, so a corrupt message cannot make it read past its end or allocate.</remarks>
internal ref struct ProtoReader
{
    /// <summary>Wire type 0: varint.</summary>
    public const int Varint = 0;

    /// <summary>Wire type 1: 64-bit little-endian (double, fixed64).</summary>
    public const int Fixed64 = 1;

    /// <summary>Wire type 2: a varint length, then that many bytes (strings, messages, packed fields).</summary>
    public const int LengthDelimited = 2;

    /// <summary>Wire type 3: start of a group (deprecated, skipped).</summary>
    public const int StartGroup = 3;

    /// <summary>Wire type 4: end of a group.</summary>
    public const int EndGroup = 4;

    /// <summary>Wire type 5: 32-bit little-endian (float, fixed32).</summary>
    public const int Fixed32 = 5;

    private const int MaxVarintBytes = 10;
    private const int MaxGroupDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    /// <summary>Reads <paramref name="data"/> from its start.</summary>
    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    /// <summary>Byte offset of the next field.</summary>
    public readonly int Position => _pos;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    /// <exception cref="FormatException">The tag is malformed or names field 0.</exception>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = wireType = 0;
        if (_pos >= _data.Length) return false;
        ulong tag = ReadVarint();
        wireType = (int)(tag & 7);
        ulong number = tag >> 3;
        if (number is 0 or > int.MaxValue) throw new FormatException($"invalid field number {number} at byte {_pos}");
        field = (int)number;
        return true;
    }

    /// <summary>Reads a varint (up to 64 bits).</summary>
    /// <exception cref="FormatException">It is truncated or longer than 10 bytes.</exception>
    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int i = 0, shift = 0; i < MaxVarintBytes; i++, shift += 7)
        {
            if (_pos >= _data.Length) throw new FormatException($"varint truncated at byte {_pos}");
            byte b = _data[_pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new FormatException($"varint longer than {MaxVarintBytes} bytes at byte {_pos}");
    }

    /// <summary>Reads an int32/int64 varint field as protobuf does for int32 (negative values are 10-byte varints; the low 32 bits are kept).</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    /// <summary>Reads a little-endian double (wire type 1).</summary>
    /// <exception cref="FormatException">Fewer than 8 bytes are left.</exception>
    public double ReadDouble()
    {
        if (_data.Length - _pos < sizeof(double)) throw new FormatException($"double truncated at byte {_pos}");
        double value = BinaryPrimitives.ReadDoubleLittleEndian(_data[_pos..]);
        _pos += sizeof(double);
        return value;
    }

    /// <summary>Reads a length-delimited field's bytes (wire type 2) without copying.</summary>
    /// <exception cref="FormatException">The length runs past the end of the message.</exception>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int start = _pos;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos)) throw new FormatException($"field at byte {start} declares {length} bytes but {_data.Length - _pos} are left");
        ReadOnlySpan<byte> bytes = _data.Slice(_pos, (int)length);
        _pos += (int)length;
        return bytes;
    }

    /// <summary>Skips a field of <paramref name="wireType"/> whose tag was just read.</summary>
    /// <exception cref="FormatException">The wire type is invalid or the field is truncated.</exception>
    public void Skip(int wireType, int field) => Skip(wireType, field, 0);

    private void Skip(int wireType, int field, int depth)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Advance(sizeof(ulong)); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Advance(sizeof(uint)); break;
            case StartGroup:
                if (depth >= MaxGroupDepth) throw new FormatException($"groups nested deeper than {MaxGroupDepth} at byte {_pos}");
                while (true)
                {
                    if (!TryReadTag(out int inner, out int innerType)) throw new FormatException($"group {field} is not closed");
                    if (innerType == EndGroup)
                    {
                        if (inner != field) throw new FormatException($"group {field} closed as {inner} at byte {_pos}");
                        return;
                    }
                    Skip(innerType, inner, depth + 1);
                }
            default:
                throw new FormatException($"invalid wire type {wireType} for field {field} at byte {_pos}");
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _pos < count) throw new FormatException($"field truncated at byte {_pos}");
        _pos += count;
    }
}
