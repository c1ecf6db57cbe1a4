using System.Diagnostics;
using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>The link step on bundles from the real compiler, against a catalog in the board's own format.</summary>
public sealed class BundleLinkerTests
{
    // What `grep -H field: */*/format` prints in tracefs/events on a 6.1 kernel (excerpt).
    private const string Formats = """
        sched/sched_switch/format:	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
        sched/sched_switch/format:	field:char prev_comm[16];	offset:8;	size:16;	signed:0;
        sched/sched_switch/format:	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
        sched/sched_switch/format:	field:pid_t next_pid;	offset:56;	size:4;	signed:1;
        sched/sched_wakeup/format:	field:pid_t pid;	offset:24;	size:4;	signed:1;
        syscalls/sys_enter_openat/format:	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
        syscalls/sys_enter_openat/format:	field:const char * filename;	offset:24;	size:8;	signed:0;
        syscalls/sys_enter_read/format:	field:unsigned int fd;	offset:16;	size:8;	signed:0;
        sunrpc/svc_xdr_recvfrom/format:	field:__data_loc char[] addr;	offset:8;	size:4;	signed:0;
        """;

    private static readonly EventCatalog Catalog = new(EventCatalog.ParseFormats(Formats), ["vfs_read", "do_sys_openat2"]);

    private static BundleModel Compile(string source)
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return BundleReader.Read(r.Bundle);
    }

    private static IReadOnlyList<string> Link(BundleModel model, Func<string, ElfSymbols>? elf = null) =>
        new BundleLinker(Catalog, elf ?? (p => throw new InvalidOperationException(p))).Link(model, "board1");

    [Fact]
    public void ParsesFieldNamesOfEveryDeclarationShape()
    {
        Assert.Equal(["common_type", "prev_comm", "prev_pid", "next_pid"], Catalog.Events["sched:sched_switch"].Select(f => f.Name));
        Assert.Equal("filename", Catalog.Events["syscalls:sys_enter_openat"][1].Name);
        Assert.Equal("addr", Catalog.Events["sunrpc:svc_xdr_recvfrom"][0].Name);
    }

    [Fact]
    public void KnownEventsAndGlobsLink() =>
        Assert.Empty(Link(Compile("trace sched:sched_switch { print(args.prev_pid) }\ntrace syscalls:sys_enter_* { print(1) }")));

    [Fact]
    public void MisspeltEventGetsADidYouMean() =>
        Assert.Equal(["sched:sched_swich: no such tracepoint on board1 (did you mean 'sched:sched_switch'?) (ktap list --board board1 to see them)"],
            Link(Compile("trace sched:sched_swich { print(1) }")));

    [Fact]
    public void GlobMatchingNothingIsAnError() =>
        Assert.Single(Link(Compile("trace nosuch:* { print(1) }")));

    [Fact]
    public void MisspeltFilterFieldIsAnErrorWithDidYouMean() =>
        Assert.Equal(["/prev_pdi .../: sched:sched_switch on board1 has no field 'prev_pdi' (did you mean 'prev_pid'?); the filter would match nothing (ktap list --fields --board board1 sched:sched_switch)"],
            Link(Compile("trace sched:sched_switch /prev_pdi > 1000/ { print(1) }")));

    [Fact]
    public void TaskFieldsInAFilterLink() =>
        Assert.Empty(Link(Compile("trace sched:sched_wakeup /comm == \"cat\" && common_pid != 1 && cpu < 2/ { print(1) }")));

    [Fact]
    public void StringFilterOnAPointerNamesUserString()
    {
        var error = Assert.Single(Link(Compile("trace syscalls:sys_enter_openat /filename == \"/dev/null\"/ { print(1) }")));
        Assert.StartsWith("filter: 'filename' of syscalls:sys_enter_openat is a pointer (const char * filename), not a string", error);
        Assert.Contains("test user_string(args.filename) in the handler", error);
    }

    [Fact]
    public void UserStringAtSyscallEntryWarnsButLinks()
    {
        var linker = new BundleLinker(Catalog, p => throw new InvalidOperationException(p));
        Assert.Empty(linker.Link(Compile("trace syscalls:sys_enter_openat { print(user_string(arg3)) }"), "board1"));
        Assert.StartsWith("user_string() in a handler of syscalls:sys_enter_openat: at syscall entry", Assert.Single(linker.Warnings));
        Assert.Empty(linker.Link(Compile("trace syscalls:sys_enter_openat { print(arg3) }"), "board1"));
        Assert.Empty(linker.Warnings);
    }

    [Fact]
    public void UnknownFieldGetsADidYouMean() =>
        Assert.Equal(["args.prev_pidd: sched:sched_switch on board1 has no field 'prev_pidd' (did you mean 'prev_pid'?) (ktap list --fields --board board1 sched:sched_switch)"],
            Link(Compile("trace sched:sched_switch { print(args.prev_pidd) }")));

    [Fact]
    public void AFieldOfAnyMatchedEventIsAccepted() =>
        Assert.Empty(Link(Compile("trace sched:sched_* { print(args.pid) }")));

    [Fact]
    public void UprobeSymbolIsResolvedToItsFileOffset()
    {
        var binary = BuildTiny();
        var elf = new ElfSymbols(binary, "/bin/app");
        var model = Compile("trace probe:/bin/app:ktap_probe_me { print(1) }");
        Assert.Equal(0UL, model.Events[0].Value);
        Assert.Empty(Link(model, p => p == "/bin/app" ? elf : throw new InvalidOperationException(p)));
        Assert.Equal(elf.Find("ktap_probe_me").FileOffset, model.Events[0].Value);
        // The patched model writes and reads back: the bundle carries the offset.
        Assert.Equal(model.Events[0].Value, BundleReader.Read(BundleWriter.Write(model)).Events[0].Value);
    }

    [Fact]
    public void MissingUprobeSymbolIsReported()
    {
        var elf = new ElfSymbols(BuildTiny(), "/bin/app");
        var errors = Link(Compile("trace probe:/bin/app:ktap_probe_mee%return { print(1) }"), _ => elf);
        Assert.Equal(["probe:/bin/app:ktap_probe_mee%return: /bin/app has no function 'ktap_probe_mee' (did you mean 'ktap_probe_me'?)"], errors);
    }

    [Theory]
    [InlineData("probe:/bin/app:main", "/bin/app", "main")]
    [InlineData("probe:/bin/app:main%return $retval", "/bin/app", "main")]
    [InlineData("uprobe:/lib/libc.so.6:malloc", "/lib/libc.so.6", "malloc")]
    [InlineData("probe:/bin/app:0x1234", "/bin/app", null)]
    public void FindsTheSymbolInASpec(string spec, string path, string? symbol) =>
        Assert.Equal(symbol, BundleLinker.UprobeSymbol(spec, path));

    private static byte[] BuildTiny()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-link-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "t.c"), "void ktap_probe_me(void) { }\nvoid _start(void) { for (;;) ktap_probe_me(); }\n");
            using var p = Process.Start("gcc", ["-nostdlib", "-static", "-o", Path.Combine(dir, "t"), Path.Combine(dir, "t.c")])!;
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            return File.ReadAllBytes(Path.Combine(dir, "t"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Hardware_events_need_a_CPU_PMU_among_the_boards_perf_devices()
    {
        var model = Compile("trace hardware:cycles:1000000 { }; trace software:page-faults:1 { }");
        string[] tcg = ["breakpoint", "kprobe", "msr", "software", "tracepoint", "uprobe"];
        var errors = new BundleLinker(Catalog, p => throw new InvalidOperationException(p), tcg).Link(model, "board1");
        Assert.Equal(["hardware:cycles:1000000: board1 has no CPU PMU, so no hardware events (its perf devices: breakpoint, kprobe, msr, software, tracepoint, uprobe); count software events instead (software:cpu-clock:N, software:page-faults:N) or sample with profile-N"], errors);
        foreach (var pmu in new[] { "cpu", "cpu_core", "armv7_cortex_a15", "armv8_pmuv3_0", "armv8_pmuv3" })
            Assert.Empty(new BundleLinker(Catalog, p => throw new InvalidOperationException(p), [.. tcg, pmu]).Link(model, "board1"));
        // software events need nothing of the board's PMU
        Assert.Empty(new BundleLinker(Catalog, p => throw new InvalidOperationException(p), tcg).Link(Compile("trace software:page-faults:1 { }"), "board1"));
        Assert.Equal(["cpu", "kprobe", "software"], Ktap.Catalog.PmuCheck.ParseDevices("software\nkprobe\ncpu\n\n"));
    }
}
