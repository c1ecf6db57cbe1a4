using Ktap.Compilation;
using Ktap.Output;
using Ktap.Tool;
using Ktap.Tool.Commands;

namespace Ktap.Tests.Replay;

/// <summary>ktap replay has no board: a bundle with kernel symbol literals is refused before the runner starts.</summary>
public sealed class ReplaySymbolLiteralTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ktap-replay-ksym-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_bundle_with_symbol_literals_is_refused_with_the_reason()
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "k.kp", "print(`vfs_read`, `vfs_write`, `a`, `b`)"));
        Assert.True(r.Success);
        var bundle = Path.Combine(_dir, "k.kbc");
        File.WriteAllBytes(bundle, r.Bundle!);
        var events = Path.Combine(_dir, "e.jsonl");
        File.WriteAllText(events, "");
        // A runner that would fail the test if it were started.
        var runner = Path.Combine(_dir, "runner-must-not-run");
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(ExitCodes.ScriptError, ReplayCommand.Run(new ReplayRequest(bundle, events, OutputFormat.Text, [], runner), o, e));
        Assert.Equal($"ktap: {bundle}: kernel symbol literals (`vfs_read`, `vfs_write`, `a`, ...) are resolved only when a script is linked for a board (ktap run); replay has no board's kallsyms\n", e.ToString());
        Assert.Equal("", o.ToString());
    }
}
