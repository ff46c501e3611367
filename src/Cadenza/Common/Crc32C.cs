using System.Buffers.Binary;
using System.Numerics;

namespace Cadenza.Common;

/// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's masked form of it.</summary>
/// <remarks><see cref="BitOperations.Crc32C(uint, ulong)"/> uses the processor's CRC32 instruction where there is one and a table elsewhere.</remarks>
internal static class Crc32C
{
    /// <summary>Added after the rotation when masking, so that a CRC stored inside CRC'd data does not look like one (TensorFlow's kMaskDelta).</summary>
    public const uint MaskDelta = 0xA282EAD8;

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF; "123456789" gives 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>Continues a running (not yet inverted) CRC over more data: <c>~Append(Append(uint.MaxValue, a), b)</c> is the CRC of a then b.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    /// <summary>The masked CRC TFRecord stores: rotate right by 15 bits, then add <see cref="MaskDelta"/>.</summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + MaskDelta;
    }
}
