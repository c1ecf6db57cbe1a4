using System.Buffers.Binary;
using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Kernel symbol literals in the bundle: format 2 with a KSYMS section, and only then.</summary>
public class KernelSymbolBundleTests
{
    private static byte[] Compile(string source, string target = "x86_64")
    {
        var r = KtapCompiler.Compile(new CompileOptions(target, "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return r.Bundle!;
    }

    private static int SectionEntry(byte[] b, uint id)
    {
        for (var i = 0; i < BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(28)); i++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(64 + 16 * i)) == id) return 64 + 16 * i;
        return -1;
    }

    public static TheoryData<string> Targets() => new(TargetProfiles.All.Select(t => t.Name));

    [Theory, MemberData(nameof(Targets))]
    public void A_literal_is_a_placeholder_constant_of_its_own_with_a_relocation(string target)
    {
        var bytes = Compile("x = `vfs_read`\nprint(x == `vfs_read`, `vfs_write`, 0)", target);
        Assert.Equal(2, bytes[4]);
        var m = BundleReader.Read(bytes);
        Assert.Equal(["vfs_read", "vfs_write"], m.KernelSymbols.Select(k => k.Name));
        // One constant per name, each a 0 no other use shares (the script's own 0 is another).
        var constants = m.KernelSymbols.Select(k => k.Constant).ToList();
        Assert.Equal(2, constants.Distinct().Count());
        Assert.All(constants, k => Assert.Equal(Constant.Number(0), m.Constants[k]));
        Assert.Equal(3, m.Constants.Count(c => c == Constant.Number(0)));
        // Read and written again: the same bytes.
        Assert.Equal(bytes, BundleWriter.Write(m));
    }

    [Fact]
    public void Without_literals_the_bundle_is_format_1_without_KSYMS()
    {
        var bytes = Compile("print(0)");
        Assert.Equal(1, bytes[4]);
        Assert.Equal(-1, SectionEntry(bytes, 12));
    }

    private static byte[] Reseal(byte[] b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(32), Crc32.Compute(b));
        return b;
    }

    [Theory]
    [InlineData("constant out of range", 0, 99u, "KSYMS item 0 constant index: bad value 99")]
    [InlineData("constant not a placeholder", 0, 1u, "KSYMS item 0: constant 1 is not the placeholder number 0")]
    [InlineData("same constant twice", 8, 0u, "KSYMS item 1: constant 0 is relocated twice")]
    [InlineData("name out of range", 4, 999u, "KSYMS item 0 name: string index 999 out of range (4 strings)")]
    public void A_damaged_KSYMS_section_is_refused(string name, int offset, uint value, string expected)
    {
        _ = name;
        // constants: k0 `a`, k1 "s", k2 `b`; strings: t.kp, s, a, b
        var bytes = Compile("print(`a`, \"s\", `b`)");
        var data = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(SectionEntry(bytes, 12) + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(data + offset), value);
        Assert.Equal(expected, Assert.Throws<BundleFormatException>(() => BundleReader.Read(Reseal(bytes))).Message);
    }

    [Fact]
    public void A_format_1_header_on_a_bundle_with_KSYMS_is_refused()
    {
        var bytes = Compile("print(`vfs_read`)");
        bytes[4] = 1;
        Assert.Equal("section KSYMS in a format_version 1 bundle (it needs 2)", Assert.Throws<BundleFormatException>(() => BundleReader.Read(Reseal(bytes))).Message);
    }
}
