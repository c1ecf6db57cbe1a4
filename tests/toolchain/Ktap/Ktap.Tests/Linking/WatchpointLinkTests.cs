using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Tool.Linking;
using Ktap.Tool.Symbols;

namespace Ktap.Tests.Linking;

/// <summary>The link step of watchpoints: bundles from the real compiler, a board's perf devices and kallsyms in the kernel's format.</summary>
public sealed class WatchpointLinkTests
{
    // /proc/kallsyms of a 6.1 x86_64 board (excerpt): a global, two statics of one name, text, a module's data.
    private static readonly string Kallsyms =
        "ffffffff81200000 T ksys_lseek\n" +
        "ffffffff82a3b4c0 D vm_swappiness\n" +
        "ffffffff82a3b4c8 d dirty_ratio_handler_data\n" +
        "ffffffff82c00010 b buf_state\n" +
        "ffffffff82c08020 b buf_state\n" +
        "ffffffff82c10003 d odd_byte\n" +
        "ffffffff82400000 R linux_banner\n" +
        "ffffffffc0002000 d kt_state\t[ktapvm]\n" +
        // a kernel with CONFIG_KALLSYMS_ALL lists tens of thousands of data symbols
        string.Concat(Enumerable.Range(0, WatchpointLink.FewDataSymbols).Select(i => $"{0xffffffff83000000UL + 8UL * (ulong)i:x16} d filler_{i}\n"));

    private static readonly string[] Devices = ["breakpoint", "kprobe", "software", "tracepoint", "uprobe"];

    private static BundleModel Compile(string source, string target = "x86_64")
    {
        var r = KtapCompiler.Compile(new CompileOptions(target, "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return BundleReader.Read(r.Bundle);
    }

    private static IReadOnlyList<string> Link(BundleModel model, IReadOnlyList<string>? devices = null, string? kallsyms = null)
    {
        var reads = 0;
        var errors = new BundleLinker(new EventCatalog(new Dictionary<string, IReadOnlyList<EventField>>(), []),
            p => throw new InvalidOperationException(p), devices ?? Devices,
            dataSymbols: () => { reads++; return KernelSymbols.ParseData(kallsyms ?? Kallsyms); }).Link(model, "board1");
        Assert.True(reads <= 1, "kallsyms read once per link");
        return errors;
    }

    [Fact]
    public void A_symbol_gets_its_address_from_the_boards_data_symbols()
    {
        var model = Compile("trace watchpoint:vm_swappiness:4:w, watchpoint:linux_banner:8:rw { print(pid()) }");
        Assert.Empty(Link(model));
        Assert.Equal([0xffffffff82a3b4c0UL, 0xffffffff82400000UL], model.Events.Select(e => e.Value));
        // the linked bundle is one the C loader takes: the host reader checks the same rules
        Assert.Equal(0xffffffff82a3b4c0UL, BundleReader.Read(BundleWriter.Write(model)).Events[0].Value);
    }

    [Fact]
    public void An_address_as_written_is_kept_and_kallsyms_is_not_read()
    {
        var model = Compile("trace watchpoint:0xffffffff82a3b4c0:4:rw { }");
        Assert.Empty(Link(model, kallsyms: "not kallsyms at all\n"));
        Assert.Equal(0xffffffff82a3b4c0UL, model.Events[0].Value);
    }

    [Fact]
    public void An_unknown_symbol_is_refused_with_did_you_mean()
    {
        var model = Compile("trace watchpoint:vm_swapiness:4:w { }");
        Assert.Equal(["watchpoint:vm_swapiness:4:w: board1's kernel has no data symbol 'vm_swapiness' (did you mean 'vm_swappiness'?) (a variable of the kernel itself, in its kallsyms: CONFIG_KALLSYMS_ALL)"],
            Link(model));
        Assert.Equal(0UL, model.Events[0].Value);
    }

    [Theory]
    [InlineData("ksys_lseek")]   // text, not data
    [InlineData("kt_state")]     // a module's: not the kernel's own
    public void Only_the_kernels_own_data_symbols_resolve(string symbol)
    {
        var error = Assert.Single(Link(Compile($"trace watchpoint:{symbol}:4:w {{ }}")));
        Assert.Contains($"has no data symbol '{symbol}'", error);
    }

    [Fact]
    public void A_name_of_several_statics_is_refused_with_their_addresses()
    {
        Assert.Equal(["watchpoint:buf_state:4:w: 'buf_state' names 2 data symbols of board1's kernel (statics of several files): watch one by address (0xffffffff82c00010, 0xffffffff82c08020)"],
            Link(Compile("trace watchpoint:buf_state:4:w { }")));
    }

    [Fact]
    public void A_symbol_at_an_address_the_length_does_not_divide_is_refused()
    {
        Assert.Equal(["watchpoint:odd_byte:4:w: odd_byte is at 0xffffffff82c10003, not a multiple of the length 4"],
            Link(Compile("trace watchpoint:odd_byte:4:w { }")));
        Assert.Empty(Link(Compile("trace watchpoint:odd_byte:1:w { }")));
    }

    [Fact]
    public void A_board_without_the_breakpoint_device_is_refused_before_kallsyms_is_read()
    {
        string[] none = ["kprobe", "software", "tracepoint"];
        Assert.Equal(["watchpoint:vm_swappiness:4:w: board1 has no hardware breakpoints: its kernel registered no 'breakpoint' perf device (built without CONFIG_HAVE_HW_BREAKPOINT; its perf devices: kprobe, software, tracepoint)"],
            Link(Compile("trace watchpoint:vm_swappiness:4:w { }"), none, kallsyms: "not read\n"));
    }

    [Theory]
    [InlineData("arm-v7", "watchpoint:vm_swappiness:4:w: board1's 32-bit arm kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit only for perf's own handler")]
    [InlineData("arm64", "watchpoint:vm_swappiness:4:w: board1's arm64 kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit with interrupts enabled")]
    public void Arm_boards_are_refused_with_the_reason_before_kallsyms_is_read(string target, string message)
    {
        var error = Assert.Single(Link(Compile("trace watchpoint:vm_swappiness:4:w { }", target), [.. Devices, "armv8_pmuv3_0"], kallsyms: "not read\n"));
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void Kallsyms_without_addresses_is_a_clear_error()
    {
        var error = Assert.Single(Link(Compile("trace watchpoint:vm_swappiness:4:w { }"), kallsyms: "0000000000000000 D vm_swappiness\n"));
        Assert.Equal("watchpoint:vm_swappiness:4:w: cannot resolve vm_swappiness: /proc/kallsyms shows every address as 0 (kptr_restrict): ktap needs root on the board to name kernel addresses", error);
    }

    [Fact]
    public void A_kernel_without_KALLSYMS_ALL_is_told_to_watch_the_address()
    {
        // a kernel without KALLSYMS_ALL (Debian's arm64): text symbols and a single data one
        const string textOnly = "ffffc2fd7b0d1774 t get_swappiness\nffffc2fd7c000000 D one_data_symbol\n";
        Assert.Equal(["watchpoint:vm_swappiness:4:w: board1's kallsyms lists 1 data symbol, not 'vm_swappiness': its kernel was built without CONFIG_KALLSYMS_ALL (Debian's arm64 kernel is); watch the address instead, watchpoint:0xADDRESS:4:w, from the kernel's System.map moved by its KASLR offset (_text in kallsyms minus _text in System.map)"],
            Link(Compile("trace watchpoint:vm_swappiness:4:w { }"), kallsyms: textOnly));
    }

    [Fact]
    public void Data_symbols_are_not_text_symbols()
    {
        var data = KernelSymbols.ParseData(Kallsyms);
        Assert.Equal([0xffffffff82a3b4c0UL], data.Addresses("vm_swappiness", modules: false));
        Assert.Empty(data.Addresses("ksys_lseek", modules: false));
        Assert.Empty(KernelSymbols.Parse(Kallsyms).Addresses("vm_swappiness", modules: false));
    }

    [Fact]
    public void A_modules_data_symbol_of_the_same_name_is_not_watched()
    {
        // one lookup serves symbol literals (modules' symbols too) and watchpoints (the kernel's own)
        var data = KernelSymbols.ParseData(Kallsyms + "ffffffffc0a01000 d vm_swappiness\t[some_module]\n");
        Assert.Equal([0xffffffff82a3b4c0UL], data.Addresses("vm_swappiness", modules: false));
        Assert.Equal([0xffffffff82a3b4c0UL, 0xffffffffc0a01000UL], data.Addresses("vm_swappiness").Order());
    }
}
