using Ktap.Binding.Events;
using Ktap.Bundle;
using Ktap.Compilation;

namespace Ktap.Compiler.Tests.Binding;

/// <summary>`watchpoint:SYMBOL|ADDR:LEN:ACCESS`: the bundle item, every refusal's exact text, and the C# reader against crafted items.</summary>
public sealed class WatchpointTests
{
    private static (bool Ok, string Text, BundleModel? Model) Compile(string source, string target = "x86_64")
    {
        var r = KtapCompiler.Compile(new CompileOptions(target, "t.kp", source));
        return (r.Success, string.Join("\n", r.Diagnostics), r.Success ? BundleReader.Read(r.Bundle) : null);
    }

    [Theory]
    [InlineData("watchpoint:vm_swappiness:4:w", "x86_64", "4:w", 0UL)]                 // a symbol: 0 until linked
    [InlineData("watchpoint:jiffies_64:8:rw", "x86_64", "8:rw", 0UL)]
    [InlineData("watchpoint:__per_cpu_offset.1:1:w", "x86", "1:w", 0UL)]                // '.' as in compiler-made symbols
    [InlineData("watchpoint:0xffffffff82a3b4c0:4:rw", "x86_64", "4:rw", 0xffffffff82a3b4c0UL)]
    [InlineData("watchpoint:0XC1000002:2:w", "x86", "2:w", 0xc1000002UL)]
    [InlineData("watchpoint:vm_swappiness:4:r", "arm64", "4:r", 0UL)]                   // reads alone: not on x86
    [InlineData("watchpoint:0xc0a00001:1:r", "arm-v7", "1:r", 0xc0a00001UL)]
    public void A_watchpoint_is_one_item_with_len_access_as_target_and_the_address_as_value(string spec, string target, string attr, ulong address)
    {
        var (ok, text, model) = Compile($"trace {spec} /comm == \"sh\"/ {{ print(pid(), arg1) }}", target);
        Assert.True(ok, text);
        var e = Assert.Single(model!.Events);
        Assert.Equal((EventKind.Watchpoint, attr, address, spec, "comm == \"sh\""), (e.Kind, e.Target, e.Value, e.Spec, e.Filter));
        Assert.Empty(e.FetchArgs);
    }

    [Theory]
    [InlineData("trace watchpoint:vm_swappiness:4 { }", "x86_64", "(1,7): error KTAP3027: cannot read 'watchpoint:vm_swappiness:4': expected watchpoint:SYMBOL:LEN:ACCESS or watchpoint:0xADDRESS:LEN:ACCESS, e.g. watchpoint:vm_swappiness:4:w")]
    [InlineData("trace watchpoint:vm_swappiness:4:w:x { }", "x86_64", "KTAP3027")]
    [InlineData("trace watchpoint:vm_swappiness::w { }", "x86_64", "KTAP3027")]
    [InlineData("trace watchpoint: { }", "x86_64", "KTAP3027")]
    [InlineData("trace watchpoint:vm_swappiness:3:w { }", "x86_64", "(1,32): error KTAP3028: bad watchpoint length '3': expected 1, 2, 4 or 8 (bytes)")]
    [InlineData("trace watchpoint:vm_swappiness:16:w { }", "x86_64", "KTAP3028: bad watchpoint length '16'")]
    [InlineData("trace watchpoint:vm_swappiness:04:w { }", "x86_64", "KTAP3028: bad watchpoint length '04'")]
    [InlineData("trace watchpoint:vm_swappiness:4:x { }", "x86_64", "(1,34): error KTAP3029: bad watchpoint access 'x': expected r (reads), w (writes) or rw (both)")]
    [InlineData("trace watchpoint:vm_swappiness:4:wr { }", "x86_64", "KTAP3029: bad watchpoint access 'wr'")]
    [InlineData("trace watchpoint:vm_swappiness:4:W { }", "x86_64", "KTAP3029: bad watchpoint access 'W'")]
    [InlineData("trace watchpoint:vm_*:4:w { }", "x86_64", "(1,18): error KTAP3030: 'vm_*' is neither a kernel symbol name nor a hexadecimal address (0x...)")]
    [InlineData("trace watchpoint:1234:4:w { }", "x86_64", "KTAP3030: '1234' is neither")]
    [InlineData("trace watchpoint:0x:4:w { }", "x86_64", "KTAP3030: '0x' is neither")]
    [InlineData("trace watchpoint:0x1ffffffffffffffff:4:w { }", "x86_64", "KTAP3030")]
    [InlineData("trace watchpoint:0x0:4:w { }", "x86_64", "(1,18): error KTAP3031: cannot watch address 0x0: it is 0")]
    [InlineData("trace watchpoint:0xffffffff82000002:4:w { }", "x86_64", "KTAP3031: cannot watch address 0xffffffff82000002: it is not a multiple of the length 4")]
    [InlineData("trace watchpoint:0xffffffff82000004:8:rw { }", "x86_64", "it is not a multiple of the length 8")]
    [InlineData("trace watchpoint:0x100000000:4:w { }", "arm-v7", "KTAP3031: cannot watch address 0x100000000: arm-v7 addresses are 32 bits")]
    [InlineData("trace watchpoint:vm_swappiness:4:r { }", "x86_64", "(1,34): error KTAP3032: x86_64 cannot watch reads alone: its debug registers trap on writes or on reads and writes; write rw")]
    [InlineData("trace watchpoint:vm_swappiness:4:r { }", "x86", "KTAP3032: x86 cannot watch reads alone")]
    [InlineData("trace watchpoint:vm_swappiness:4:w x=%di { }", "x86_64", "KTAP3011")]
    [InlineData("trace watchpoint:vm_swappiness:4:w { print(args.x) }", "x86_64", "KTAP2017")]
    [InlineData("trace watchpoint:vm_swappiness:4:w /ipp == 1/ { }", "x86_64", "KTAP3026: filter: watchpoint:vm_swappiness:4:w has no field 'ipp' (its fields: ip) (did you mean 'ip'?)")]
    public void Refusals_name_the_problem_at_its_column(string source, string target, string text)
    {
        var (ok, all, _) = Compile(source, target);
        Assert.False(ok);
        Assert.Contains(text, all);
    }

    [Fact]
    public void Two_problems_of_one_spec_are_both_reported()
    {
        var (ok, all, _) = Compile("trace watchpoint:vm_swappiness:3:x { }");
        Assert.False(ok);
        Assert.Contains("KTAP3028", all);
        Assert.Contains("KTAP3029", all);
    }

    [Theory]
    [InlineData("watchpoint:vm_swappiness:4:w", "vm_swappiness")]
    [InlineData("watchpoint:vm_swappiness:4:w /ip > 0/", "vm_swappiness")]
    [InlineData("watchpoint:0xffffffff82a3b4c0:4:w", null)]
    [InlineData("kprobe:vm_swappiness", null)]
    [InlineData("watchpoint:vm_swappiness:4", null)]
    public void The_linker_finds_the_symbol_in_the_spec(string spec, string? symbol) =>
        Assert.Equal(symbol, Watchpoint.SymbolOf(spec));

    [Theory]
    [InlineData(null, 0x1000UL, "event 0: watchpoint without LEN:ACCESS")]
    [InlineData("3:w", 0x1000UL, "event 0: bad watchpoint LEN:ACCESS '3:w' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)")]
    [InlineData("4:x", 0x1000UL, "event 0: bad watchpoint LEN:ACCESS '4:x'")]
    [InlineData("4", 0x1000UL, "event 0: bad watchpoint LEN:ACCESS '4'")]
    [InlineData("vm_swappiness:4:w", 0x1000UL, "event 0: bad watchpoint LEN:ACCESS 'vm_swappiness:4:'")]
    [InlineData("4:w", 0xffffffff82a3b4c2UL, "event 0: watchpoint address 0xffffffff82a3b4c2 not a multiple of its length 4")]
    public void The_reader_refuses_a_crafted_item_in_the_C_loaders_words(string? attr, ulong address, string message)
    {
        var (ok, text, model) = Compile("trace watchpoint:vm_swappiness:4:w { }");
        Assert.True(ok, text);
        model!.Events[0] = model.Events[0] with { Target = attr, Value = address };
        var x = Assert.Throws<BundleFormatException>(() => BundleReader.Read(BundleWriter.Write(model)));
        Assert.Contains(message, x.Message);
    }

    [Fact]
    public void The_reader_refuses_a_64_bit_address_in_a_32_bit_bundle()
    {
        var (ok, text, model) = Compile("trace watchpoint:vm_swappiness:4:w { }", "arm-v7");
        Assert.True(ok, text);
        model!.Events[0] = model.Events[0] with { Value = 0x1_0000_0000UL };
        var x = Assert.Throws<BundleFormatException>(() => BundleReader.Read(BundleWriter.Write(model)));
        Assert.Contains("event 0: watchpoint address 0x100000000 wider than this VM's word", x.Message);
    }

    [Fact]
    public void The_reader_refuses_fetch_args()
    {
        var (ok, text, model) = Compile("trace watchpoint:vm_swappiness:4:w { }");
        Assert.True(ok, text);
        var (_, _, probe) = Compile("trace probe:ksys_lseek off=%si { }");
        model!.Events[0] = model.Events[0] with { FetchArgs = probe!.Events[0].FetchArgs };
        var x = Assert.Throws<BundleFormatException>(() => BundleReader.Read(BundleWriter.Write(model)));
        Assert.Contains("event 0: watchpoints take no fetch-args", x.Message);
    }
}
