using System.Diagnostics;
using System.Runtime.Intrinsics;
using Cadenza.Model;
using Cadenza.Pipeline;

// Micro-benchmarks of the engine's parts, for finding where the time goes; `cadenza bench` runs the headline set.
namespace Cadenza.Bench;

internal static class Program
{
    private static double Time(string name, Action work, int units, string unit)
    {
        for (int i = 0; i < 50; i++) work();
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            var clock = Stopwatch.StartNew();
            int calls = 0;
            while (clock.ElapsedMilliseconds < 300) { work(); calls++; }
            best = Math.Min(best, clock.Elapsed.TotalSeconds / calls);
        }
        Console.WriteLine($"{name,-48} {best * 1e6 / units,10:F2} us/{unit}");
        return best;
    }

    public static int Main(string[] args)
    {
        if (args.Length > 2 && args[0] == "temperature") { TemperatureProbe.Run(args[1], args[2]); return 0; }
        if (args.Length > 0 && args[0] == "cache") { CacheProbe.Run(); return 0; }
        if (args.Length > 0 && args[0] == "corpus") { CorpusProbe.Run(); return 0; }
        if (args.Length > 2 && args[0] == "studio")
            return StudioLoadProbe.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 200, args.Length > 4 ? int.Parse(args[4]) : 16);
        if (args.Length > 0 && args[0] == "store")
            return StoreProbe.Run(args.Length > 1 ? long.Parse(args[1]) : 100_000_000, args.Length > 2 ? int.Parse(args[2]) : 3000,
                                  args.Length > 3 ? args[3] : Path.Combine(Path.GetTempPath(), "cadenza-store-probe"));
        if (args.Length > 0 && args[0] == "act")
        {
            // the cell's activations: their error against double precision, and one step of 64 windows × 128 units
            // through Activations.LstmStep (inference) against the seven TensorPrimitives calls it replaced
            double tanhAbs = 0, tanhRel = 0, sigAbs = 0, sigRel = 0;
            for (int n = -2_000_000; n <= 2_000_000; n++)
            {
                float x = n * 6e-6f;
                double t = Math.Tanh(x), s = 1 / (1 + Math.Exp(-(double)x));
                double et = Math.Abs(Cadenza.Nn.Activations.Tanh(x) - t), es = Math.Abs(Cadenza.Nn.Activations.Sigmoid(x) - s);
                tanhAbs = Math.Max(tanhAbs, et); sigAbs = Math.Max(sigAbs, es);
                if (t != 0) tanhRel = Math.Max(tanhRel, et / Math.Abs(t));
                sigRel = Math.Max(sigRel, es / s);
            }
            double tpAbs = 0;
            for (int n = -2_000_000; n <= 2_000_000; n++) { float x = n * 6e-6f; tpAbs = Math.Max(tpAbs, Math.Abs(TpTanh(x) - Math.Tanh(x))); }
            static float TpTanh(float x) { Span<float> v = [x]; System.Numerics.Tensors.TensorPrimitives.Tanh(v, v); return v[0]; }
            Console.WriteLine($"on [-12, 12]: tanh abs {tanhAbs:E2}, rel {tanhRel:E2} (TensorPrimitives abs {tpAbs:E2}); sigmoid abs {sigAbs:E2}, rel {sigRel:E2}");
            var rng = new Cadenza.Common.Rng(5);
            const int B = 64, H = 128;
            float[] z0 = Enumerable.Range(0, B * 4 * H).Select(_ => (float)(2 * rng.NextNormal())).ToArray(), actZ = new float[z0.Length];
            float[] cp = Enumerable.Range(0, B * H).Select(_ => (float)rng.NextNormal()).ToArray(), actC = new float[B * H], actT = new float[B * H], actH = new float[B * H];
            for (int round = 0; round < 3; round++)
            {
                Time("cell, 7 TensorPrimitives calls a row", () =>
                {
                    z0.CopyTo(actZ, 0);
                    for (int b = 0; b < B; b++)
                    {
                        Span<float> row = actZ.AsSpan(b * 4 * H, 4 * H);
                        System.Numerics.Tensors.TensorPrimitives.Sigmoid(row[..(2 * H)], row[..(2 * H)]);
                        System.Numerics.Tensors.TensorPrimitives.Tanh(row.Slice(2 * H, H), row.Slice(2 * H, H));
                        System.Numerics.Tensors.TensorPrimitives.Sigmoid(row.Slice(3 * H, H), row.Slice(3 * H, H));
                        Span<float> cb = actC.AsSpan(b * H, H), tcb = actT.AsSpan(b * H, H);
                        System.Numerics.Tensors.TensorPrimitives.Multiply(row.Slice(H, H), cp.AsSpan(b * H, H), cb);
                        System.Numerics.Tensors.TensorPrimitives.FusedMultiplyAdd(row[..H], row.Slice(2 * H, H), cb, cb);
                        System.Numerics.Tensors.TensorPrimitives.Tanh(cb, tcb);
                        System.Numerics.Tensors.TensorPrimitives.Multiply(row.Slice(3 * H, H), tcb, actH.AsSpan(b * H, H));
                    }
                }, B, "window-step");
                Time("cell, Activations.LstmStep (inference)", () =>
                {
                    z0.CopyTo(actZ, 0);
                    for (int b = 0; b < B; b++)
                        Cadenza.Nn.Activations.LstmStep(actZ.AsSpan(b * 4 * H, 4 * H), cp.AsSpan(b * H, H), actC.AsSpan(b * H, H), actH.AsSpan(b * H, H));
                }, B, "window-step");
                Time("copy of the gates alone", () => z0.CopyTo(actZ, 0), B, "window-step");
            }
            return 0;
        }
        if (args.Length > 0 && args[0] == "wgrad")
        {
            // the weight gradient's product [k × T·B]ᵀ·[T·B × 4H] at the paper model's k = 131 (8·16 + 3: a 3-row tail)
            // and at 128 and 136 (no tail), per window of a 64-window batch
            var rng = new Cadenza.Common.Rng(3);
            foreach (int k in new[] { 128, 131, 136 })
            {
                float[] staged = Enumerable.Range(0, 1600 * k).Select(_ => (float)rng.NextNormal()).ToArray();
                float[] dz = Enumerable.Range(0, 1600 * 512).Select(_ => (float)rng.NextNormal()).ToArray();
                float[] dw = new float[k * 512];
                Time($"weight gradient [{k} × 1600]·[1600 × 512]", () => Cadenza.Nn.Gemm.MultiplyTransposedA(staged, k, dz, 512, dw, 512, k, 512, 1600, true), 64, "window");
            }
            return 0;
        }
        if (args.Length > 0 && args[0] == "align")
        {
            // does a forward pass's speed follow where the GC placed the weights (64-byte cache lines)?
            MusicModel m = MusicModel.Create(ModelConfig.Paper, 1);
            var (xa, _) = BenchmarkSuite.SyntheticBatch(m.Config, 64, 1);
            var net = new MusicNetwork(m, 64);
            unsafe { fixed (float* pw = m.Parameters.Values) Console.Write($"weights at {(long)pw % 64,2} mod 64: "); }
            Time("inference forward, batch 64", () => net.Infer(xa, 64), 64, "window");
            // the step's product [64 × 131]·[131 × 512] with B (and C) at each alignment
            var bigB = GC.AllocateArray<float>(131 * 512 + 64, pinned: true);
            var bigA = GC.AllocateArray<float>(64 * 131 + 64, pinned: true);
            var bigC = GC.AllocateArray<float>(64 * 512 + 64, pinned: true);
            unsafe
            {
                fixed (float* pb = bigB, pa = bigA, pc = bigC)
                {
                    int Off(float* p, int mod) => (int)(((mod - (long)p % 64) % 64 + 64) % 64) / 4;
                    foreach (var (bm, cm) in new[] { (0, 0), (16, 16), (32, 32), (48, 48), (0, 48), (48, 0) })
                    {
                        int ob = Off(pb, bm), oa = Off(pa, 0), oc = Off(pc, cm);
                        Time($"25 × [64×131]·[131×512], B at {bm}, C at {cm} mod 64", () =>
                        {
                            for (int t = 0; t < 25; t++)
                                Cadenza.Nn.Gemm.Multiply(bigA.AsSpan(oa), 131, bigB.AsSpan(ob), 512, bigC.AsSpan(oc), 512, 64, 512, 131, true);
                        }, 64, "window");
                    }
                    // the same product on B packed into eight contiguous 64-column panels (as generation packs the LSTM)
                    var panels = GC.AllocateArray<float>(131 * 512 + 16, pinned: true);
                    int op = Off((float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref panels[0]), 0), oa0 = Off(pa, 0), oc0 = Off(pc, 0);
                    Time("25 × [64×131]·[131×512], B in 64-column panels", () =>
                    {
                        for (int t = 0; t < 25; t++)
                            for (int panel = 0; panel < 8; panel++)
                                Cadenza.Nn.Gemm.Multiply(bigA.AsSpan(oa0), 131, panels.AsSpan(op + panel * 131 * 64, 131 * 64), 64, bigC.AsSpan(oc0 + panel * 64), 512, 64, 64, 131, true);
                    }, 64, "window");
                    // and in 16- and 32-column panels: a strip the micro-kernel reads front to back (no L1 set conflicts)
                    foreach (int pw in new[] { 16, 32 })
                        Time($"25 × [64×131]·[131×512], B in {pw}-column panels", () =>
                        {
                            for (int t = 0; t < 25; t++)
                                for (int panel = 0; panel < 512 / pw; panel++)
                                    Cadenza.Nn.Gemm.Multiply(bigA.AsSpan(oa0), 131, panels.AsSpan(op + panel * 131 * pw, 131 * pw), pw, bigC.AsSpan(oc0 + panel * pw), 512, 64, pw, 131, true);
                        }, 64, "window");
                }
            }
            return 0;
        }
        if (args.Length > 0 && args[0] == "fold")
        {
            // the Cadenza model's inference with its embeddings folded into the first LSTM's kernel (FoldInputs), A/B
            MusicModel cm = BenchmarkSuite.BenchModel("cadenza");
            var (c1, _) = BenchmarkSuite.SyntheticBatch(cm.Config, 1, 5);
            var (c64, _) = BenchmarkSuite.SyntheticBatch(cm.Config, 64, 6);
            var plain1 = new MusicNetwork(cm, 1); plain1.PackWeights();
            var fold1 = new MusicNetwork(cm, 1); fold1.PackWeights(); fold1.FoldInputs();
            var plain64 = new MusicNetwork(cm, 64);
            var fold64 = new MusicNetwork(cm, 64); fold64.FoldInputs();
            if (args.Length > 1 && args[1] == "loop") { var until = System.Diagnostics.Stopwatch.StartNew(); while (until.Elapsed.TotalSeconds < 20) fold64.Infer(c64, 64); return 0; }   // for perf record
            for (int round = 0; round < 6; round++)
            {
                Time($"cadenza Infer, batch 1, packed", () => plain1.Infer(c1, 1), 1, "window");
                Time($"cadenza Infer, batch 1, packed + folded", () => fold1.Infer(c1, 1), 1, "window");
                Time($"cadenza Infer, batch 64", () => plain64.Infer(c64, 64), 64, "window");
                Time($"cadenza Infer, batch 64, folded", () => fold64.Infer(c64, 64), 64, "window");
            }
            return 0;
        }
        if (args.Length > 2 && args[0] == "work")
        {
            // a fixed amount of one pass, for `perf stat -e cycles` (cycles spent, whatever else the machine runs):
            // work paper|cadenza infer|train CALLS
            MusicModel wm = args[1] == "paper" ? MusicModel.Create(ModelConfig.Paper, 1) : BenchmarkSuite.BenchModel("cadenza");
            var (wx, wy) = BenchmarkSuite.SyntheticBatch(wm.Config, 64, 7);
            var wnet = new MusicNetwork(wm, 64);
            if (args[1] != "paper") wnet.FoldInputs();
            var wg = new float[wm.ParameterCount]; var wh = new float[wm.Config.Heads.Length];
            int calls = int.Parse(args[3]);
            void Run(int n) { for (int i = 0; i < n; i++) if (args[2] == "infer") wnet.Infer(wx, 64); else wnet.ComputeGradients(wx, wy, 64, wg, wh); }
            Run(Math.Max(1, calls / 5));   // JIT tiers settle
            double best = double.MaxValue, bestWall = double.MaxValue;
            for (int round = 0; round < 5; round++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                Run(calls);
                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                bestWall = Math.Min(bestWall, clock.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"{args[1]} {args[2]}: {best * 1e6 / calls / 64,7:F1} us/window CPU, {bestWall * 1e6 / calls / 64,7:F1} wall (best of 5)");
            return 0;
        }
        if (args.Length > 0 && args[0] == "midi") { MidiProbe.Run(args.Length > 1 && args[1] == "loop"); return 0; }
        MusicModel model = MusicModel.Create(ModelConfig.Paper, 1);
        var (x1, y1) = BenchmarkSuite.SyntheticBatch(model.Config, 1, 1);
        var (x64, y64) = BenchmarkSuite.SyntheticBatch(model.Config, 64, 1);
        var (x32, y32) = BenchmarkSuite.SyntheticBatch(model.Config, 32, 1);
        var net1 = new MusicNetwork(model, 1);
        var net32 = new MusicNetwork(model, 32);
        var net64 = new MusicNetwork(model, 64);
        var grads = new float[model.ParameterCount];
        var heads = new float[3];
        Time("forward, batch 1 (one generated note)", () => net1.Forward(x1, 1), 1, "window");
        Time("forward, batch 32", () => net32.Forward(x32, 32), 32, "window");
        Time("forward, batch 64", () => net64.Forward(x64, 64), 64, "window");
        Time("inference forward (Infer), batch 1", () => net1.Infer(x1, 1), 1, "window");
        var packedNet = new MusicNetwork(model, 1);
        packedNet.PackWeights();
        Time("inference forward (Infer), batch 1, packed panels", () => packedNet.Infer(x1, 1), 1, "window");
        Time("inference forward (Infer), batch 64", () => net64.Infer(x64, 64), 64, "window");
        Time("forward+loss+backward, batch 32", () => net32.ComputeGradients(x32, y32, 32, grads, heads), 32, "window");
        Time("forward+loss+backward, batch 64", () => net64.ComputeGradients(x64, y64, 64, grads, heads), 64, "window");
        net64.Forward(x64, 64);
        net64.Loss(y64, 64, heads);
        Time("backward only, batch 64", () => { Array.Clear(grads); net64.Backward(64, grads); }, 64, "window");
        var a = new float[131]; var w = new float[131 * 512]; var z = new float[512];
        new Random(1).NextBytes(new byte[1]);
        Time("25 × gemv [1×131]·[131×512]", () => { for (int t = 0; t < 25; t++) Cadenza.Nn.Gemm.Multiply(a, 131, w, 512, z, 512, 1, 512, 131, true); }, 1, "window");
        var packed = new float[131 * 512];   // 8 panels of [131 × 64], each contiguous
        for (int panel = 0; panel < 8; panel++)
            for (int r = 0; r < 131; r++)
                for (int j = 0; j < 64; j++) packed[panel * 131 * 64 + r * 64 + j] = w[r * 512 + panel * 64 + j];
        Time("25 × gemv on packed panels [8 × 131 × 64]", () =>
        {
            for (int t = 0; t < 25; t++)
                for (int panel = 0; panel < 8; panel++)
                    Cadenza.Nn.Gemm.Multiply(a, 131, packed.AsSpan(panel * 131 * 64), 64, z.AsSpan(panel * 64), 512, 1, 64, 131, true);
        }, 1, "window");
        var packed128 = new float[131 * 512];   // 4 panels of [131 × 128]
        for (int panel = 0; panel < 4; panel++)
            for (int r = 0; r < 131; r++)
                for (int j = 0; j < 128; j++) packed128[panel * 131 * 128 + r * 128 + j] = w[r * 512 + panel * 128 + j];
        unsafe
        {
            Time("25 × gemv, AVX-512 1×128 on [4 × 131 × 128] panels", () =>
            {
                fixed (float* pa = a, pb = packed128, pz = z)
                    for (int t = 0; t < 25; t++)
                        for (int panel = 0; panel < 4; panel++) GemvProbe.Row128(pa, pb + panel * 131 * 128, 128, pz + panel * 128, 131);
            }, 1, "window");
            Time("25 × gemv, AVX-512 1×64 on [8 × 131 × 64] panels", () =>
            {
                fixed (float* pa = a, pb = packed, pz = z)
                    for (int t = 0; t < 25; t++)
                        for (int panel = 0; panel < 8; panel++) GemvProbe.Row64(pa, pb + panel * 131 * 64, 64, pz + panel * 64, 131);
            }, 1, "window");
        }
        Time("25 × gemv, half the columns (ldb 512, 4 × 64 of 512)", () => { for (int t = 0; t < 25; t++) for (int q = 0; q < 4; q++) Cadenza.Nn.Gemm.Multiply(a, 131, w.AsSpan(q * 128), 512, z.AsSpan(q * 128), 512, 1, 64, 131, true); }, 1, "window");
        Time("25 × gemv, AVX-512 1×256 probe (16 zmm chains)", () => { for (int t = 0; t < 25; t++) GemvProbe.Row256(a, w, z, 131, 512); }, 1, "window");
        var w16 = new float[16 * 512];
        Time("25 × 8 × gemv [1×16]·[16×512] (L1-resident)", () => { for (int t = 0; t < 200; t++) Cadenza.Nn.Gemm.Multiply(a, 16, w16, 512, z, 512, 1, 512, 16, true); }, 1, "window");
        var zz = new float[512]; var cc = new float[128]; var tc = new float[128]; var hh = new float[128];
        Time("25 × gate activations + cell (batch 1)", () =>
        {
            for (int t = 0; t < 25; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Sigmoid(zz.AsSpan(0, 256), zz.AsSpan(0, 256));
                System.Numerics.Tensors.TensorPrimitives.Tanh(zz.AsSpan(256, 128), zz.AsSpan(256, 128));
                System.Numerics.Tensors.TensorPrimitives.Sigmoid(zz.AsSpan(384, 128), zz.AsSpan(384, 128));
                System.Numerics.Tensors.TensorPrimitives.Multiply(zz.AsSpan(128, 128), cc, cc);
                System.Numerics.Tensors.TensorPrimitives.FusedMultiplyAdd(zz.AsSpan(0, 128), zz.AsSpan(256, 128), cc, cc);
                System.Numerics.Tensors.TensorPrimitives.Tanh(cc, tc);
                System.Numerics.Tensors.TensorPrimitives.Multiply(zz.AsSpan(384, 128), tc, hh);
            }
        }, 1, "window");
        var adam = new Cadenza.Nn.Adam(model.ParameterCount);
        Time("adam update (84,354 weights)", () => adam.Update(model.Parameters.Values, grads), 1, "step");
        return 0;
    }
}

internal static class CacheProbe
{
    public static void Run()
    {
        string root = Path.Combine(Path.GetTempPath(), "cadenza-cacheprobe2");
        string corpus = Path.Combine(root, "corpus");
        if (!Directory.Exists(corpus))
        {
            Directory.CreateDirectory(corpus);
            var rng = new Cadenza.Common.Rng(5);
            for (int i = 0; i < 1000; i++)
            {
                var notes = new Cadenza.Notes.Note[5000];
                double t = 0;
                for (int j = 0; j < notes.Length; j++) { t += rng.NextDouble() * 0.3; notes[j] = new Cadenza.Notes.Note(40 + rng.NextInt(48), t, t + 0.1 + rng.NextDouble()); }
                File.WriteAllBytes(Path.Combine(corpus, $"p{i:D4}.mid"), Cadenza.Midi.MidiWriter.ToBytes(notes));
            }
        }
        var options = new Cadenza.Corpus.CorpusOptions { CacheDirectory = Path.Combine(root, "cache") };
        Cadenza.Corpus.CorpusReader.Read(corpus, options);
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            var files = Cadenza.Corpus.CorpusReader.ListFiles(corpus);
            double list = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var cache = Cadenza.Corpus.NoteCache.Load(Cadenza.Corpus.NoteCache.PathFor(options.ResolveCacheDirectory(), corpus, "Merged|min26"));
            double load = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var (_, s) = Cadenza.Corpus.CorpusReader.Read(corpus, options);
            double all = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            double parse = 1; var s2 = s;
            sw.Restart();
            foreach (var f in files) { var fi = new FileInfo(f); _ = fi.Length; _ = fi.LastWriteTimeUtc; }
            double stat = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"stat {stat:F1} ms, fromCache {s.FromCache}");
            Console.WriteLine($"list {list:F1} ms, cache load {load:F1} ms ({cache.Count}), full cached read {all:F1} ms = {s.Notes / all / 1000:F1} M notes/s, parse {parse:F1} ms = {s2.Notes / parse / 1000:F2} M notes/s");
        }
    }
}

internal static class MidiProbe
{
    public static void Run(bool loop)
    {
        var rng = new Cadenza.Common.Rng(1);
        var notes = new Cadenza.Notes.Note[5000];
        double t = 0;
        for (int i = 0; i < notes.Length; i++) { t += rng.NextDouble() * 0.3; notes[i] = new Cadenza.Notes.Note(40 + rng.NextInt(48), t, t + 0.1 + rng.NextDouble()); }
        byte[] bytes = Cadenza.Midi.MidiWriter.ToBytes(notes);
        void T(string name, Action a)
        {
            for (int i = 0; i < 20; i++) a();
            var sw = Stopwatch.StartNew(); int n = 0;
            while (sw.ElapsedMilliseconds < 1000) { a(); n++; }
            Console.WriteLine($"{name,-40} {sw.Elapsed.TotalMilliseconds * 1000 / n,10:F1} us/file ({5000 / (sw.Elapsed.TotalSeconds / n) / 1e6:F2} M notes/s)");
        }
        if (loop)
        {
            // for a profiler: the full read, over and over
            var until = Stopwatch.StartNew();
            while (until.Elapsed.TotalSeconds < 8) Cadenza.Midi.MidiReader.Read(bytes, "x");
            return;
        }
        T("validate chunks+events", () => Cadenza.Midi.MidiChunks.Normalise(bytes, "x", out _, out _));
        T("NAudio MidiFile", () => new NAudio.Midi.MidiFile(new MemoryStream(bytes), false));
        T("NAudio ReadNextEvent loop (no MidiFile)", () =>
        {
            // the same event parser driven directly over each track chunk: no event collection, no note pairing
            int at = 14;
            while (at + 8 <= bytes.Length)
            {
                int length = (bytes[at + 4] << 24) | (bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7];
                using var br = new BinaryReader(new MemoryStream(bytes, at + 8, length, false));
                NAudio.Midi.MidiEvent? previous = null;
                long time = 0;
                while (br.BaseStream.Position < length) { previous = NAudio.Midi.MidiEvent.ReadNextEvent(br, previous); time += previous.DeltaTime; previous.AbsoluteTime = time; }
                at += 8 + length;
            }
        });
        T("full MidiReader.Read", () => Cadenza.Midi.MidiReader.Read(bytes, "x"));
        var byEnd = notes.OrderBy(n => n.End).ToArray();   // the order notes are closed in
        T("sort 5,000 notes by (start, pitch) from end order", () => Cadenza.Midi.MidiReader.SortByStartThenPitch((Cadenza.Notes.Note[])byEnd.Clone()));
    }
}

/// <summary>For a profiler: a 300-file synthetic corpus read again and again, one thread, no cache.</summary>
internal static class CorpusProbe
{
    public static void Run()
    {
        string corpus = Path.Combine(Path.GetTempPath(), "cadenza-corpusprobe");
        if (!Directory.Exists(corpus))
        {
            Directory.CreateDirectory(corpus);
            var rng = new Cadenza.Common.Rng(5);
            for (int f = 0; f < 300; f++)
            {
                var notes = new Cadenza.Notes.Note[5000];
                double t = 0;
                for (int i = 0; i < notes.Length; i++) { t += rng.NextDouble() * 0.3; notes[i] = new Cadenza.Notes.Note(40 + rng.NextInt(48), t, t + 0.1 + rng.NextDouble()); }
                File.WriteAllBytes(Path.Combine(corpus, $"p{f:D3}.mid"), Cadenza.Midi.MidiWriter.ToBytes(notes));
            }
        }
        var options = new Cadenza.Corpus.CorpusOptions { UseCache = false, Threads = 1 };
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        while (clock.Elapsed.TotalSeconds < 8) { Cadenza.Corpus.CorpusReader.Read(corpus, options); rounds++; }
        Console.WriteLine($"{rounds * 300 * 5000 / clock.Elapsed.TotalSeconds / 1e6:F2} M notes/s");
    }
}

/// <summary>A probe: one row times a [k × n] matrix, 256 columns at a time in sixteen 512-bit accumulators.</summary>
internal static unsafe class GemvProbe
{
    // one row × 128 columns of B (leading dimension ldb) in eight 512-bit accumulators
    public static void Row128(float* a, float* b, int ldb, float* c, int k)
    {
        var c0 = Vector512.Load(c); var c1 = Vector512.Load(c + 16); var c2 = Vector512.Load(c + 32); var c3 = Vector512.Load(c + 48);
        var c4 = Vector512.Load(c + 64); var c5 = Vector512.Load(c + 80); var c6 = Vector512.Load(c + 96); var c7 = Vector512.Load(c + 112);
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            var x = Vector512.Create(a[p]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), c0); c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 32), c2); c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 48), c3);
            c4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 64), c4); c5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 80), c5);
            c6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 96), c6); c7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 112), c7);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48); c4.Store(c + 64); c5.Store(c + 80); c6.Store(c + 96); c7.Store(c + 112);
    }

    // one row × 64 columns in four 512-bit accumulators
    public static void Row64(float* a, float* b, int ldb, float* c, int k)
    {
        var c0 = Vector512.Load(c); var c1 = Vector512.Load(c + 16); var c2 = Vector512.Load(c + 32); var c3 = Vector512.Load(c + 48);
        for (int p = 0; p < k; p++)
        {
            float* bp = b + (long)p * ldb;
            var x = Vector512.Create(a[p]);
            c0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), c0); c1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), c1);
            c2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 32), c2); c3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 48), c3);
        }
        c0.Store(c); c1.Store(c + 16); c2.Store(c + 32); c3.Store(c + 48);
    }

    public static void Row256(float[] a, float[] b, float[] c, int k, int n)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            for (int j = 0; j < n; j += 256)
            {
                float* cj = pc + j;
                var c0 = System.Runtime.Intrinsics.Vector512.Load(cj); var c1 = System.Runtime.Intrinsics.Vector512.Load(cj + 16);
                var c2 = System.Runtime.Intrinsics.Vector512.Load(cj + 32); var c3 = System.Runtime.Intrinsics.Vector512.Load(cj + 48);
                var c4 = System.Runtime.Intrinsics.Vector512.Load(cj + 64); var c5 = System.Runtime.Intrinsics.Vector512.Load(cj + 80);
                var c6 = System.Runtime.Intrinsics.Vector512.Load(cj + 96); var c7 = System.Runtime.Intrinsics.Vector512.Load(cj + 112);
                var c8 = System.Runtime.Intrinsics.Vector512.Load(cj + 128); var c9 = System.Runtime.Intrinsics.Vector512.Load(cj + 144);
                var cA = System.Runtime.Intrinsics.Vector512.Load(cj + 160); var cB = System.Runtime.Intrinsics.Vector512.Load(cj + 176);
                var cC = System.Runtime.Intrinsics.Vector512.Load(cj + 192); var cD = System.Runtime.Intrinsics.Vector512.Load(cj + 208);
                var cE = System.Runtime.Intrinsics.Vector512.Load(cj + 224); var cF = System.Runtime.Intrinsics.Vector512.Load(cj + 240);
                for (int p = 0; p < k; p++)
                {
                    float* bp = pb + (long)p * n + j;
                    var x = System.Runtime.Intrinsics.Vector512.Create(pa[p]);
                    c0 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp), c0);
                    c1 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 16), c1);
                    c2 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 32), c2);
                    c3 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 48), c3);
                    c4 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 64), c4);
                    c5 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 80), c5);
                    c6 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 96), c6);
                    c7 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 112), c7);
                    c8 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 128), c8);
                    c9 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 144), c9);
                    cA = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 160), cA);
                    cB = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 176), cB);
                    cC = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 192), cC);
                    cD = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 208), cD);
                    cE = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 224), cE);
                    cF = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(x, System.Runtime.Intrinsics.Vector512.Load(bp + 240), cF);
                }
                c0.Store(cj); c1.Store(cj + 16); c2.Store(cj + 32); c3.Store(cj + 48); c4.Store(cj + 64); c5.Store(cj + 80); c6.Store(cj + 96); c7.Store(cj + 112);
                c8.Store(cj + 128); c9.Store(cj + 144); cA.Store(cj + 160); cB.Store(cj + 176); cC.Store(cj + 192); cD.Store(cj + 208); cE.Store(cj + 224); cF.Store(cj + 240);
            }
        }
    }
}
