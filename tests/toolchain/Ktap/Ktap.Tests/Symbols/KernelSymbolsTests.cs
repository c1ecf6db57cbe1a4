using System.Text;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool.Symbols;

namespace Ktap.Tests.Symbols;

/// <summary>
/// The host's kernel symbol table (issue 11.3): names from a /proc/kallsyms text, and what
/// a hostile board could put in that text instead.
/// </summary>
public sealed class KernelSymbolsTests
{
    private const string Kallsyms =
        "0000000000000000 A fixed_percpu_data\n" +
        "ffffffff81000000 T _stext\n" +
        "ffffffff81200000 T ksys_lseek\n" +
        "ffffffff812000b0 t __x64_sys_lseek\n" +
        "ffffffff81200100 D some_data\n" +
        "ffffffff81400000 W weak_fn\n" +
        "ffffffffc0001000 t kt_fire\t[ktapvm]\n";

    [Fact]
    public void NamesTextAddressesAsSymbolPlusOffset()
    {
        var k = KernelSymbols.Parse(Kallsyms);
        Assert.Equal(5, k.Count); // the absolute and the data symbol are not text
        Assert.Equal("ksys_lseek+0x0", k.Name(0xffffffff81200000));
        Assert.Equal("ksys_lseek+0x5d", k.Name(0xffffffff8120005d));
        Assert.Equal("__x64_sys_lseek+0x4", k.Name(0xffffffff812000b4));
        // data symbols are no frame: an address past one is still named after the text before it
        Assert.Equal("__x64_sys_lseek+0x54", k.Name(0xffffffff81200104));
        Assert.Equal("weak_fn+0x1", k.Name(0xffffffff81400001));
        Assert.Equal("kt_fire+0x20 [ktapvm]", k.Name(0xffffffffc0001020));
    }

    [Fact]
    public void NumbersOutsideTheTextStayNumbers()
    {
        var k = KernelSymbols.Parse(Kallsyms);
        Assert.Null(k.Name(5));
        Assert.Null(k.Name(0xffffffff80ffffff));                          // below the first symbol
        Assert.Null(k.Name(0xffffffffc0001000 + (ulong)HostLimits.KallsymsGap)); // far past the last
        Assert.Null(k.Name(ulong.MaxValue));
    }

    [Fact]
    public void EveryAddressZeroIsKptrRestrict()
    {
        var e = Assert.Throws<KallsymsException>(() => KernelSymbols.Parse(
            "0000000000000000 T _stext\n0000000000000000 T ksys_lseek\n"));
        Assert.Contains("kptr_restrict", e.Message);
    }

    [Theory]
    [InlineData("ffffffff81000010 T evil\u001b[2Jname\n")]    // an escape sequence in a name
    [InlineData("ffffffff81000010 T a b\n")]                    // a space: would break "name+0xoff"
    [InlineData("ffffffff81000010 T fn\t[mod\u0007]\n")]        // a bell in a module name
    [InlineData("ffffffff81000010 T fn\t[]\n")]
    [InlineData("1ffffffff81000010 T toolong\n")]              // 17 hex digits
    [InlineData("zzzzzzzzzzzzzzzz T nothex\n")]
    [InlineData("ffffffff81000010 TT two\n")]
    [InlineData("ffffffff81000010 T \n")]
    public void LinesABoardInventedAreSkipped(string line)
    {
        var k = KernelSymbols.Parse("ffffffff81000000 T _stext\n" + line);
        Assert.Equal(1, k.Count);
        Assert.Equal("_stext+0x10", k.Name(0xffffffff81000010));
    }

    [Fact]
    public void OverlongNamesAreSkipped()
    {
        var k = KernelSymbols.Parse("ffffffff81000000 T _stext\nffffffff81000010 T " + new string('a', HostLimits.KallsymsNameChars + 1) + "\n");
        Assert.Equal(1, k.Count);
    }

    [Fact]
    public void TooManyLinesOrBytesAreRefusedBeforeBeingKept()
    {
        var sb = new StringBuilder();
        for (int i = 0; i <= HostLimits.KallsymsSymbols; i++) sb.Append("x\n");
        Assert.Contains("symbols", Assert.Throws<KallsymsException>(() => KernelSymbols.Parse(sb.ToString())).Message);
        Assert.Contains("limit", Assert.Throws<KallsymsException>(() => KernelSymbols.Parse(new string('\n', HostLimits.KallsymsBytes + 1))).Message);
    }

    [Fact]
    public void RandomDamageIsSkippedOrRefusedNeverACrash()
    {
        var rng = new Random(11);
        var good = Encoding.ASCII.GetBytes(Kallsyms);
        for (int round = 0; round < 2000; round++)
        {
            var b = (byte[])good.Clone();
            for (int j = rng.Next(1, 8); j > 0; j--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
            try
            {
                var k = KernelSymbols.Parse(Encoding.Latin1.GetString(b));
                for (int q = 0; q < 20; q++)
                {
                    var n = k.Name((ulong)rng.NextInt64() | 0xffff000000000000);
                    if (n is not null) Assert.DoesNotContain(n, c => c < 0x20 || c > 0x7e);
                }
            }
            catch (KallsymsException) { }
        }
    }

    private static IAddressNames Names() => KernelSymbols.Parse(Kallsyms);

    [Fact]
    public void StackFramesAndAddressKeysPrintAsSymbols()
    {
        var stack = new RecordValue(ValueTag.Stack, Frames: new[] { new StackFrame(0xffffffff81200000, ""), new StackFrame(0x1234, "") });
        var bt = (BacktraceRecord)AddressNaming.Apply(new BacktraceRecord(stack), Names());
        Assert.Equal(" => ksys_lseek+0x0\n => 0x1234", ValueText.Stack(bt.Stack));

        var h = new HistogramRecord(7, 3, new List<(RecordValue, long)>
        {
            (RecordValue.Num(unchecked((long)0xffffffff812000b4)), 4), // a kernel address: negative as a number
            (RecordValue.Num(5), 2),
            (RecordValue.Str("ksys_lseek+0x0"), 1),
        });
        var named = (HistogramRecord)AddressNaming.Apply(h, Names());
        Assert.Equal("__x64_sys_lseek+0x4", named.Rows[0].Key.Text);
        Assert.Equal(ValueTag.Number, named.Rows[1].Key.Tag);
        Assert.Equal(5, named.Rows[1].Key.Number);
        Assert.Equal(ValueTag.String, named.Rows[2].Key.Tag);
        // without a table (ktap replay, a board that gave none) nothing changes
        Assert.Same(h, AddressNaming.Apply(h, null));
    }

    [Fact]
    public void TheDecoderNamesFramesInTextAndJson()
    {
        var m = new BundleModel(TargetProfiles.X86_64);
        m.Functions.Add(new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1 });
        var stack = new RecordValue(ValueTag.Stack, Frames: new[] { new StackFrame(0xffffffff81200001, "") });
        var d = new OutputDecoder(m) { Names = Names() };
        var o = new StringWriter();
        d.Text(new PrintRecord(new[] { stack }), o, new StringWriter());
        Assert.Equal(" => ksys_lseek+0x1\n", o.ToString());
        Assert.Contains("\"address\":\"0xffffffff81200001\",\"symbol\":\"ksys_lseek\\u002B0x1\"", d.Json(new BacktraceRecord(stack)));
        var plain = new StringWriter();
        new OutputDecoder(m).Text(new BacktraceRecord(stack), plain, new StringWriter());
        Assert.Equal(" => 0xffffffff81200001\n", plain.ToString());
    }

    [Fact]
    public void OnlyBundlesThatPrintAddressesFetchTheTable()
    {
        static BundleModel With(string? builtin)
        {
            var m = new BundleModel(TargetProfiles.X86_64);
            var f = new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1 };
            if (builtin is not null)
                f.Code.Add(Instruction.ABx(Opcode.LOADBUILTIN, 0, BuiltinTable.All.Single(b => b.Name == builtin).Id));
            m.Functions.Add(f);
            return m;
        }
        Assert.True(AddressNaming.BundleNeedsNames(With("print_backtrace")));
        Assert.True(AddressNaming.BundleNeedsNames(With("backtrace")));
        Assert.True(AddressNaming.BundleNeedsNames(With("histogram")));
        Assert.False(AddressNaming.BundleNeedsNames(With("print")));
        Assert.False(AddressNaming.BundleNeedsNames(With(null)));
    }
}
