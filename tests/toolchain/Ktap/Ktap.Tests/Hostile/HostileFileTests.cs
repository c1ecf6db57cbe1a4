using System.Buffers.Binary;
using Ktap.Output;
using Ktap.Tool;
using Ktap.Tool.Boards;
using Ktap.Tool.Linking;
using Ktap.Tool.Remote;

namespace Ktap.Tests.Hostile;

/// <summary>
/// Files from the board (ELF, catalog, facts) and the user's own files (profiles) written to
/// attack their readers (issue 17): each is the reader's own error, bounded in memory.
/// </summary>
public class HostileFileTests
{
    /// <summary>A little-endian x86_64 ELF: one PT_LOAD, .symtab with <paramref name="symbols"/> functions all named by one name of <paramref name="nameLength"/> bytes.</summary>
    public static byte[] Elf(int symbols = 3, int nameLength = 4, ulong? phoff = null, uint link = 2, ulong? shoff = null)
    {
        const int shOff = 120, symOff = 120 + 3 * 64;
        var strOff = symOff + symbols * 24;
        var length = strOff + nameLength + 2;
        var b = new byte[length];
        var s = b.AsSpan();
        "\u007fELF"u8.CopyTo(s);
        b[4] = 2; b[5] = 1; b[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], 3);
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], 62);
        BinaryPrimitives.WriteUInt64LittleEndian(s[32..], phoff ?? 64);
        BinaryPrimitives.WriteUInt64LittleEndian(s[40..], shoff ?? shOff);
        BinaryPrimitives.WriteUInt16LittleEndian(s[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(s[56..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(s[58..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(s[60..], 3);
        // PT_LOAD: file offset 0 at vaddr 0x1000, the whole file
        BinaryPrimitives.WriteUInt32LittleEndian(s[64..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(64 + 16)..], 0x1000);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(64 + 32)..], (ulong)length);
        // [1] .symtab, [2] .strtab
        var sym = shOff + 64;
        BinaryPrimitives.WriteUInt32LittleEndian(s[(sym + 4)..], 2);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 24)..], symOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 32)..], (ulong)(symbols * 24));
        BinaryPrimitives.WriteUInt32LittleEndian(s[(sym + 40)..], link);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(sym + 56)..], 24);
        var str = shOff + 128;
        BinaryPrimitives.WriteUInt32LittleEndian(s[(str + 4)..], 3);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(str + 24)..], (ulong)strOff);
        BinaryPrimitives.WriteUInt64LittleEndian(s[(str + 32)..], (ulong)(nameLength + 2));
        for (var i = 0; i < symbols; i++)
        {
            var e = symOff + i * 24;
            BinaryPrimitives.WriteUInt32LittleEndian(s[e..], 1);
            b[e + 4] = 0x12;
            BinaryPrimitives.WriteUInt16LittleEndian(s[(e + 6)..], 1);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(e + 8)..], 0x1000 + (ulong)(i % 64));
        }
        s.Slice(strOff + 1, nameLength).Fill((byte)'f');
        return b;
    }

    [Fact]
    public void The_test_elf_is_read()
    {
        var elf = new ElfSymbols(Elf(), "/bin/app");
        Assert.Equal(3, elf.Symbols.Count);
        Assert.Equal("ffff", elf.Symbols[0].Name);
    }

    [Theory]
    [InlineData(0x8000_0000UL, null)]
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL, null)]
    [InlineData(null, 0x8000_0000UL)]
    [InlineData(null, 0xFFFF_FFFF_FFFF_FFC0UL)]
    public void Header_table_offsets_past_2_GiB_are_elf_errors(ulong? phoff, ulong? shoff)
    {
        var e = Assert.Throws<ElfException>(() => new ElfSymbols(Elf(phoff: phoff, shoff: shoff), "/bin/app"));
        Assert.Contains("/bin/app", e.Message);
    }

    [Theory]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(0x8000_0000u)]
    [InlineData(3u)]
    public void A_negative_or_out_of_range_sh_link_is_an_elf_error(uint link) =>
        Assert.Throws<ElfException>(() => new ElfSymbols(Elf(link: link), "/bin/app"));

    [Fact]
    public void Symbols_sharing_one_huge_name_are_not_copied_per_symbol()
    {
        var data = Elf(symbols: 100_000, nameLength: 60_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var elf = new ElfSymbols(data, "/bin/app");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100_000, elf.Symbols.Count);
        Assert.True(allocated < 64L << 20, $"{allocated} bytes allocated for 100,000 symbols sharing one name");
        // a name over the limit is skipped, not copied
        var huge = new ElfSymbols(Elf(symbols: 100_000, nameLength: 1 << 20), "/bin/app");
        Assert.Empty(huge.Symbols);
        Assert.Throws<ElfException>(() => huge.Find("main"));
    }

    [Fact]
    public void Random_damage_to_an_elf_file_is_only_ever_an_elf_error()
    {
        var good = Elf(symbols: 8);
        var random = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var b = (byte[])good.Clone();
            for (var k = random.Next(1, 5); k > 0; k--) b[random.Next(b.Length)] = (byte)random.Next(256);
            if (i % 7 == 0) b = b[..random.Next(b.Length)];
            try { new ElfSymbols(b, "x").Find("ffff"); }
            catch (ElfException) { }
        }
    }

    [Theory]
    [InlineData("../../../../tmp/x")]
    [InlineData("..")]
    [InlineData("6.1\0evil")]
    [InlineData("6.1/../../x")]
    [InlineData("6.1\u001b[2J")]
    [InlineData("")]
    public void A_release_that_is_not_a_plain_name_never_becomes_a_path(string release)
    {
        Assert.False(KernelRelease.IsValid(release));
        var board = new BoardProfile("b", "x86_64", "h", 22, null, "root", "/k", new HostKeyPolicy("SHA256:x", null),
            "/m", null, null, false, null, "/tmp/state/boards/b", "b.yaml");
        var e = Assert.Throws<KtapException>(() => CatalogStore.Directory(board, release));
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\0', e.Message);
    }

    [Theory]
    [InlineData("6.1.0-13-amd64")]
    [InlineData("5.10.120+")]
    [InlineData("4.19.0-rc1~custom_build")]
    public void Real_releases_are_plain_names(string release) => Assert.True(KernelRelease.IsValid(release));

    private static BoardProfileReader Reader() => new(_ => null, _ => true);

    [Theory]
    [InlineData("name: b\ntarget: [x86_64\n")]
    [InlineData("[")]
    [InlineData("{a: [b, {c: ")]
    [InlineData("name: &a b\ntarget: *a\nhost: *zz\n")]
    public void Damaged_yaml_is_a_profile_error(string text)
    {
        var e = Assert.Throws<BoardProfileException>(() => Reader().Parse("b.yaml", text));
        Assert.NotEmpty(e.Errors);
    }

    [Fact]
    public void Yaml_nested_200000_deep_is_refused_before_the_stack_overflows()
    {
        var text = "name: " + new string('[', 200_000) + new string(']', 200_000) + "\n";
        var e = Assert.Throws<BoardProfileException>(() => Reader().Parse("b.yaml", text));
        Assert.Contains("nested deeper than", e.Message);
        var block = string.Concat(Enumerable.Range(0, 5000).Select(i => new string(' ', i) + "- \n"));
        Assert.Throws<BoardProfileException>(() => Reader().Parse("b.yaml", "name:\n" + block));
    }

    [Fact]
    public void Board_facts_flood_text_stays_bounded_in_doctor_lines()
    {
        var facts = BoardFacts.Parse("release=\u001b]0;owned\u0007" + new string('x', 100_000) + "\n");
        var shown = TerminalText.Quote(facts.Release);
        Assert.True(shown.Length < HostLimits.MessageChars + 100);
        Assert.DoesNotContain('\u001b', shown);
    }
}
