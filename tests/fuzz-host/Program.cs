using System.Diagnostics;
using Ktap.FuzzHost;

// fuzz-host seeds DIR                     write each target's seeds to DIR/TARGET/ (AFL++ input)
// fuzz-host afl TARGET                    the AFL++ target (SharpFuzz, instrumented assemblies)
// fuzz-host random TARGET|all SECONDS     in-process mutation of the seeds (no coverage), for CI
if (args.Length >= 2 && args[0] == "seeds")
{
    foreach (var t in Targets.Names)
    {
        var dir = Path.Combine(args[1], t);
        Directory.CreateDirectory(dir);
        var i = 0;
        foreach (var s in Seeds.For(t)) File.WriteAllBytes(Path.Combine(dir, $"seed{i++}"), s);
    }
    return 0;
}
if (args.Length == 2 && args[0] == "afl")
{
    var target = args[1];
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        Targets.Run(target, ms.ToArray());
    });
    return 0;
}
if (args.Length == 3 && args[0] == "random" && double.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out var seconds))
{
    var targets = args[1] == "all" ? Targets.Names : [args[1]];
    var failures = 0;
    foreach (var t in targets)
    {
        var (runs, found) = RandomFuzzer.Run(t, TimeSpan.FromSeconds(seconds / targets.Length), Console.Error);
        Console.WriteLine($"fuzz {t}: {runs} executions, {found} findings");
        failures += found;
    }
    return failures == 0 ? 0 : 1;
}
Console.Error.WriteLine("usage: fuzz-host seeds DIR | afl TARGET | random TARGET|all SECONDS");
return 2;
