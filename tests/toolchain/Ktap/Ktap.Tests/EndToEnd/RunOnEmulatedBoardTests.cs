using Ktap.Compilation;
using Ktap.Output;
using Ktap.Tool;
using Ktap.Tool.Commands;

namespace Ktap.Tests.EndToEnd;

/// <summary>
/// `ktap run` against the emulated x86_64 board with the real module: exact output for
/// deterministic workloads given with `-- CMD`, the failure modes, and nothing left armed.
/// </summary>
[Collection("emulated board")]
public sealed class RunOnEmulatedBoardTests : IClassFixture<EmulatedBoard>
{
    private readonly EmulatedBoard _board;
    public RunOnEmulatedBoardTests(EmulatedBoard board) => _board = board;

    private (int Code, string Out, string Err) Run(string? script, string? eval, string[] workload,
        OutputFormat format = OutputFormat.Text, TimeSpan? duration = null, CancellationToken interrupt = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = RunCommand.Execute(_board.Context(output, error, interrupt),
            new RunRequest(EmulatedBoard.X86_64, EmulatedBoard.Settings, script, eval, format, null, duration, workload, false));
        return (rc, output.ToString(), error.ToString());
    }

    private static string Sample(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ktap-e2e-{Guid.NewGuid():N}.kp");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void HistogramOfAWorkloadsSyscallsIsExact()
    {
        var script = Sample("s = ptable()\ntrace syscalls:sys_enter_chdir { s[execname()] <<< 1 }\ntrace_end { histogram(s) }\n");
        var (rc, output, err) = Run(script, null, ["sh", "-c", "for i in 1 2 3 4 5 6 7; do cd /; done"]);
        Assert.True(rc == 0, err);
        Assert.Equal(
            "                         value ------------- Distribution ------------- count\n" +
            "                             sh |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@7      \n", output);
    }

    /// <summary>
    /// Distributions per sample on the real module (issue 11): the workload's 12 chdir calls
    /// feed their ordinal 1..12, so every bucket count is known: the per-CPU cells are merged
    /// exactly, whichever CPUs the shell ran on.
    /// </summary>
    [Fact]
    public void HistAndLhistOfAWorkloadsSyscallsAreExactPerSample()
    {
        var script = Sample(
            "n = 0\np = ptable()\nl = ptable(0, 12, 4)\n" +
            "trace syscalls:sys_enter_chdir { if (execname() == \"sh\") { n += 1\np[\"sh\"] <<< n\nl[\"sh\"] <<< n } }\n" +
            "trace_end { hist(p)\nlhist(l)\nprint(count(p[\"sh\"]), sum(p[\"sh\"])) }\n");
        var (rc, output, err) = Run(script, null, ["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cd /; done"]);
        Assert.True(rc == 0, err);
        static string Row(string label, int count, int max) =>
            label.PadRight(16) + count.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(8) + " |" +
            new string('@', count * 52 / max).PadRight(52) + "|\n";
        Assert.Equal(
            "sh:\n" + Row("[1]", 1, 5) + Row("[2, 4)", 2, 5) + Row("[4, 8)", 4, 5) + Row("[8, 16)", 5, 5) + "\n" +
            "sh:\n" + Row("[0, 4)", 3, 4) + Row("[4, 8)", 4, 4) + Row("[8, 12)", 4, 4) + Row("[12, ...)", 1, 4) + "\n" +
            "12\t78\n", output);
    }

    [Fact]
    public void PrintfFromAOneLinerWithTheWorkloadsOutputOnStderr()
    {
        var (rc, output, err) = Run(null, "trace syscalls:sys_enter_chdir { printf(\"%s chdir\\n\", execname()) }",
            ["sh", "-c", "cd /; cd /tmp; echo done"]);
        Assert.True(rc == 0, err);
        Assert.Equal("sh chdir\nsh chdir\n", output);
        Assert.Contains("done\n", err);
    }

    [Fact]
    public void JsonLinesOutput()
    {
        var (rc, output, err) = Run(null, "trace syscalls:sys_enter_chdir { print(execname(), 42) }", ["sh", "-c", "cd /"], OutputFormat.Json);
        Assert.True(rc == 0, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("\"sh\"") && l.Contains("42"));
    }

    [Fact]
    public void DurationEndsTheSessionInOrderWithTraceEnd()
    {
        var (rc, output, err) = Run(null, "n = 0\ntrace syscalls:sys_enter_chdir { n = n + 1 }\ntrace_end { printf(\"ended %d\\n\", n) }", [],
            duration: TimeSpan.FromSeconds(1));
        Assert.True(rc == 0, err);
        Assert.Equal("ended 0\n", output);
    }

    [Fact]
    public void InterruptEndsTheSessionInOrder()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var (rc, output, err) = Run(null, "trace syscalls:sys_enter_chdir { }\ntrace_end { print(\"trace_end ran\") }", [], interrupt: cts.Token);
        Assert.True(rc == 0, err);
        Assert.Equal("trace_end ran\n", output);
        Assert.DoesNotContain("do_sys_openat2", _board.OnBoard("cat /sys/kernel/debug/kprobes/list"));
    }

    [Fact]
    public void RuntimeErrorsAreReportedAtTheEndWithTheirExitCode()
    {
        var (rc, output, err) = Run(null, "t = {}\ntrace syscalls:sys_enter_chdir { print(t.x.y) }", ["sh", "-c", "cd /"]);
        Assert.Equal(ExitCodes.RuntimeErrors, rc);
        Assert.Equal("", output);
        Assert.Equal("-e:2: runtime error: attempt to index a value that is not a table\nktap: 1 runtime errors\n", err);
    }

    [Fact]
    public void OutputFileGetsTheDecodedText()
    {
        var file = Path.Combine(Path.GetTempPath(), $"ktap-e2e-{Guid.NewGuid():N}.txt");
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = RunCommand.Execute(_board.Context(output, error), new RunRequest(EmulatedBoard.X86_64, EmulatedBoard.Settings, null,
            "trace syscalls:sys_enter_chdir { print(execname(), 7) }", OutputFormat.Text, file, null, ["sh", "-c", "cd /"], false));
        Assert.True(rc == 0, error.ToString());
        Assert.Equal("", output.ToString());
        Assert.Equal("sh\t7\n", File.ReadAllText(file));
    }

    [Fact]
    public void MisspeltEventIsRefusedWithASuggestionFromTheBoardsCatalog()
    {
        var (rc, _, err) = Run(null, "trace sched:sched_swich { }", []);
        Assert.Equal(ExitCodes.ScriptError, rc);
        Assert.Contains("sched:sched_swich: no such tracepoint on qemu-x86_64 (did you mean 'sched:sched_switch'?)", err);
    }

    [Fact]
    public void BundleForAnotherArchitectureIsRefusedBeforeUpload()
    {
        var compiled = KtapCompiler.Compile(new CompileOptions("arm-v7", "t.kp", "trace sched:sched_switch { }"));
        Assert.True(compiled.Success);
        var path = Path.Combine(Path.GetTempPath(), $"ktap-e2e-{Guid.NewGuid():N}.kbc");
        File.WriteAllBytes(path, compiled.Bundle!);
        var (rc, _, err) = Run(path, null, []);
        Assert.Equal(ExitCodes.TargetMismatch, rc);
        Assert.Contains($"{path} was built for arm-v7 (little-endian), board qemu-x86_64 is x86_64 (little-endian): recompile it with ktapc -t x86_64", err);
    }

    [Fact]
    public async Task KprobeSessionArmsAndDisarms()
    {
        using var cts = new CancellationTokenSource();
        var task = Task.Run(() => Run(null, "trace probe:do_sys_openat2 { }", [], interrupt: cts.Token));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_board.OnBoard("cat /sys/kernel/debug/kprobes/list").Contains("do_sys_openat2") && DateTime.UtcNow < deadline) Thread.Sleep(200);
        Assert.Contains("do_sys_openat2", _board.OnBoard("cat /sys/kernel/debug/kprobes/list"));
        cts.Cancel();
        var (rc, _, err) = await task;
        Assert.True(rc == 0, err);
        Assert.DoesNotContain("do_sys_openat2", _board.OnBoard("cat /sys/kernel/debug/kprobes/list"));
    }

    [Fact]
    public async Task DroppedConnectionLeavesNoProbeOnTheBoard()
    {
        var task = Task.Run(() => Run(null, "trace probe:do_sys_openat2 { }", []));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_board.OnBoard("cat /sys/kernel/debug/kprobes/list").Contains("do_sys_openat2") && DateTime.UtcNow < deadline) Thread.Sleep(200);
        // Kill the dropbear process that serves the session (the parent of the shell holding /dev/ktap).
        // The first process holding /dev/ktap is the session's shell; its parent is dropbear's session process.
        _board.OnBoard("for p in /proc/[0-9]*; do if ls -l $p/fd 2>/dev/null | grep -q /dev/ktap; then kill -9 $(awk '{print $4}' $p/stat); break; fi; done");
        var (rc, _, err) = await task;
        Assert.Equal(ExitCodes.ConnectionLost, rc);
        Assert.Contains("lost while the session ran", err);
        Thread.Sleep(2500); // the module removes the probes within two seconds of the close
        Assert.DoesNotContain("do_sys_openat2", _board.OnBoard("cat /sys/kernel/debug/kprobes/list"));
        Assert.Equal("0", _board.OnBoard("cat /sys/module/ktapvm/refcnt").Trim());
    }

    [Fact]
    public void DoctorFindsNoProblems()
    {
        var output = new StringWriter();
        var rc = DoctorCommand.Execute(_board.Context(output, new StringWriter()), EmulatedBoard.X86_64, EmulatedBoard.Settings);
        Assert.True(rc == 0, output.ToString());
        Assert.Contains("ok   module               ktapvm loaded, /dev/ktap present, runtime ABI 1, x86_64", output.ToString());
    }

    [Fact]
    public void ListShowsTracepointsAndFields()
    {
        var output = new StringWriter();
        var rc = ListCommand.Execute(_board.Context(output, new StringWriter()), EmulatedBoard.X86_64, EmulatedBoard.Settings, "sched:sched_switch", true, false);
        Assert.Equal(0, rc);
        Assert.StartsWith("sched:sched_switch\n", output.ToString());
        Assert.Contains("    pid_t prev_pid;\n", output.ToString());
    }
}

/// <summary>The same scripts on the emulated arm-v7 board: compiled for arm-v7, linked against its catalog, decoded on the host.</summary>
[Collection("emulated board")]
public sealed class RunOnEmulatedArmBoardTests : IClassFixture<EmulatedArmBoard>
{
    private readonly EmulatedArmBoard _board;
    public RunOnEmulatedArmBoardTests(EmulatedArmBoard board) => _board = board;

    private (int Code, string Out, string Err) Run(string eval, string[] workload)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = RunCommand.Execute(_board.Context(output, error),
            new RunRequest(EmulatedArmBoard.ArmV7, EmulatedBoard.Settings, null, eval, OutputFormat.Text, null, null, workload, false));
        return (rc, output.ToString(), error.ToString());
    }

    [Fact]
    public void HistogramIsExactOnArm()
    {
        var (rc, output, err) = Run("s = ptable()\ntrace syscalls:sys_enter_chdir { s[execname()] <<< 1 }\ntrace_end { histogram(s) }",
            ["sh", "-c", "for i in 1 2 3 4 5 6 7; do cd /; done"]);
        Assert.True(rc == 0, err);
        Assert.Equal(
            "                         value ------------- Distribution ------------- count\n" +
            "                             sh |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@7      \n", output);
    }

    [Fact]
    public void PrintfWithNumbersIsExactOnArm()
    {
        var (rc, output, err) = Run("n = 0\ntrace syscalls:sys_enter_chdir { n = n + 1; printf(\"%s chdir %d\\n\", execname(), n) }",
            ["sh", "-c", "cd /; cd /; cd /"]);
        Assert.True(rc == 0, err);
        Assert.Equal("sh chdir 1\nsh chdir 2\nsh chdir 3\n", output);
    }
}
