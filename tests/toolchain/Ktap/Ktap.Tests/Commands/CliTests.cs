using Ktap.Tool;
using Ktap.Tool.Boards;
using Ktap.Tool.Commands;
using Ktap.Tool.Remote;

namespace Ktap.Tests.Commands;

public sealed class CliTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var rc = KtapCli.Run(args, o, e);
        return (rc, o.ToString(), e.ToString());
    }

    [Fact]
    public void UnknownOptionIsAUsageError()
    {
        var (rc, _, err) = Cli("run", "--no-such-option", "x.kp");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("--no-such-option", err);
    }

    [Fact]
    public void BadDurationIsAUsageError()
    {
        var (rc, _, err) = Cli("run", "--duration", "soon", "x.kp");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("'soon' is not a duration (use 500ms, 10s, 2m)", err);
    }

    [Fact]
    public void RunWithoutScriptSaysWhatToGive()
    {
        var (rc, _, err) = Cli("run");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Equal("ktap: error: give a script (.kp or .kbc) or -e 'one-liner'\n", err);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("replay")]
    public void BadFormatNamesTheChoicesNotATypeName(string verb)
    {
        string[] args = verb == "run" ? ["run", "--format", "bogus", "x.kp"] : ["replay", "--format", "bogus", "x.kbc", "e.jsonl"];
        var (rc, _, err) = Cli(args);
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("'bogus'", err);
        Assert.Contains("'text'", err);
        Assert.Contains("'json'", err);
        Assert.DoesNotContain("Ktap.", err);
    }

    [Theory]
    [InlineData("always", true)]
    [InlineData("never", false)]
    [InlineData("auto", false)] // a StringWriter is not a terminal
    public void ColorChoosesEscapes(string color, bool expected) =>
        Assert.Equal(expected, CommonOptions.ColourOn(color, new StringWriter()));

    [Fact]
    public void BadColorIsAUsageError()
    {
        var (rc, _, err) = Cli("run", "--color", "sometimes", "x.kp");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("'sometimes'", err);
    }

    [Fact]
    public void HelpShowsDefaultsInTheFormTheParserReads()
    {
        var (rc, help, _) = Cli("run", "--help");
        Assert.Equal(0, rc);
        Assert.Contains("[default: 10s]", help);
        Assert.Contains("[default: 30s]", help);
        Assert.Contains("[default: text]", help);
        Assert.DoesNotContain("00:00:", help);
        // What help shows is accepted back.
        Assert.True(Durations.TryParse("10s", out var d) && d == TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("/nonexistent-ktap-dir/x", "cannot write the output file /nonexistent-ktap-dir/x: ")]
    [InlineData("/tmp", "cannot write the output file /tmp: it is a directory")]
    public void AnUnwritableOutputFileIsReportedBeforeAnyBoardIsTouched(string path, string message)
    {
        // The board profile points at a closed port: the output file must be refused first.
        var dir = Directory.CreateTempSubdirectory("ktap-cli-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "b.yaml"), "name: b\ntarget: x86_64\nhost: 127.0.0.1\nport: 1\nidentity_file: /k\nhost_key:\n  known_hosts: /kh\n");
            var e = new StringWriter();
            var ctx = new CommandContext(new StringWriter(), e, _ => null, new BoardCatalog(_ => null, [dir]));
            var rc = RunCommand.Execute(ctx, new RunRequest("b", Tool.Ssh.SshSettings.Default, null, "print(1)",
                Ktap.Output.OutputFormat.Text, path, null, [], false));
            Assert.Equal(ExitCodes.Failure, rc);
            Assert.StartsWith("ktap: error: " + message, e.ToString());
            Assert.DoesNotContain("internal error", e.ToString());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void EveryVerbIsRegistered()
    {
        var root = KtapCli.Build(() => throw new InvalidOperationException());
        Assert.Equal(["run", "deploy", "list", "doctor", "boards", "board", "replay", "replay-events"], root.Subcommands.Select(c => c.Name));
    }

    [Fact]
    public void ScriptErrorsStopBeforeAnyConnection()
    {
        // The board profile points at a closed port: a compile error must be reported first.
        var dir = Directory.CreateTempSubdirectory("ktap-cli-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "b.yaml"), "name: b\ntarget: x86_64\nhost: 127.0.0.1\nport: 1\nidentity_file: /k\nhost_key:\n  known_hosts: /kh\n");
            var o = new StringWriter();
            var e = new StringWriter();
            var ctx = new CommandContext(o, e, _ => null, new BoardCatalog(_ => null, [dir]));
            var rc = RunCommand.Execute(ctx, new RunRequest("b", Tool.Ssh.SshSettings.Default, null, "trace sched:sched_switch { print(1 }",
                Ktap.Output.OutputFormat.Text, null, null, [], false));
            Assert.Equal(ExitCodes.ScriptError, rc);
            Assert.Contains("-e(1,", e.ToString());
            Assert.Contains("ktap: error: -e has errors; nothing was sent to b", e.ToString());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void BoardsListsTheShippedBoards()
    {
        var o = new StringWriter();
        var rc = BoardsCommand.Execute(new CommandContext(o, new StringWriter(), n => n == "KTAP_STATE_DIR" ? "/s" : null,
            new BoardCatalog(n => n == "KTAP_STATE_DIR" ? "/nonexistent" : null, [KtapPaths.ShippedBoards()!])));
        Assert.Equal(0, rc);
        Assert.Contains("qemu-x86_64      x86_64   root@127.0.0.1:10022   emulated", o.ToString());
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5", 1_500)]
    public void DurationsParse(string text, int ms)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("10 parsecs")]
    public void BadDurationsAreRefused(string text) => Assert.False(Durations.TryParse(text, out _));

    [Theory]
    [InlineData("run s.kp", "s.kp", "", "")]
    [InlineData("run s.kp 2 x", "s.kp", "2|x", "")] // ktap 0.4: `ktap script.kp 2` passes 2 as arg[1]
    [InlineData("run s.kp 2 -- ls -l", "s.kp", "2", "ls|-l")]
    [InlineData("run s.kp -- ls", "s.kp", "", "ls")]
    [InlineData("run -b qemu-x86 s.kp a b -- sh -c x", "s.kp", "a|b", "sh|-c|x")]
    [InlineData("run -e X a -- ls -l", null, "a", "ls|-l")]
    [InlineData("run -e X -- ls", null, "", "ls")]
    [InlineData("run -e X", null, "", "")]
    [InlineData("run s.kp -- -- x", "s.kp", "", "--|x")]
    public void PositionalWordsSplitAtTheDoubleDash(string line, string? script, string args, string workload)
    {
        var parse = KtapCli.Build(() => throw new InvalidOperationException()).Parse(line.Split(' '));
        Assert.Empty(parse.Errors);
        var (s, a, w) = RunCommand.Positional(parse, parse.GetValue<string?>("SCRIPT"), parse.GetValue<string[]>("ARG|CMD") ?? [],
            parse.GetValue<string?>("-e") is not null);
        Assert.Equal(script, s);
        Assert.Equal(args, string.Join('|', a));
        Assert.Equal(workload, string.Join('|', w));
    }

    [Theory]
    [InlineData("insns", "the value is a positive whole number (insns=N)")]
    [InlineData("insn=5", "unknown budget 'insn' (one of insns, depth, string, table, memory)")]
    [InlineData("insns=0", "the value is a positive whole number (insns=N)")]
    [InlineData("insns=-1", "the value is a positive whole number (insns=N)")]
    [InlineData("memory=1e6", "the value is a positive whole number (memory=N)")]
    public void BadLimitIsAUsageErrorBeforeAnyBoard(string limit, string message)
    {
        var (rc, _, err) = Cli("run", "--board", "nonexistent-board", "--limit", limit, "-e", "print(1)");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains(message, err);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("4096")]
    public void ACpuOutOfRangeIsAUsageErrorBeforeAnyBoard(string cpu)
    {
        var (rc, _, err) = Cli("run", "--board", "nonexistent-board", "-C", cpu, "-e", "print(1)");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains($"-C {cpu}: a CPU number is 0 to 4095", err);
    }

    [Theory]
    [InlineData("run -T -e x", true)]
    [InlineData("run --timestamp s.kp -- ls", true)]
    [InlineData("run s.kp -- ls -T", false)] // after --, -T is the workload's
    [InlineData("run -e x", false)]
    public void MinusTAsksForTimestamps(string line, bool expected)
    {
        var parse = KtapCli.Build(() => throw new InvalidOperationException()).Parse(line.Split(' '));
        Assert.Empty(parse.Errors);
        Assert.Equal(expected, parse.GetValue<bool>("-T"));
    }

    [Fact]
    public void ScriptArgumentsWithACompiledBundleAreRefused()
    {
        var (rc, _, err) = Cli("run", "--board", "nonexistent-board", "t.kbc", "5");
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("script arguments (5) need a script: t.kbc was compiled with its own", err);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(0, null)]
    [InlineData(3, "the workload exited with status 3")]
    [InlineData(127, "the workload could not be run: command not found on the board (status 127)")]
    [InlineData(126, "the workload could not be run: not executable on the board (status 126)")]
    [InlineData(137, "the workload was killed by signal 9 (status 137)")]
    [InlineData(255, "the workload exited with status 255")]
    public void AWorkloadsOwnStatusIsWorded(int? status, string? message) =>
        Assert.Equal(message, RunCommand.WorkloadFailure(status));
}

public sealed class DoctorChecksTests
{
    private static readonly BoardProfile Board = new BoardProfileReader(_ => "/h", TargetNames.IsKnown)
        .Parse("boards/b.yaml", "name: b\ntarget: arm-v7\nhost: h\nidentity_file: /k\nhost_key:\n  known_hosts: /kh\nkernel: 6.1.0-armmp\n");

    private const string Healthy = """
        release=6.1.0-armmp
        machine=armv7l
        elfdata=1
        tracefs=/sys/kernel/tracing
        tracefs_mounted=1
        debugfs_mounted=1
        config_CONFIG_MODULES=y
        config_CONFIG_TRACEPOINTS=y
        config_CONFIG_KPROBES=y
        config_CONFIG_UPROBES=y
        config_CONFIG_PERF_EVENTS=y
        config_CONFIG_FTRACE=y
        config_source=/proc/config.gz
        module_loaded=1
        dev_ktap=1
        module_banner=/dev/ktap ready (arm-v7, runtime ABI 1)
        memavailable_kb=200000
        """;

    private static IReadOnlyList<Check> Failures(string facts) =>
        DoctorChecks.Evaluate(Board, BoardFacts.Parse(facts)).Where(c => c.Status == CheckStatus.Failed).ToList();

    [Fact]
    public void AHealthyBoardPasses() => Assert.Empty(Failures(Healthy));

    [Fact]
    public void ModuleVersionComesFromTheLoadMessage() =>
        Assert.Equal((1, "arm-v7"), BoardFacts.Parse(Healthy).ModuleVersion());

    [Fact]
    public void WrongKernelArchitectureAndByteOrderHaveFixes()
    {
        var f = Failures(Healthy.Replace("release=6.1.0-armmp", "release=6.12.0").Replace("machine=armv7l", "machine=ppc").Replace("elfdata=1", "elfdata=2"));
        Assert.Equal(["kernel", "architecture", "byte order"], f.Select(c => c.Name));
        Assert.Equal("set 'target: powerpc' in boards/b.yaml", f[1].Fix);
        Assert.Equal("boot the expected kernel, or set 'kernel: 6.12.0' in boards/b.yaml", f[0].Fix);
    }

    [Fact]
    public void MissingOptionFromTheConfigIsAFailure()
    {
        var f = Single(Failures(Healthy.Replace("config_CONFIG_UPROBES=y\n", "")));
        Assert.Equal("CONFIG_UPROBES", f.Name);
        Assert.Equal("rebuild the kernel with CONFIG_UPROBES=y", f.Fix);
    }

    [Fact]
    public void WithoutAConfigRunTimeEvidenceCounts()
    {
        var noConfig = string.Join("\n", Healthy.Split('\n').Where(l => !l.StartsWith("config_")));
        var f = Failures(noConfig + "\nhave_modules=1\nhave_events=1\nhave_kprobe_events=1\nhave_perf=1\nhave_tracefs=1\n");
        Assert.Equal("CONFIG_UPROBES", Single(f).Name);
    }

    [Fact]
    public void UnmountedTracefsAndMissingModuleGiveTheirFixes()
    {
        var f = Failures(Healthy.Replace("tracefs_mounted=1\n", "").Replace("module_loaded=1\n", ""));
        Assert.Equal("mount -t tracefs nodev /sys/kernel/tracing (or add it to the board's /etc/fstab)", f.Single(c => c.Name == "tracefs").Fix);
        Assert.Equal("ktap deploy --board b", f.Single(c => c.Name == "module").Fix);
    }

    [Fact]
    public void LowMemoryFails() =>
        Assert.Equal("memory", Single(Failures(Healthy.Replace("memavailable_kb=200000", "memavailable_kb=4000"))).Name);

    private static Check Single(IReadOnlyList<Check> checks) { Assert.Single(checks); return checks[0]; }
}
