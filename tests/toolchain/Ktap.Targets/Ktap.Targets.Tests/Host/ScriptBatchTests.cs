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

    // A catalog as ktap saves it: `grep -H field: */*/format` run in tracefs/events.
    private const string Formats =
        "sched/sched_switch/format:\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n" +
        "sched/sched_switch/format:\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n" +
        "sched/sched_switch/format:\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n" +
        "syscalls/sys_enter_openat/format:\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n";

    private string Catalog()
    {
        var folder = Path.Combine(directory, "boards", "vexpress", "catalog", "6.1.0");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "formats.txt"), Formats);
        return folder;
    }

    private (bool Ok, string[] Lines, string Source, string Output) CheckAgainstCatalog(string script)
    {
        var source = Script("a.kp", script);
        var output = Path.Combine(directory, "a.kbc");
        var request = new CompileRequest { Board = Catalog() };
        request.Scripts.Add(new ScriptRequest(source, "arm-v7", output));
        var (ok, lines) = Run(request, KtapCompiler.Compile);
        return (ok, lines, source, output);
    }

    [Fact]
    public void Events_and_fields_the_catalog_has_compile_without_a_diagnostic()
    {
        var (ok, lines, _, output) = CheckAgainstCatalog("trace sched:sched_switch { print(args.prev_pid) }\ntrace syscalls:sys_enter_* { }\n");

        Assert.True(ok, string.Join("\n", lines));
        Assert.DoesNotContain(lines, l => l.Contains("error") || l.Contains("warning"));
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void A_misspelt_tracepoint_is_an_error_at_its_span_with_did_you_mean()
    {
        var (ok, lines, source, output) = CheckAgainstCatalog("# counts switches\nn = 0\ntrace sched:sched_swich { n = n + 1 }\n");

        Assert.False(ok);
        Assert.Equal($"{source}(3,7,3,24): error KTAP3017: no such tracepoint 'sched:sched_swich' on vexpress (6.1.0) (did you mean 'sched:sched_switch'?)",
            Assert.Single(lines));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_misspelt_field_is_an_error_at_the_field_name_with_did_you_mean()
    {
        var (ok, lines, source, _) = CheckAgainstCatalog("trace sched:sched_switch {\n    print(args.prev_pdi)\n}\n");

        Assert.False(ok);
        Assert.Equal($"{source}(2,16,2,24): error KTAP3018: sched:sched_switch on vexpress (6.1.0) has no field 'prev_pdi' (did you mean 'prev_pid'?)",
            Assert.Single(lines));
    }

    [Fact]
    public void A_file_that_is_not_a_catalog_fails_the_batch_and_compiles_nothing()
    {
        var source = Script("a.kp", "trace_end { }");
        var output = Script("a.kbc", "stale");
        var board = Script("board.yaml", "name: vexpress");
        var request = new CompileRequest { Board = board };
        request.Scripts.Add(new ScriptRequest(source, "x86_64", output));

        var (ok, lines) = Run(request, KtapCompiler.Compile);

        Assert.False(ok);
        Assert.StartsWith($"{board}: error KTAPMSB101: cannot read the event catalog named by KtapBoard: {board} holds no tracepoint formats", Assert.Single(lines));
        Assert.Empty(calls);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_catalog_folder_without_formats_is_an_error_that_says_how_to_save_one()
    {
        var folder = Path.Combine(directory, "empty-catalog");
        Directory.CreateDirectory(folder);
        var request = new CompileRequest { Board = folder };
        request.Scripts.Add(new ScriptRequest(Script("a.kp", "trace_end { }"), "x86_64", Path.Combine(directory, "a.kbc")));

        var (ok, lines) = Run(request, KtapCompiler.Compile);

        Assert.False(ok);
        Assert.Contains("error KTAPMSB101: cannot read the event catalog named by KtapBoard: the catalog folder has no formats.txt", Assert.Single(lines));
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
