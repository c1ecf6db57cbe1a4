using System.Buffers.Binary;
using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>Each damaged bundle is refused with its documented message (docs/bundle-format.md).</summary>
public class CorruptionTests
{
    // Offsets inside the x86_64 sample bundle, found through its own section table.
    private static byte[] Sample() => BundleWriter.Write(SampleBundles.Create(TargetProfiles.X86_64));
    private static int Entry(int i) => 64 + i * 16;
    private static uint U32(byte[] b, int o) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o));
    private static void Set32(byte[] b, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), v);
    private static void Set16(byte[] b, int o, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(o), v);
    private static int SectionData(byte[] b, int entry) => (int)U32(b, Entry(entry) + 4);

    /// <summary>Recompute the checksum so that checks after it are reached.</summary>
    private static byte[] Reseal(byte[] b)
    {
        if (b.Length < 64) return b;
        Set32(b, 32, 0);
        var c = Crc32.Compute(b);
        Set32(b, 32, c);
        return b;
    }

    public record Case(string Name, Func<byte[], byte[]> Damage, Func<byte[], string> Expected)
    {
        public override string ToString() => Name;
    }

    private static Case C(string name, Action<byte[]> damage, string expected) =>
        new(name, b => { damage(b); return Reseal(b); }, _ => expected);

    public static TheoryData<Case> Cases() => new()
    {
        new("empty file", _ => Array.Empty<byte>(), _ => "not a ktap bundle"),
        new("wrong magic", b => { b[1] = (byte)'X'; return b; }, _ => "not a ktap bundle"),
        new("shorter than a header", b => b[..40], _ => "truncated (40 bytes, a header needs 64)"),
        C("format version", b => b[4] = 5, "unsupported bundle format version 5 (this reader: 1 to 4)"),
        C("format 2 without KSYMS", b => b[4] = 2, "format_version 2 without a KSYMS section"),
        C("byte order", b => b[5] = 3, "bad byte order 3"),
        C("word size", b => b[6] = 5, "bad word size 5"),
        C("arch", b => b[7] = 9, "unknown architecture 9"),
        C("word size vs arch", b => b[6] = 4, "bundle word size 4 does not match x86_64 (word size 8)"),
        C("byte order vs arch", b => b[5] = 2, "bundle is big-endian, x86_64 is little-endian"),
        C("endian sentinel", b => Set32(b, 8, 0x50415442), "byte order field disagrees with the data"),
        C("runtime abi", b => Set16(b, 12, 2), "bundle needs runtime ABI 2, this reader has 1"),
        C("header size", b => Set16(b, 14, 48), "bad header size 48"),
        C("int sentinel", b => b[16] ^= 0xFF, "64-bit integer check failed"),
        new("truncated", b => Reseal(b[..^4]), b => $"truncated ({b.Length - 4} bytes, header says {b.Length})"),
        new("trailing bytes", b => Reseal(b.Concat(new byte[4]).ToArray()), b => $"trailing bytes ({b.Length + 4} bytes, header says {b.Length})"),
        C("too large", b => Set32(b, 24, 17 * 1024 * 1024), "bundle of 17825792 bytes exceeds the 16777216-byte limit"),
        C("no sections", b => Set16(b, 28, 0), "bad section count 0"),
        C("too many sections", b => Set16(b, 28, 33), "bad section count 33"),
        C("flags", b => Set16(b, 30, 1), "unknown header flags 0x0001"),
        new("checksum", b => { b[SectionData(b, 3)] ^= 1; return b; },
            b => { var d = (byte[])b.Clone(); d[SectionData(d, 3)] ^= 1; Set32(d, 32, 0);
                   return $"checksum mismatch (stored 0x{U32(b, 32):X8}, computed 0x{Crc32.Compute(d):X8})"; }),
        C("too many globals", b => Set32(b, 40, 70000), "too many globals (70000, at most 65536)"),
        C("reserved header", b => b[55] = 1, "reserved header bytes not zero"),
        C("text transfer", b => b[60] = 0x0A, "bundle damaged by a text transfer"),
        C("unknown section id", b => Set32(b, Entry(10), 13), "unknown section id 13"),
        C("KSYMS in a format 1 bundle", b => Set32(b, Entry(10), 12), "section KSYMS in a format_version 1 bundle (it needs 2)"),
        C("duplicate section", b => Set32(b, Entry(10), 10), "duplicate section ARGS"),
        C("unsorted sections", b => { var a = b[Entry(9)..Entry(10)]; b.AsSpan(Entry(10), 16).CopyTo(b.AsSpan(Entry(9))); a.CopyTo(b, Entry(10)); },
            "section table not sorted by id (ARGS after LIMITS)"),
        new("misaligned section", b => { Set32(b, Entry(10) + 4, U32(b, Entry(10) + 4) + 2); return Reseal(b); },
            b => $"section LIMITS offset {U32(b, Entry(10) + 4) + 2} is not a multiple of 4"),
        new("section outside the file", b => { Set32(b, Entry(10) + 8, 4096); return Reseal(b); },
            b => $"section LIMITS (offset {U32(b, Entry(10) + 4)}, size 4096) lies outside the file ({b.Length} bytes)"),
        C("section over the table", b => Set32(b, Entry(0) + 4, 64), "section STRINGS overlaps the header or the section table"),
        C("sections overlap", b => Set32(b, Entry(10) + 4, U32(b, Entry(9) + 4)), "sections ARGS and LIMITS overlap"),
        C("missing section", b => Set16(b, 28, 8), "missing section GLOBALS"),
        new("padding between sections", b => { Set32(b, Entry(10) + 8, 16); Set32(b, Entry(10) + 12, 1); return Reseal(b); },
            b => $"non-zero padding at offset {SectionData(b, 10) + 16}"),
        new("padding after a string", b => { b[SectionData(b, 0) + 10] = 1; return Reseal(b); },
            b => $"non-zero padding at offset {SectionData(b, 0) + 10}"),
        C("string terminator", b => b[SectionData(b, 0) + 9] = (byte)'x', "section STRINGS: string 0 is not followed by a 00 byte"),
        C("count vs size", b => Set32(b, Entry(1) + 12, 5), "section CONSTANTS: size 96 does not match count 5 (16-byte items)"),
        C("constant kind", b => b[SectionData(b, 1)] = 7, "CONSTANTS item 0 kind: bad value 7"),
        C("string index", b => Set32(b, SectionData(b, 1) + 5 * 16 + 8, 999), "CONSTANTS item 5: string index 999 out of range (20 strings)"),
        C("unknown opcode", b => b[SectionData(b, 3)] = 63, "CODE instruction 0: unknown opcode 63"),
        C("function end", b => Set32(b, SectionData(b, 3) + 8, 0x0000C001), "FUNCTIONS item 0: last instruction is LOADK, not RETURN, TAILCALL or JMP"),
        C("function code range", b => Set32(b, SectionData(b, 2) + 32 + 8, 50), "FUNCTIONS item 1: code range 3+50 outside CODE (9 instructions)"),
        C("frame size", b => b[SectionData(b, 2) + 15] = 0, "FUNCTIONS item 0: frame_size 0 not in 1..250 or below param_count 0"),
        C("main function", b => Set32(b, 36, 7), "main function index 7 out of range (2 functions)"),
        C("event handler", b => Set32(b, SectionData(b, 5) + 4, 5), "EVENTS item 0 handler: function index 5 out of range (2 functions)"),
        C("event kind", b => Set16(b, SectionData(b, 5), 14), "EVENTS item 0 kind: bad value 14"),
        C("fetch-arg range", b => Set32(b, SectionData(b, 5) + 32 + 28, 3), "EVENTS item 1: fetch-args 3+2 outside FETCHARGS (4 items)"),
        C("fetch-arg register", b => Set16(b, SectionData(b, 6) + 6, 200), "FETCHARGS item 0: register 200 does not exist on x86_64"),
        C("format kind", b => Set16(b, SectionData(b, 7), 3), "FORMATS item 0 kind: bad value 3"),
        C("limit key", b => Set32(b, SectionData(b, 10), 6), "LIMITS item 0 key: bad value 6"),
        C("global name index", b => Set32(b, SectionData(b, 8), 20), "GLOBALS item 0: string index 20 out of range (20 strings)"),
    };

    [Theory, MemberData(nameof(Cases))]
    public void Damaged_bundle_is_refused_with_its_message(Case c)
    {
        var original = Sample();
        var damaged = c.Damage((byte[])original.Clone());
        var e = Assert.Throws<BundleFormatException>(() => BundleReader.Read(damaged));
        Assert.Equal(c.Expected(original), e.Message);
    }

    [Fact]
    public void The_undamaged_sample_reads_and_has_the_layout_the_cases_assume()
    {
        var b = Sample();
        var m = BundleReader.Read(b);
        Assert.Equal(20, m.Strings.Count);
        Assert.Equal(11, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(28)));
        Assert.Equal(9, m.Functions.Sum(f => f.Code.Count));
    }

    [Fact]
    public void A_big_endian_bundle_read_as_little_endian_fails_on_the_sentinel()
    {
        var b = BundleWriter.Write(SampleBundles.Create(TargetProfiles.PowerPC));
        b[5] = 1;   // claims little-endian; the arch check catches it first
        Assert.Equal("bundle is little-endian, powerpc is big-endian", Assert.Throws<BundleFormatException>(() => BundleReader.Read(b)).Message);
    }
}
