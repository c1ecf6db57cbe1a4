using StackFrame = Ktap.Output.StackFrame;
using Ktap.Output;
using Ktap.Tests.Linking;
using Ktap.Tool.Linking;
using Ktap.Tool.Symbols;

namespace Ktap.Tests.Symbols;

/// <summary>
/// ustack frames named on the host (issue 11.3): from the function symbols of ET_EXEC files
/// only, never a guess, and never from the kernel's table.
/// </summary>
public sealed class UserSymbolsTests
{
    // ElfSymbolsTests' program: ktap_probe_me is a sized 6-byte function; _start follows it.
    private static ElfSymbols Build(params string[] flags) => new(ElfSymbolsTests.Build("gcc", flags), "/bin/t");

    [Fact]
    public void NamesAddressesInsideSizedFunctionsOfAFixedAddressExecutable()
    {
        var elf = Build("-static", "-no-pie");
        Assert.True(elf.FixedAddresses);
        var at = elf.Find("ktap_probe_me").Address;
        var names = new UserSymbols([elf]);
        Assert.Equal("ktap_probe_me+0x0", names.Name(at));
        Assert.Equal("ktap_probe_me+0x5", names.Name(at + 5));
        // one byte past the symbol's size and far away: hex, not the nearest name
        Assert.NotEqual("ktap_probe_me+0x6", names.Name(at + 6));
        Assert.Null(names.Name(0x10));
        Assert.Null(names.Name(ulong.MaxValue));
    }

    [Fact]
    public void APositionIndependentExecutableGivesNoNames()
    {
        // its symbol addresses are offsets from a load address the board does not send
        var elf = Build("-fPIE", "-pie");
        Assert.False(elf.FixedAddresses);
        var names = new UserSymbols([elf]);
        Assert.Equal(0, names.Count);
        Assert.Null(names.Name(elf.Find("ktap_probe_me").Address));
    }

    [Fact]
    public void UserAndKernelStacksAreNamedOnlyFromTheirOwnTables()
    {
        var elf = Build("-static", "-no-pie");
        var at = elf.Find("ktap_probe_me").Address;
        var user = new UserSymbols([elf]);
        var kernel = KernelSymbols.Parse($"{at:x16} T kernel_fn_at_same_address\nffffffff81000000 T _stext\n");
        var ustack = new RecordValue(ValueTag.UserStack, Frames: [new StackFrame(at + 1, "")]);
        var kstack = new RecordValue(ValueTag.Stack, Frames: [new StackFrame(at + 1, "")]);

        var u = (BacktraceRecord)AddressNaming.Apply(new BacktraceRecord(ustack), kernel, user);
        var k = (BacktraceRecord)AddressNaming.Apply(new BacktraceRecord(kstack), kernel, user);
        Assert.Equal("ktap_probe_me+0x1", u.Stack.Frames![0].Symbol);
        Assert.Equal("kernel_fn_at_same_address+0x1", k.Stack.Frames![0].Symbol);
        // without user names a user stack stays in hex even when the kernel table has the address
        var bare = (BacktraceRecord)AddressNaming.Apply(new BacktraceRecord(ustack), kernel, null);
        Assert.Equal("", bare.Stack.Frames![0].Symbol);
    }
}
