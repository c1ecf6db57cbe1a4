using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Bytes checked one by one against the offsets of docs/bundle-format.md, with no help from the reader.</summary>
public class ByteLayoutTests
{
    private static readonly byte[] Magic = { 0x1B, 0x4B, 0x42, 0x43 };
    private static readonly byte[] Tail = { 0x0D, 0x0A, 0x1A, 0x0A };

    [Fact]
    public void Powerpc_bundle_is_big_endian()
    {
        var b = BundleWriter.Write(SampleBundles.Create(TargetProfiles.PowerPC));
        Assert.Equal(Magic, b[0..4]);
        Assert.Equal(1, b[4]);            // format_version
        Assert.Equal(2, b[5]);            // byte_order: big
        Assert.Equal(4, b[6]);            // word_size
        Assert.Equal(4, b[7]);            // arch: powerpc
        Assert.Equal(new byte[] { 0x4B, 0x54, 0x41, 0x50 }, b[8..12]);    // endian_check
        Assert.Equal(new byte[] { 0x00, 0x01 }, b[12..14]);                // runtime_abi
        Assert.Equal(new byte[] { 0x00, 0x40 }, b[14..16]);                // header_size 64
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, b[16..24]);    // int_check
        Assert.Equal((uint)b.Length, Be32(b, 24));                         // total_size
        Assert.Equal(new byte[] { 0x00, 11 }, b[28..30]);                  // section_count
        Assert.Equal(new byte[] { 0, 0 }, b[30..32]);                      // flags
        Assert.Equal(Crc32Without(b), Be32(b, 32));                         // checksum
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, b[36..40]);                // main_function 0
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, b[40..44]);                // global_count 1
        Assert.Equal(new byte[] { 0, 0, 0x01, 0x02 }, b[48..52]);          // compiler_version 0.1.2
        Assert.Equal(new byte[8], b[52..60]);                              // reserved
        Assert.Equal(Tail, b[60..64]);

        // Section table entry 0: STRINGS right after the 11-entry table.
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, b[64..68]);
        Assert.Equal(64u + 11 * 16, Be32(b, 68));
        // First string: u32 length 5, "count", 00, padding to 4 => 12 bytes.
        var strings = (int)Be32(b, 68);
        Assert.Equal(new byte[] { 0, 0, 0, 5 }, b[strings..(strings + 4)]);
        Assert.Equal("count\0\0\0"u8.ToArray(), b[(strings + 4)..(strings + 12)]);

        // CONSTANTS (entry 1): item 4 is the number 0x1122334455667788, most significant byte first.
        Assert.Equal(2u, Be32(b, 80));
        var constants = (int)Be32(b, 84);
        Assert.Equal(16u * 6, Be32(b, 88));
        Assert.Equal(6u, Be32(b, 92));
        var item4 = constants + 4 * 16;
        Assert.Equal(3, b[item4]);                                         // kind number
        Assert.Equal(new byte[7], b[(item4 + 1)..(item4 + 8)]);
        Assert.Equal(new byte[] { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 }, b[(item4 + 8)..(item4 + 16)]);
        // item 3 is -5.
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFB }, b[(constants + 48 + 8)..(constants + 64)]);

        // CODE (entry 3): the first instruction LOADK A=0 Bx=3 is 0x0000C001, stored MSB first.
        Assert.Equal(4u, Be32(b, 112));
        var code = (int)Be32(b, 116);
        Assert.Equal(new byte[] { 0x00, 0x00, 0xC0, 0x01 }, b[code..(code + 4)]);
    }

    [Fact]
    public void X86_64_bundle_is_little_endian()
    {
        var b = BundleWriter.Write(SampleBundles.Create(TargetProfiles.X86_64));
        Assert.Equal(Magic, b[0..4]);
        Assert.Equal(1, b[4]);
        Assert.Equal(1, b[5]);            // little
        Assert.Equal(8, b[6]);            // word_size
        Assert.Equal(2, b[7]);            // arch: x86_64
        Assert.Equal(new byte[] { 0x50, 0x41, 0x54, 0x4B }, b[8..12]);
        Assert.Equal(new byte[] { 0x01, 0x00 }, b[12..14]);
        Assert.Equal(new byte[] { 0x40, 0x00 }, b[14..16]);
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, b[16..24]);
        Assert.Equal((uint)b.Length, Le32(b, 24));
        Assert.Equal(new byte[] { 11, 0x00 }, b[28..30]);
        Assert.Equal(Crc32Without(b), Le32(b, 32));
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, b[40..44]);
        Assert.Equal(new byte[] { 0x02, 0x01, 0, 0 }, b[48..52]);
        Assert.Equal(Tail, b[60..64]);

        Assert.Equal(new byte[] { 1, 0, 0, 0 }, b[64..68]);
        var strings = (int)Le32(b, 68);
        Assert.Equal(64 + 11 * 16, strings);
        Assert.Equal(new byte[] { 5, 0, 0, 0 }, b[strings..(strings + 4)]);

        var constants = (int)Le32(b, 84);
        var item4 = constants + 4 * 16;
        Assert.Equal(new byte[] { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, b[(item4 + 8)..(item4 + 16)]);
        var code = (int)Le32(b, 116);
        Assert.Equal(new byte[] { 0x01, 0xC0, 0x00, 0x00 }, b[code..(code + 4)]);

        // EVENTS (entry 5), item 3 is tick-1s: kind 8, value 1e9 ns at +20.
        Assert.Equal(6u, Le32(b, 144));
        var ev3 = (int)Le32(b, 148) + 3 * 32;
        Assert.Equal(new byte[] { 8, 0 }, b[ev3..(ev3 + 2)]);
        Assert.Equal(BitConverter.GetBytes(1_000_000_000UL), b[(ev3 + 20)..(ev3 + 28)]);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, b[(ev3 + 28)..(ev3 + 32)]);   // no fetch-args: NONE
    }

    [Fact]
    public void Every_section_starts_on_a_multiple_of_4_and_the_file_ends_on_one()
    {
        foreach (var t in TargetProfiles.All)
        {
            var b = BundleWriter.Write(SampleBundles.Create(t));
            Assert.Equal(0, b.Length % 4);
            var r = new EndianReader(b, t.ByteOrder);
            for (int i = 0; i < r.U16(28); i++) Assert.Equal(0u, r.U32(64 + i * 16 + 4) % 4);
        }
    }

    private static uint Be32(byte[] b, int o) => (uint)(b[o] << 24 | b[o + 1] << 16 | b[o + 2] << 8 | b[o + 3]);
    private static uint Le32(byte[] b, int o) => (uint)(b[o + 3] << 24 | b[o + 2] << 16 | b[o + 1] << 8 | b[o]);

    private static uint Crc32Without(byte[] b)
    {
        var copy = (byte[])b.Clone();
        Array.Clear(copy, 32, 4);
        return Crc32.Compute(copy);
    }
}

/// <summary>The same checks on bundles the compiler produced from a script.</summary>
public class CompiledByteLayoutTests
{
    private static byte[] Compile(string target)
    {
        var result = Ktap.Compilation.KtapCompiler.Compile(new(target, "t.kp", "trace_end { print(0x1122334455667788) }"));
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Bundle!;
    }

    [Fact]
    public void Compiled_powerpc_and_x86_64_bundles_differ_exactly_in_byte_order()
    {
        var be = Compile("powerpc");
        var le = Compile("x86_64");
        Assert.Equal((2, 4, 4), (be[5], be[6], be[7]));
        Assert.Equal((1, 8, 2), (le[5], le[6], le[7]));
        Assert.Equal(new byte[] { 0x4B, 0x54, 0x41, 0x50 }, be[8..12]);
        Assert.Equal(new byte[] { 0x50, 0x41, 0x54, 0x4B }, le[8..12]);
        Assert.Equal(new byte[] { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 }, Find(be, 0x11));
        Assert.Equal(new byte[] { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, Find(le, 0x88));
        // Same code, same tables: only the order of bytes inside fields differs.
        var mb = BundleReader.Read(be);
        var ml = BundleReader.Read(le);
        Assert.Equal(ml.Functions.SelectMany(f => f.Code), mb.Functions.SelectMany(f => f.Code));
    }

    private static byte[] Find(byte[] b, byte first)
    {
        for (int i = 0; i + 8 <= b.Length; i++)
            if (b[i] == first && (b[i + 1] == 0x22 || b[i + 1] == 0x77)) return b[i..(i + 8)];
        return Array.Empty<byte>();
    }
}
