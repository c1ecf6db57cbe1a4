using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Profiles;

public class TargetProfilesTests
{
    [Theory]
    [InlineData("x86", "x86"), InlineData("i686", "x86"), InlineData("I386", "x86"), InlineData("x86_32", "x86")]
    [InlineData("x86_64", "x86_64"), InlineData("AMD64", "x86_64"), InlineData("x64", "x86_64")]
    [InlineData("arm-v7", "arm-v7"), InlineData("arm", "arm-v7"), InlineData("armhf", "arm-v7"), InlineData("armv7", "arm-v7"), InlineData("armv7l", "arm-v7")]
    [InlineData("powerpc", "powerpc"), InlineData("ppc", "powerpc"), InlineData("PPC32", "powerpc"), InlineData("powerpc32", "powerpc")]
    [InlineData("arm64", "arm64"), InlineData("aarch64", "arm64"), InlineData("ARM64-v8", "arm64"), InlineData("armv8", "arm64")]
    public void Names_and_aliases_find_their_profile(string name, string expected) =>
        Assert.Equal(expected, TargetProfiles.Find(name)!.Name);

    [Theory, InlineData("aarch32"), InlineData("arm64be"), InlineData("mips"), InlineData(""), InlineData("x86-64 ")]
    public void Unknown_names_find_nothing(string name) => Assert.Null(TargetProfiles.Find(name));

    [Fact]
    public void Byte_order_word_size_and_arch_number_are_those_of_the_format()
    {
        Assert.Equal((ByteOrder.Little, 4, (byte)1), (TargetProfiles.X86.ByteOrder, TargetProfiles.X86.WordSize, (byte)TargetProfiles.X86.Arch));
        Assert.Equal((ByteOrder.Little, 8, (byte)2), (TargetProfiles.X86_64.ByteOrder, TargetProfiles.X86_64.WordSize, (byte)TargetProfiles.X86_64.Arch));
        Assert.Equal((ByteOrder.Little, 4, (byte)3), (TargetProfiles.ArmV7.ByteOrder, TargetProfiles.ArmV7.WordSize, (byte)TargetProfiles.ArmV7.Arch));
        Assert.Equal((ByteOrder.Big, 4, (byte)4), (TargetProfiles.PowerPC.ByteOrder, TargetProfiles.PowerPC.WordSize, (byte)TargetProfiles.PowerPC.Arch));
        Assert.Equal((ByteOrder.Little, 8, (byte)5), (TargetProfiles.Arm64.ByteOrder, TargetProfiles.Arm64.WordSize, (byte)TargetProfiles.Arm64.Arch));
    }

    [Fact]
    public void Names_and_aliases_are_unique()
    {
        var lower = TargetProfiles.Names.Select(n => n.ToLowerInvariant()).ToList();
        Assert.Equal(lower.Count, lower.Distinct().Count());
        Assert.Equal(5 + 3 + 2 + 4 + 3 + 3, lower.Count);
    }

    [Fact]
    public void Every_profile_has_a_register_file_from_the_runtime_definitions()
    {
        foreach (var p in TargetProfiles.All)
        {
            var regs = p.Registers;
            Assert.NotEmpty(regs.Registers);
            Assert.NotEmpty(regs.ArgumentRegisters);
            Assert.All(regs.ArgumentRegisters, r => Assert.NotNull(p.FindRegister(r)));
            Assert.NotNull(p.FindRegister(regs.ReturnRegister));
            Assert.NotNull(p.FindRegister(regs.StackPointer));
            Assert.Equal(regs.Registers.Count, regs.Registers.Select(r => r.Number).Distinct().Count());
        }
        Assert.Equal(new[] { "di", "si", "dx", "cx", "r8", "r9" }, TargetProfiles.X86_64.Registers.ArgumentRegisters);
        Assert.Equal(new[] { "ax", "dx", "cx" }, TargetProfiles.X86.Registers.ArgumentRegisters);
        Assert.Equal("r0", TargetProfiles.ArmV7.Registers.ReturnRegister);
        Assert.Equal("gpr3", TargetProfiles.PowerPC.Registers.ArgumentRegisters[0]);
        Assert.Equal("gpr1", TargetProfiles.PowerPC.Registers.StackPointer);
        // arm64: x0-x7 carry arguments 1-8; the register numbers are pt_regs order (regs[0..30], sp, pc, pstate).
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"x{i}"), TargetProfiles.Arm64.Registers.ArgumentRegisters);
        Assert.Equal(("x0", "sp"), (TargetProfiles.Arm64.Registers.ReturnRegister, TargetProfiles.Arm64.Registers.StackPointer));
        Assert.Equal(34, TargetProfiles.Arm64.Registers.Registers.Count);
        Assert.Equal((30, 31, 32, 33), (TargetProfiles.Arm64.FindRegister("x30")!.Number, TargetProfiles.Arm64.FindRegister("sp")!.Number,
            TargetProfiles.Arm64.FindRegister("pc")!.Number, TargetProfiles.Arm64.FindRegister("pstate")!.Number));
        Assert.Null(TargetProfiles.Arm64.FindRegister("x31"));
        Assert.Null(TargetProfiles.Arm64.FindRegister("lr"));
        Assert.Equal(TargetProfiles.X86_64.FindRegister("di"), TargetProfiles.X86_64.FindRegister("%di"));
    }

    [Fact]
    public void Syscall_conventions_know_what_each_arch_lacks()
    {
        Assert.True(TargetProfiles.ArmV7.Syscalls.Has("open"));
        Assert.True(TargetProfiles.X86_64.Syscalls.Has("open"));
        Assert.False(TargetProfiles.X86_64.Syscalls.Has("socketcall"));
        Assert.True(TargetProfiles.X86.Syscalls.Has("socketcall"));
        Assert.False(TargetProfiles.ArmV7.Syscalls.Has("alarm"));
        Assert.True(TargetProfiles.PowerPC.Syscalls.Has("ipc"));
        Assert.False(TargetProfiles.Arm64.Syscalls.Has("open"));
        Assert.False(TargetProfiles.Arm64.Syscalls.Has("fork"));
        Assert.True(TargetProfiles.Arm64.Syscalls.Has("openat"));
        Assert.True(TargetProfiles.Arm64.Syscalls.Has("newfstatat"));
        Assert.Equal("syscalls:sys_enter_read", SyscallConventions.EnterTracepoint("read"));
        Assert.Equal("syscalls:sys_exit_read", SyscallConventions.ExitTracepoint("read"));
        Assert.Equal("openat", SyscallConventions.SyscallOf("sys_exit_openat"));
        Assert.Null(SyscallConventions.SyscallOf("sched_switch"));
        Assert.Equal((1, 2, 2), (SyscallConventions.NumberArg, SyscallConventions.FirstArgumentArg, SyscallConventions.ReturnValueArg));
    }

    [Theory, InlineData("x68_64", "x86_64"), InlineData("armv6", "armv7"), InlineData("powerp", "powerpc"), InlineData("x86-64", "x86_64"), InlineData("aarch46", "aarch64")]
    public void Suggestions_offer_the_closest_names(string typo, string expected) =>
        Assert.Equal(expected, TargetProfiles.Suggest(typo)[0]);

    [Fact]
    public void Nothing_is_suggested_for_a_far_name() => Assert.Empty(TargetProfiles.Suggest("sparc64"));
}
