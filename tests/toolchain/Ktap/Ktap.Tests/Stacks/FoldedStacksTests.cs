using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool;
using Ktap.Tool.Stacks;
using Ktap.Tool.Symbols;

namespace Ktap.Tests.Stacks;

/// <summary>
/// Folding a session's stack records (issue 16.5): which records count, merge order, counts,
/// and what a board could send instead of a stack.
/// </summary>
public sealed class FoldedStacksTests
{
    private static readonly KernelSymbols Names = KernelSymbols.Parse(
        "ffffffff81000000 T do_idle\n" +
        "ffffffff81001000 T cpu_startup_entry\n" +
        "ffffffff81002000 T default_idle\n" +
        "ffffffff81003000 T get_random_bytes_user\n" +
        "ffffffff81004000 T vfs_read\n" +
        "ffffffffc0001000 t ext4_read\t[ext4]\n");

    // leaf first, as the kernel sends a stack
    private static RecordValue Stack(params ulong[] addresses) =>
        new(ValueTag.Stack, Frames: addresses.Select(a => new StackFrame(a, "")).ToList());

    [Fact]
    public void FoldsRootFirstMergesOffsetsAndSortsByStack()
    {
        var f = new FoldedStacks();
        // two return addresses in default_idle: one frame after folding
        f.Add(new PrintRecord([Stack(0xffffffff81002010, 0xffffffff81000040, 0xffffffff81001008), RecordValue.Num(5)]), Names);
        f.Add(new PrintRecord([RecordValue.Num(3), Stack(0xffffffff81002020, 0xffffffff81000044, 0xffffffff81001008)]), Names);
        f.Add(new PrintRecord([Stack(0xffffffffc0001010, 0xffffffff81004004), RecordValue.Num(2)]), Names);
        f.Add(new BacktraceRecord(Stack(0xffffffff81003001)), Names);
        Assert.Equal(
            "cpu_startup_entry;do_idle;default_idle 8\n" +
            "get_random_bytes_user 1\n" +
            "vfs_read;ext4_read [ext4] 2\n", f.Text());
        Assert.Equal(11, f.Total);
        Assert.Equal(3, f.Count);
        Assert.Empty(f.Warnings());
    }

    [Fact]
    public void TheSameStacksInAnyOrderGiveTheSameFile()
    {
        var stacks = new[] { (Stack(0xffffffff81003001), 4L), (Stack(0xffffffff81002000, 0xffffffff81000000), 7L), (Stack(0xffffffff81004000), 1L) };
        var a = new FoldedStacks();
        var b = new FoldedStacks();
        foreach (var (s, n) in stacks) a.Add(new PrintRecord([s, RecordValue.Num(n)]), Names);
        foreach (var (s, n) in stacks.Reverse()) b.Add(new PrintRecord([s, RecordValue.Num(n)]), Names);
        Assert.Equal(a.Text(), b.Text());
        Assert.Equal(["do_idle;default_idle", "get_random_bytes_user", "vfs_read"], a.Lines().Select(l => l.Stack));
    }

    [Fact]
    public void HistogramRowsCountAndAPartialHistogramIsSaid()
    {
        var f = new FoldedStacks();
        f.Add(new HistogramRecord(30, 25, [(Stack(0xffffffff81004000), 20), (Stack(0xffffffff81003000), 10)]), Names);
        Assert.Equal("get_random_bytes_user 10\nvfs_read 20\n", f.Text());
        Assert.Contains("23 stacks", Assert.Single(f.Warnings()));
        // a histogram of numbers is no stack
        var n = new FoldedStacks();
        n.Add(new HistogramRecord(3, 1, [(RecordValue.Num(5), 3)]), Names);
        Assert.Equal(0, n.Count);
        Assert.Empty(n.Warnings());
    }

    [Fact]
    public void RecordsThatDoNotSayOneCountAreLeftOutAndCounted()
    {
        var f = new FoldedStacks();
        f.Add(new PrintfRecord(0, [RecordValue.Num(1), RecordValue.Num(9), Stack(0xffffffff81004000)]), Names); // rank and count: which?
        f.Add(new PrintRecord([Stack(0xffffffff81004000), Stack(0xffffffff81003000)]), Names);
        f.Add(new PrintRecord([RecordValue.Num(4), RecordValue.Str("no stack")]), Names);
        Assert.Equal(0, f.Count);
        Assert.Contains("2 records", Assert.Single(f.Warnings()));
        // a lone stack with a string beside it counts once; a statistics value counts its count
        f.Add(new PrintRecord([RecordValue.Str("hot:"), Stack(0xffffffff81004000)]), Names);
        f.Add(new PrintRecord([Stack(0xffffffff81003000), new RecordValue(ValueTag.Statistics, Count: 6, Sum: 600)]), Names);
        f.Add(new DynamicPrintfRecord([RecordValue.Str("%s %d"), Stack(0xffffffff81004000), RecordValue.Num(2)]), Names);
        Assert.Equal("get_random_bytes_user 6\nvfs_read 3\n", f.Text());
    }

    [Fact]
    public void CountsAreCheckedAndSumsSaturate()
    {
        var f = new FoldedStacks();
        f.Add(new PrintRecord([Stack(0xffffffff81004000), RecordValue.Num(0)]), Names);
        f.Add(new PrintRecord([Stack(0xffffffff81004000), RecordValue.Num(-5)]), Names);
        Assert.Equal(0, f.Count);
        f.Add(new PrintRecord([Stack(0xffffffff81004000), RecordValue.Num(long.MaxValue)]), Names);
        f.Add(new PrintRecord([Stack(0xffffffff81004000), RecordValue.Num(long.MaxValue)]), Names);
        Assert.Equal($"vfs_read {long.MaxValue}\n", f.Text());
        Assert.Equal(long.MaxValue, f.Total);
    }

    [Fact]
    public void UnnamedAndEmptyStacks()
    {
        var f = new FoldedStacks();
        f.Add(new PrintRecord([Stack(0x1234, 0xffffffff81004000), RecordValue.Num(2)]), Names); // outside the text: hex
        f.Add(new PrintRecord([Stack(), RecordValue.Num(3)]), Names); // user code was running
        f.Add(new BacktraceRecord(Stack(0xffffffff81004000)), null); // no table: addresses
        Assert.Equal("0xffffffff81004000 1\n[no kernel frames] 3\nvfs_read;0x1234 2\n", f.Text());
    }

    [Fact]
    public void BoardNamesCannotBreakTheFormat()
    {
        // Without a kallsyms table a frame is what the board sent: it must not add frames,
        // lines or columns, nor carry control characters into the file.
        var evil = new RecordValue(ValueTag.Stack, Frames: [
            new StackFrame(1, "leaf;fake_caller 999\nfake_line 1000"),
            new StackFrame(2, "\u001b[2Jroot\u0000+0x10"),
        ]);
        var f = new FoldedStacks();
        f.Add(new PrintRecord([evil, RecordValue.Num(7)]), null);
        var line = Assert.Single(f.Lines());
        Assert.Equal(2, line.Stack.Split(';').Length);
        Assert.DoesNotContain('\n', line.Stack);
        Assert.DoesNotContain('\u001b', line.Stack);
        Assert.DoesNotContain('\0', line.Stack);
        Assert.Equal("?[2Jroot?;leaf?fake_caller 999?fake_line 1000 7\n", f.Text());
        // a name as long as a record allows is cut
        var huge = new FoldedStacks();
        huge.Add(new BacktraceRecord(new RecordValue(ValueTag.Stack, Frames: [new StackFrame(1, new string('a', 100_000))])), null);
        Assert.Equal(FoldedStacks.FrameChars, huge.Lines()[0].Stack.Length);
    }

    [Fact]
    public void TooManyDistinctStacksEndInOneLine()
    {
        var f = new FoldedStacks();
        for (int i = 0; i < FoldedStacks.MaxStacks + 10; i++) f.Add([new StackFrame((ulong)i + 1, "")], 1);
        Assert.Equal(FoldedStacks.MaxStacks + 1, f.Count);
        Assert.Equal(FoldedStacks.MaxStacks + 10, f.Total);
        Assert.Contains("10 more", Assert.Single(f.Warnings()));
    }

    [Fact]
    public void StackFilesRefuseAScriptWithoutStacksAndWriteNothingWithoutSamples()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-flame").FullName;
        var svg = Path.Combine(dir, "g.svg");
        var files = new StackFiles(Path.Combine(dir, "f.folded"), svg, "t");
        files.CheckPaths();
        var m = new BundleModel(TargetProfiles.X86_64);
        m.Functions.Add(new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1 });
        Assert.Equal(ExitCodes.NoStacks, Assert.Throws<KtapException>(() => files.CheckScript(m, "x.kp")).ExitCode);
        m.Functions[0].Code.Add(Instruction.ABx(Opcode.LOADBUILTIN, 0, BuiltinTable.All.Single(b => b.Name == "backtrace").Id));
        files.CheckScript(m, "x.kp");
        File.WriteAllText(svg, "old");
        var err = new StringWriter();
        Assert.Equal(ExitCodes.NoStacks, files.Write(err));
        Assert.Contains("no stacks", err.ToString());
        Assert.Equal("old", File.ReadAllText(svg)); // left as it was
        Assert.False(File.Exists(Path.Combine(dir, "f.folded")));
        files.Stacks.Add([new StackFrame(1, "f")], 2);
        Assert.Equal(ExitCodes.Success, files.Write(err));
        Assert.Equal("f 2\n", File.ReadAllText(Path.Combine(dir, "f.folded")));
        Assert.StartsWith("<?xml", File.ReadAllText(svg));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        // paths are checked before anything runs
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KtapException>(() => new StackFiles(dir, null, "t").CheckPaths()).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KtapException>(() => new StackFiles(null, Path.Combine(dir, "no", "g.svg"), "t").CheckPaths()).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<KtapException>(() => new StackFiles(svg, svg, "t").CheckPaths()).ExitCode);
        Directory.Delete(dir, true);
    }
}
