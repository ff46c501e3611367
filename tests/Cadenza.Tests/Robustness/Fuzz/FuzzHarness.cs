using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Midi;
using Cadenza.Model;

namespace Cadenza.Tests.Robustness.Fuzz;

/// <summary>One input kind Cadenza reads: seed files, and how a mutated file is read the way a user's command would read it.</summary>
/// <param name="Name">The kind, as the report names it.</param>
/// <param name="FileName">The name the mutated bytes are written under (the extension decides how they are read).</param>
/// <param name="Seeds">Valid files of the kind, written by the tools the tests trust (Cadenza's writers, the dataset writers).</param>
/// <param name="Setup">Writes what the mutated file sits among (a model folder's other file, a MAESTRO folder's MIDI files) into a fresh folder.</param>
/// <param name="Read">Reads the case in that folder: returns the number of pieces skipped (0 for single files); throws only a clean exception.</param>
/// <param name="Text">The seeds are text (JSON, CSV): mutations also replace numbers and cut lines.</param>
internal sealed record FuzzKind(string Name, string FileName, IReadOnlyList<byte[]> Seeds, Action<string> Setup, Func<string, int> Read, bool Text = false);

/// <summary>What the cases of one kind gave.</summary>
internal sealed record FuzzReport(string Kind, int Cases, int Read, int Refused, int SkippedPieces, int Crashes, TimeSpan Slowest, long MostAllocated, double WorstAllocationRatio, IReadOnlyList<string> Failures);

/// <summary>
/// Mutates seed files of every input kind (bit flips, truncation, splices, repeated slices, interesting bytes, and for
/// text formats numbers replaced by extreme ones) and reads each mutant: it must give notes, a model, skipped pieces
/// with their reasons or one clean one-line error naming the file, under 2 s, allocating no more than a small
/// multiple of its size. Anything else is a crash, reported with its case number so that it can be replayed.
/// </summary>
internal static class FuzzHarness
{
    /// <summary>Longest a case may take.</summary>
    public static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(2);

    /// <summary>Allocation allowed per case: this many times the input's size, plus <see cref="AllocationSlack"/> for fixed structures (buffers, a model's parameter set).</summary>
    public const int AllocationFactor = 64;

    /// <summary>The fixed allocation allowed per case, bytes.</summary>
    public const long AllocationSlack = 32L << 20;

    // the exceptions Cadenza promises: each carries a one-line message naming the file
    private static bool IsClean(Exception e) => e is MidiFormatException or CorpusException or ModelFormatException or Cadenza.Store.StoreException;

    /// <summary>Runs <paramref name="cases"/> mutants of <paramref name="kind"/> from <paramref name="seed"/>.</summary>
    public static FuzzReport Run(FuzzKind kind, int cases, ulong seed)
    {
        var rng = new Rng(seed);
        int read = 0, refused = 0, skipped = 0, crashes = 0;
        TimeSpan slowest = TimeSpan.Zero;
        double worst = 0;
        long most = 0;
        var failures = new List<string>();
        using var root = new TempDir();
        for (int i = 0; i < cases; i++)
        {
            byte[] original = kind.Seeds[i % kind.Seeds.Count];
            byte[] data = Mutate(original, rng, kind.Text);
            string dir = Path.Combine(root.Path, (i % 4).ToString(CultureInfo.InvariantCulture));   // four folders in turn: deleting is cheaper in bulk
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            kind.Setup(dir);
            string file = Path.Combine(dir, kind.FileName);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, data);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                skipped += kind.Read(dir);
                read++;
            }
            catch (Exception e) when (IsClean(e))
            {
                refused++;
                if (e.Message.Contains('\n') || !e.Message.Contains(kind.FileName.Split('/')[0], StringComparison.Ordinal) && !e.Message.Contains(dir, StringComparison.Ordinal))
                {
                    crashes++;
                    failures.Add($"case {i}: the message is not one line naming the file: {e.Message}");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                crashes++;
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
            TimeSpan took = clock.Elapsed;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (took > slowest) slowest = took;
            most = Math.Max(most, allocated);
            if (data.Length >= 4096) worst = Math.Max(worst, (double)allocated / data.Length);   // below that, fixed costs are the whole of it
            if (took > CaseLimit) { crashes++; failures.Add($"case {i}: took {took.TotalMilliseconds:F0} ms"); }
            if (allocated > AllocationFactor * (long)data.Length + AllocationSlack) { crashes++; failures.Add($"case {i}: allocated {allocated:N0} bytes for {data.Length:N0}"); }
        }
        return new FuzzReport(kind.Name, cases, read, refused, skipped, crashes, slowest, most, worst, failures);
    }

    /// <summary>One mutant of <paramref name="original"/>.</summary>
    public static byte[] Mutate(byte[] original, Rng rng, bool text)
    {
        byte[] data = (byte[])original.Clone();
        if (data.Length == 0) return [(byte)rng.NextInt(256)];
        int choice = rng.NextInt(text ? 9 : 7);
        switch (choice)
        {
            case 0:   // bit flips
                for (int i = 0, n = 1 + rng.NextInt(8); i < n; i++) data[rng.NextInt(data.Length)] ^= (byte)(1 << rng.NextInt(8));
                return data;
            case 1:   // truncation
                return data[..rng.NextInt(data.Length)];
            case 2:   // bytes set to values parsers trip on: lengths and counts at their limits
            {
                byte[] interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
                for (int i = 0, n = 1 + rng.NextInt(4); i < n; i++) data[rng.NextInt(data.Length)] = interesting[rng.NextInt(interesting.Length)];
                return data;
            }
            case 3:   // random garbage spliced in
            {
                int p = rng.NextInt(data.Length);
                byte[] junk = new byte[1 + rng.NextInt(32)];
                for (int i = 0; i < junk.Length; i++) junk[i] = (byte)rng.NextInt(256);
                return [.. data[..p], .. junk, .. data[p..]];
            }
            case 4:   // a slice deleted
            {
                int p = rng.NextInt(data.Length), n = 1 + rng.NextInt(Math.Min(64, data.Length - p));
                return [.. data[..p], .. data[(p + n)..]];
            }
            case 5:   // a slice repeated (repeated events, records, lines)
            {
                int p = rng.NextInt(data.Length), n = 1 + rng.NextInt(Math.Min(256, data.Length - p));
                return [.. data[..(p + n)], .. data[p..]];
            }
            case 6:   // a 4-byte big- or little-endian integer set to an extreme (chunk and record lengths)
            {
                if (data.Length < 4) return data;
                int p = rng.NextInt(data.Length - 3);
                uint v = rng.NextInt(3) switch { 0 => uint.MaxValue, 1 => 0x7FFFFFFF, _ => (uint)rng.NextULong() };
                if (rng.NextInt(2) == 0) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(p), v);
                else System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(p), v);
                return data;
            }
            case 7:   // text: a number replaced by an extreme one
                return ReplaceNumber(data, rng);
            default:  // text: a line cut or repeated
            {
                string s = Encoding.UTF8.GetString(data);
                string[] lines = s.Split('\n');
                int l = rng.NextInt(lines.Length);
                var list = lines.ToList();
                if (rng.NextInt(2) == 0) list.RemoveAt(l); else list.Insert(l, lines[l]);
                return Encoding.UTF8.GetBytes(string.Join('\n', list));
            }
        }
    }

    private static readonly string[] Extremes =
        ["0", "-1", "1e309", "-1e309", "NaN", "\"NaN\"", "1e-320", "2147483648", "-2147483649", "99999999999999999999", "1.5", "\"\"", "null", "[]", "{}", "true"];

    private static byte[] ReplaceNumber(byte[] data, Rng rng)
    {
        string s = Encoding.UTF8.GetString(data);
        var numbers = System.Text.RegularExpressions.Regex.Matches(s, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
        if (numbers.Count == 0) return data;
        var m = numbers[rng.NextInt(numbers.Count)];
        return Encoding.UTF8.GetBytes(s[..m.Index] + Extremes[rng.NextInt(Extremes.Length)] + s[(m.Index + m.Length)..]);
    }

    /// <summary>The report table's header and rule (markdown).</summary>
    public const string Header = "| kind | cases | read | refused (one line) | pieces skipped | crashes and hangs | slowest case, ms | most allocated by a case, KiB | most allocated, × input (inputs ≥ 4 KiB) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";

    /// <summary>The reports as a table (markdown), for bench/README.md.</summary>
    public static string Table(IEnumerable<FuzzReport> reports)
    {
        var s = new StringBuilder($"{Header}\n");
        foreach (FuzzReport r in reports)
            s.Append(CultureInfo.InvariantCulture, $"| {r.Kind} | {r.Cases:N0} | {r.Read:N0} | {r.Refused:N0} | {r.SkippedPieces:N0} | {r.Crashes} | {r.Slowest.TotalMilliseconds:F1} | {r.MostAllocated / 1024.0:N0} | {r.WorstAllocationRatio:F1} |\n");
        return s.ToString();
    }
}
