using Ktap.Bundle;
using Ktap.Profiles;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>USDT argument specs, in each target assembler's syntax, to the bundle's fetch-args.</summary>
public sealed class SdtArgSpecTests
{
    private static TargetProfile Target(string name) => TargetProfiles.Find(name)!;

    [Theory]
    // x86_64: sub-registers are the full register with the sized type
    [InlineData("x86_64", "-4@%eax", FetchSource.Register, FetchType.S32, "ax", 0L)]
    [InlineData("x86_64", "8@%rdi", FetchSource.Register, FetchType.U64, "di", 0L)]
    [InlineData("x86_64", "-2@%si", FetchSource.Register, FetchType.S16, "si", 0L)]
    [InlineData("x86_64", "1@%al", FetchSource.Register, FetchType.U8, "ax", 0L)]
    [InlineData("x86_64", "-1@%dil", FetchSource.Register, FetchType.S8, "di", 0L)]
    [InlineData("x86_64", "-4@%r8d", FetchSource.Register, FetchType.S32, "r8", 0L)]
    [InlineData("x86_64", "2@%r15w", FetchSource.Register, FetchType.U16, "r15", 0L)]
    [InlineData("x86_64", "-8@-8(%rbp)", FetchSource.Memory, FetchType.S64, "bp", -8L)]
    [InlineData("x86_64", "-8@8(%rsp)", FetchSource.Memory, FetchType.S64, "sp", 8L)]
    [InlineData("x86_64", "4@(%rax)", FetchSource.Memory, FetchType.U32, "ax", 0L)]
    [InlineData("x86_64", "8@0x10(%r12)", FetchSource.Memory, FetchType.U64, "r12", 16L)]
    // i686
    [InlineData("x86", "-4@%edx", FetchSource.Register, FetchType.S32, "dx", 0L)]
    [InlineData("x86", "-8@-32(%ebp)", FetchSource.Memory, FetchType.S64, "bp", -32L)]
    [InlineData("x86", "-4@8(%ebp)", FetchSource.Memory, FetchType.S32, "bp", 8L)]
    // ARM (gcc prints ip for r12, fp for r11)
    [InlineData("arm-v7", "-4@r0", FetchSource.Register, FetchType.S32, "r0", 0L)]
    [InlineData("arm-v7", "-4@ip", FetchSource.Register, FetchType.S32, "r12", 0L)]
    [InlineData("arm-v7", "4@lr", FetchSource.Register, FetchType.U32, "lr", 0L)]
    [InlineData("arm-v7", "-4@[r7, #-12]", FetchSource.Memory, FetchType.S32, "r7", -12L)]
    [InlineData("arm-v7", "-8@[r7, #8]", FetchSource.Memory, FetchType.S64, "r7", 8L)]
    [InlineData("arm-v7", "4@[fp]", FetchSource.Memory, FetchType.U32, "r11", 0L)]
    // AArch64 (w registers are the x register's low half)
    [InlineData("arm64", "-4@x2", FetchSource.Register, FetchType.S32, "x2", 0L)]
    [InlineData("arm64", "-4@w19", FetchSource.Register, FetchType.S32, "x19", 0L)]
    [InlineData("arm64", "8@x30", FetchSource.Register, FetchType.U64, "x30", 0L)]
    [InlineData("arm64", "-8@[sp, 24]", FetchSource.Memory, FetchType.S64, "sp", 24L)]
    [InlineData("arm64", "-4@[x29, -4]", FetchSource.Memory, FetchType.S32, "x29", -4L)]
    [InlineData("arm64", "4@[x0, #8]", FetchSource.Memory, FetchType.U32, "x0", 8L)]
    // PowerPC: registers are bare numbers (or %rN / rN)
    [InlineData("powerpc", "-4@9", FetchSource.Register, FetchType.S32, "gpr9", 0L)]
    [InlineData("powerpc", "4@%r31", FetchSource.Register, FetchType.U32, "gpr31", 0L)]
    [InlineData("powerpc", "-4@0(9)", FetchSource.Memory, FetchType.S32, "gpr9", 0L)]
    [InlineData("powerpc", "-8@-16(31)", FetchSource.Memory, FetchType.S64, "gpr31", -16L)]
    [InlineData("powerpc", "8@8(%r1)", FetchSource.Memory, FetchType.U64, "gpr1", 8L)]
    public void TranslatesToARegisterOrMemoryFetch(string target, string spec, FetchSource source, FetchType type, string register, long offset)
    {
        var t = Target(target);
        var (arg, why) = SdtArgSpec.Translate(spec, 2, t);
        Assert.Null(why);
        Assert.Equal(new FetchArgModel("arg2", source, type, t.FindRegister(register)!.Number, offset), arg);
    }

    [Theory]
    [InlineData("x86_64", "-4@$5", "it is a constant, not a register or memory")]
    [InlineData("x86_64", "8@ktap_big(%rip)", "it is neither a register nor memory at a register + offset (a symbol-relative or indexed address?)")]
    [InlineData("x86_64", "4@(%rax,%rbx,4)", "it is neither a register nor memory at a register + offset (a symbol-relative or indexed address?)")]
    [InlineData("x86_64", "1@%ah", "it is neither a register nor memory at a register + offset (a symbol-relative or indexed address?)")]
    [InlineData("x86_64", "3@%eax", "its size is not 1, 2, 4 or 8 bytes")]
    [InlineData("x86_64", "-8@%eax", "a 64-bit value in a 32-bit register: the other half is in a register the note does not name")]
    [InlineData("x86", "-8@%ecx", "a 64-bit value in a 32-bit register: the other half is in a register the note does not name")]
    [InlineData("x86", "4@%r8d", "register 'r8' is not one of x86's")]
    [InlineData("arm-v7", "-8@r2", "a 64-bit value in a 32-bit register: the other half is in a register the note does not name")]
    [InlineData("arm-v7", "4@#5", "it is a constant, not a register or memory")]
    [InlineData("arm64", "-8@w1", "a 64-bit value in a 32-bit register: the other half is in a register the note does not name")]
    [InlineData("powerpc", "-8@10", "a 64-bit value in a 32-bit register: the other half is in a register the note does not name")]
    [InlineData("powerpc", "4@i5", "it is a constant, not a register or memory")]
    public void WhatTheBundleCannotExpressSaysWhy(string target, string spec, string reason)
    {
        var (arg, why) = SdtArgSpec.Translate(spec, 1, Target(target));
        Assert.Null(arg);
        Assert.Equal(reason, why);
    }

    [Fact]
    public void ASpecWithoutASizeIsOneSignedWord()
    {
        Assert.Equal(FetchType.S32, SdtArgSpec.Translate("%eax", 1, Target("x86")).Arg!.Type);
        Assert.Equal(FetchType.S64, SdtArgSpec.Translate("%rax", 1, Target("x86_64")).Arg!.Type);
    }

    public static readonly TheoryData<string, string> RealPrograms = new()
    {
        { "gcc", "x86_64" }, { "i686-linux-gnu-gcc", "x86" }, { "arm-linux-gnueabihf-gcc", "arm-v7" },
        { "aarch64-linux-gnu-gcc", "arm64" }, { "powerpc-linux-gnu-gcc", "powerpc" },
    };

    [Theory]
    [MemberData(nameof(RealPrograms))]
    public void EveryArgumentOfTheBoardsProgramTranslates(string compiler, string target)
    {
        // What the boards' e2e run relies on: every argument of sdt-markers.c (-O0) is readable.
        var markers = new ElfSymbols(SdtProgram.Build(compiler), compiler).SdtMarkers;
        foreach (var m in markers)
            for (var i = 0; i < m.Arguments.Count; i++)
                Assert.Null(SdtArgSpec.Translate(m.Arguments[i], i + 1, Target(target)).Why);
        var tick = markers.Single(m => m.Name == "tick");
        Assert.Equal([FetchType.S32, FetchType.S64], tick.Arguments.Select((a, i) => SdtArgSpec.Translate(a, i + 1, Target(target)).Arg!.Type));
    }
}
