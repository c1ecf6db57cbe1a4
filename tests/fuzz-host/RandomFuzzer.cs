namespace Ktap.FuzzHost;

/// <summary>
/// A coverage-less mutation fuzzer: flips, overwrites with boundary values (0, 0xff, 0x7f,
/// 0x80, lengths near 2^31), inserts, deletes and splices the seeds, and reports any
/// exception the target lets escape. CI runs it for seconds; AFL++ (afl mode) does the
/// coverage-guided runs.
/// </summary>
public static class RandomFuzzer
{
    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, 0x10, 0x20, 0x40, (byte)'%', (byte)'\n', 0x1b];

    public static (long Runs, int Findings) Run(string target, TimeSpan time, TextWriter log)
    {
        var seeds = Seeds.For(target);
        var random = new Random(target.GetHashCode(StringComparison.Ordinal) ^ Environment.TickCount);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long runs = 0;
        var findings = new HashSet<string>();
        while (clock.Elapsed < time)
        {
            var input = Mutate(seeds[random.Next(seeds.Count)], seeds, random);
            runs++;
            try { Targets.Run(target, input); }
            catch (Exception e)
            {
                var key = e.GetType().Name + " " + e.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
                if (findings.Add(key))
                {
                    var file = Path.Combine(Path.GetTempPath(), $"ktap-fuzz-{target}-{findings.Count}.bin");
                    File.WriteAllBytes(file, input);
                    log.WriteLine($"fuzz {target}: finding {e.GetType().Name}: {e.Message} (input {file})\n{e.StackTrace}");
                }
            }
        }
        return (runs, findings.Count);
    }

    private static byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> all, Random r)
    {
        var b = new List<byte>(seed);
        for (var n = r.Next(1, 6); n > 0; n--)
        {
            if (b.Count == 0) { b.Add((byte)r.Next(256)); continue; }
            var at = r.Next(b.Count);
            switch (r.Next(8))
            {
                case 0: b[at] ^= (byte)(1 << r.Next(8)); break;
                case 1: b[at] = Interesting[r.Next(Interesting.Length)]; break;
                case 2: // a 32-bit boundary value, either byte order
                    var v = (uint)(r.Next(4) switch { 0 => 0x8000_0000u, 1 => 0xffff_ffffu, 2 => (uint)r.Next(1 << 20), _ => 0x7fff_fffeu });
                    for (var i = 0; i < 4 && at + i < b.Count; i++) b[at + i] = (byte)(v >> (8 * (r.Next(2) == 0 ? i : 3 - i)));
                    break;
                case 3: b.Insert(at, (byte)r.Next(256)); break;
                case 4: b.RemoveRange(at, Math.Min(r.Next(1, 16), b.Count - at)); break;
                case 5: b.RemoveRange(at, b.Count - at); break;
                case 6: // splice part of another seed
                    var other = all[r.Next(all.Count)];
                    var from = r.Next(other.Length);
                    b.InsertRange(at, other.Skip(from).Take(r.Next(1, 64)));
                    break;
                default: // repeat a chunk (long runs of the same structure)
                    var len = Math.Min(r.Next(1, 32), b.Count - at);
                    var chunk = b.GetRange(at, len);
                    for (var k = r.Next(1, 50); k > 0; k--) b.InsertRange(at, chunk);
                    break;
            }
        }
        return b.ToArray();
    }
}
