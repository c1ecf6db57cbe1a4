using Ktap.Compilation;
using Ktap.Diagnostics;
using Ktap.Targets.Host;

namespace Ktap.Targets.Tests.Host;

/// <summary>The host's batch logic with a stand-in compile function: what it writes, deletes and reports.</summary>
public sealed class ScriptBatchTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("ktap-batch-").FullName;
    private readonly List<CompileOptions> calls = new();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Script(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (bool Ok, string[] Lines) Run(CompileRequest request, Func<CompileOptions, CompileResult> compile)
    {
        var output = new StringWriter();
        bool ok = new ScriptBatch(request, options => { calls.Add(options); return compile(options); }, output).Run();
        return (ok, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray());
    }

    [Fact]
    public void A_compiled_script_gets_its_bundle_and_the_compiler_sees_only_the_file_name()
    {
        var source = Script("a.kp", "trace_end { }");
        var output = Path.Combine(directory, "out", "a.kbc");
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest(source, "arm-v7", output));

        var (ok, lines) = Run(request, _ => new CompileResult(new byte[] { 1, 2, 3 }, Array.Empty<Diagnostic>()));

        Assert.True(ok);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(output));
        var call = Assert.Single(calls);
        Assert.Equal(("arm-v7", "a.kp", "trace_end { }", false), (call.Target, call.FileName, call.Source, call.WarningsAsErrors));
        Assert.Contains(lines, l => l.StartsWith($"ktapc-msbuild: {source} -> {output}"));
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public void An_error_is_reported_against_the_full_path_and_the_stale_bundle_is_removed()
    {
        var source = Script("bad.kp", "x = 1 +* 2");
        var output = Path.Combine(directory, "bad.kbc");
        File.WriteAllBytes(output, new byte[] { 9 });
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest(source, "x86_64", output));

        var (ok, lines) = Run(request, o => new CompileResult(null,
            new[] { new Diagnostic("KTAP1003", DiagnosticSeverity.Error, "expected an expression", o.FileName, 1, 8, 1, 9) }));

        Assert.False(ok);
        Assert.Equal($"{source}(1,8,1,9): error KTAP1003: expected an expression", Assert.Single(lines));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Warnings_as_errors_reach_the_compiler_and_one_failure_does_not_stop_the_others()
    {
        var bad = Script("bad.kp", "bad");
        var good = Script("good.kp", "good");
        var request = new CompileRequest { WarningsAsErrors = true };
        request.Scripts.Add(new ScriptRequest(bad, "x86_64", Path.Combine(directory, "bad.kbc")));
        request.Scripts.Add(new ScriptRequest(good, "x86_64", Path.Combine(directory, "good.kbc")));

        var (ok, _) = Run(request, o => o.Source == "bad"
            ? new CompileResult(null, new[] { new Diagnostic("KTAP2001", DiagnosticSeverity.Error, "w", o.FileName, 1, 1, 1, 2) })
            : new CompileResult(new byte[] { 7 }, Array.Empty<Diagnostic>()));

        Assert.False(ok);
        Assert.All(calls, c => Assert.True(c.WarningsAsErrors));
        Assert.True(File.Exists(Path.Combine(directory, "good.kbc")));
        Assert.False(File.Exists(Path.Combine(directory, "bad.kbc")));
    }

    [Fact]
    public void A_missing_script_is_an_error_naming_it()
    {
        var missing = Path.Combine(directory, "missing.kp");
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest(missing, "x86_64", Path.Combine(directory, "missing.kbc")));

        var (ok, lines) = Run(request, _ => throw new InvalidOperationException("not called"));

        Assert.False(ok);
        Assert.StartsWith($"{missing}: error KTAPMSB012: cannot read the script", Assert.Single(lines));
        Assert.Empty(calls);
    }

    [Fact]
    public void A_compiler_crash_is_an_error_on_the_script_not_a_host_crash()
    {
        var source = Script("a.kp", "x");
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest(source, "x86_64", Path.Combine(directory, "a.kbc")));

        var (ok, lines) = Run(request, _ => throw new InvalidOperationException("boom"));

        Assert.False(ok);
        Assert.Equal($"{source}: error KTAPMSB013: internal compiler error: InvalidOperationException: boom", Assert.Single(lines));
    }

    [Fact]
    public void A_board_is_reported_as_not_checked_rather_than_silently_ignored()
    {
        var source = Script("a.kp", "x");
        var board = Script("board.yaml", "name: vexpress");
        var request = new CompileRequest { Board = board };
        request.Scripts.Add(new ScriptRequest(source, "x86_64", Path.Combine(directory, "a.kbc")));

        var (ok, lines) = Run(request, _ => new CompileResult(new byte[] { 1 }, Array.Empty<Diagnostic>()));

        Assert.True(ok);
        Assert.Contains(lines, l => l.StartsWith($"{board}: warning KTAPMSB100: events were not checked"));
    }

    [Fact]
    public void A_bad_request_file_exits_with_code_2_and_says_why()
    {
        var requestFile = Script("request.rsp", "compile\t/a.kp\n");
        var output = new StringWriter();
        Assert.Equal(HostCommand.BadRequestExitCode, HostCommand.Run(new[] { "@" + requestFile }, output));
        Assert.Contains("error KTAPMSB011: cannot read the compile request: request line 1", output.ToString());
        Assert.Equal(HostCommand.BadRequestExitCode, HostCommand.Run(Array.Empty<string>(), output));
    }
}
