using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Tool.Linking;
using Ktap.Tool.Symbols;

namespace Ktap.Tests.Linking;

/// <summary>Kernel symbol literals resolved by the link step from a kallsyms text in the board's own format.</summary>
public sealed class KernelSymbolLinkTests
{
    // /proc/kallsyms lines: two static functions named `show`, a module's function, a data symbol.
    private const string Kallsyms = """
        ffffffff81000000 T _stext
        ffffffff81234560 T vfs_read
        ffffffff81234700 T vfs_write
        ffffffff81240000 t show
        ffffffff81250000 t show
        ffffffff81300000 D jiffies
        ffffffffc0001000 t ext4_file_read_iter	[ext4]
        """;

    private static readonly EventCatalog NoEvents = new(new Dictionary<string, IReadOnlyList<EventField>>(), []);

    private static BundleModel Compile(string source, string target = "x86_64")
    {
        var r = KtapCompiler.Compile(new CompileOptions(target, "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return BundleReader.Read(r.Bundle);
    }

    private static IReadOnlyList<string> Link(BundleModel model, string kallsyms = Kallsyms) =>
        new BundleLinker(NoEvents, p => throw new InvalidOperationException(p), kallsyms: () => KernelSymbols.Parse(kallsyms)).Link(model, "board1");

    [Fact]
    public void Literals_get_the_addresses_of_kallsyms_and_the_bundle_becomes_format_1()
    {
        var model = Compile("print(`vfs_read`, `ext4_file_read_iter`, 0, `vfs_read` == `vfs_write`)");
        Assert.Equal(["vfs_read", "ext4_file_read_iter", "vfs_write"], model.KernelSymbols.Select(k => k.Name));
        Assert.Empty(Link(model));
        Assert.Empty(model.KernelSymbols);
        var linked = BundleWriter.Write(model);
        Assert.Equal(1, linked[4]);
        var read = BundleReader.Read(linked);
        var numbers = read.Constants.Where(c => c.Kind == ConstantKind.Number).Select(c => c.Value).ToList();
        Assert.Contains(unchecked((long)0xffffffff81234560UL), numbers);
        Assert.Contains(unchecked((long)0xffffffffc0001000UL), numbers);
        Assert.Contains(0L, numbers); // the literal 0 is a constant of its own, untouched
        Assert.Empty(read.KernelSymbols);
    }

    [Fact]
    public void Closures_with_literals_are_format_4_and_link_into_format_3()
    {
        var model = Compile("function mk() { var a = `vfs_read`\nreturn function() { return a } }\nprint(mk()())");
        Assert.Equal(BundleLayout.FormatVersionUnlinkedUpvalues, BundleWriter.Write(model)[4]);
        Assert.Empty(Link(model));
        var linked = BundleWriter.Write(model);
        Assert.Equal(BundleLayout.FormatVersionUpvalues, linked[4]); // what the VM reads: upvalue counts kept
        Assert.Equal(1, BundleReader.Read(linked).Functions[2].UpvalueCount);
    }

    [Fact]
    public void An_unknown_symbol_is_an_error_with_a_did_you_mean_and_nothing_is_patched()
    {
        var model = Compile("print(`vfs_raed`, `vfs_write`)");
        Assert.Equal(["`vfs_raed`: no kernel function 'vfs_raed' on board1 (did you mean 'vfs_read'?) (a symbol literal names a text symbol of /proc/kallsyms)"],
            Link(model));
        Assert.Equal(2, model.KernelSymbols.Count);
        Assert.All(model.KernelSymbols, k => Assert.Equal(Constant.Number(0), model.Constants[k.Constant]));
    }

    [Fact]
    public void A_data_symbol_is_not_a_function()
    {
        var error = Assert.Single(Link(Compile("print(`jiffies`)")));
        Assert.StartsWith("`jiffies`: no kernel function 'jiffies' on board1", error);
    }

    [Fact]
    public void A_name_of_two_functions_is_ambiguous()
    {
        Assert.Equal(["`show`: 2 kernel functions are named 'show' on board1 (at 0xffffffff81240000, 0xffffffff81250000): a symbol literal must name one"],
            Link(Compile("print(`show`)")));
    }

    [Fact]
    public void A_32_bit_board_gets_the_32_bit_address_as_a_positive_number()
    {
        var model = Compile("print(`vfs_read`)", "arm-v7");
        Assert.Empty(Link(model, "c0234560 T vfs_read\nc0100000 T _stext\n"));
        Assert.Contains(Constant.Number(0xc0234560L), model.Constants);
    }

    [Fact]
    public void Kallsyms_is_read_only_for_a_bundle_with_literals()
    {
        var reads = 0;
        var linker = new BundleLinker(NoEvents, p => throw new InvalidOperationException(p),
            kallsyms: () => { reads++; return KernelSymbols.Parse(Kallsyms); });
        Assert.Empty(linker.Link(Compile("print(1)"), "board1"));
        Assert.Equal(0, reads);
        Assert.Empty(linker.Link(Compile("print(`vfs_read`)"), "board1"));
        Assert.Equal(1, reads);
    }

    [Fact]
    public void Without_kallsyms_a_literal_cannot_link()
    {
        var errors = new BundleLinker(NoEvents, p => throw new InvalidOperationException(p)).Link(Compile("print(`vfs_read`)"), "board1");
        Assert.Equal(["the script's kernel symbol literals need board1's /proc/kallsyms, which this link step was not given"], errors);
    }

    [Fact]
    public void A_kallsyms_of_zeros_says_why()
    {
        var error = Assert.Single(Link(Compile("print(`vfs_read`)"), "0000000000000000 T vfs_read\n"));
        Assert.StartsWith("kernel symbol literals cannot be resolved: /proc/kallsyms shows every address as 0 (kptr_restrict)", error);
    }
}
