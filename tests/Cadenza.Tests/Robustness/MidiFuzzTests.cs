using System.Buffers.Binary;
using System.Diagnostics;
using Cadenza.Common;
using Cadenza.Midi;

namespace Cadenza.Tests.Robustness;

/// <summary>Thousands of mutated MIDI files: the reader answers each with notes or a MidiFormatException, quickly, without huge allocations.</summary>
public class MidiFuzzTests
{
    private static List<byte[]> Originals() =>
        Directory.GetFiles(Paths.MidiFixtures, "*.mid").Concat(Directory.GetFiles(Paths.Demo, "*.mid"))
            .Select(File.ReadAllBytes).Where(b => b.Length > 22).ToList();

    private static byte[] Mutate(byte[] original, Rng rng)
    {
        byte[] data = (byte[])original.Clone();
        switch (rng.NextInt(6))
        {
            case 0:   // bit flips
                for (int i = 0, n = 1 + rng.NextInt(8); i < n; i++) data[rng.NextInt(data.Length)] ^= (byte)(1 << rng.NextInt(8));
                return data;
            case 1:   // truncation
                return data[..rng.NextInt(data.Length)];
            case 2:   // a chunk length (header or first track) set to a random or absurd value
                int at = rng.NextInt(2) == 0 ? 4 : 18;
                BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), rng.NextInt(2) == 0 ? (uint)rng.NextULong() : (uint)rng.NextInt(1000));
                return data;
            case 3:   // an over-long variable-length quantity somewhere in the tracks
            {
                int p = 22 + rng.NextInt(data.Length - 22);
                return [.. data[..p], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. data[p..]];
            }
            case 4:   // a huge delta time (28 bits) inserted as an event's delta
            {
                int p = 22 + rng.NextInt(data.Length - 22);
                return [.. data[..p], 0xFF, 0xFF, 0xFF, 0x7F, .. data[p..]];
            }
            default:   // random garbage spliced in
            {
                int p = rng.NextInt(data.Length);
                byte[] junk = new byte[1 + rng.NextInt(16)];
                for (int i = 0; i < junk.Length; i++) junk[i] = (byte)rng.NextInt(256);
                return [.. data[..p], .. junk, .. data[p..]];
            }
        }
    }

    [Fact]
    public void Read_ThreeThousandMutations_OnlyCleanErrorsNoHangsNoHugeAllocations()
    {
        List<byte[]> originals = Originals();
        var rng = new Rng(2026);
        int parsed = 0, rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] data = Mutate(originals[i % originals.Count], rng);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                MidiReader.Read(data, $"mutant-{i}.mid");
                parsed++;
            }
            catch (MidiFormatException e)
            {
                Assert.StartsWith($"mutant-{i}.mid: ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
                rejected++;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"mutant {i} took {clock.Elapsed}");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 64L * data.Length + (4 << 20), $"mutant {i} ({data.Length} bytes) allocated {allocated} bytes");
        }
        Assert.True(parsed > 100 && rejected > 100, $"{parsed} parsed, {rejected} rejected: the mutations should exercise both paths");
    }

    [Fact]
    public void Read_MetaEventWithAbsurdLength_RejectedBeforeAllocating()
    {
        // a valid header and a track whose text event claims 256 MB
        byte[] track = [0x00, 0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0x00, 0xFF, 0x2F, 0x00];
        byte[] data = [.. "MThd"u8, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, .. "MTrk"u8, 0, 0, 0, (byte)track.Length, .. track];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(data, "absurd.mid"));
        Assert.Contains("meta event declares", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Read_DeltaTimesPastTheTickLimit_Rejected()
    {
        // 40 deltas of 2^28 − 1 ticks: far past pretty_midi's 1e7 limit
        var events = new List<byte>();
        for (int i = 0; i < 40; i++) events.AddRange([0xFF, 0xFF, 0xFF, 0x7F, 0x90, 60, 100]);
        events.AddRange([0x00, 0xFF, 0x2F, 0x00]);
        byte[] data = [.. "MThd"u8, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96, .. "MTrk"u8, 0, 0, (byte)(events.Count >> 8), (byte)events.Count, .. events];
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(data, "late.mid"));
        Assert.Contains("exceeds", e.Message);
    }
}
