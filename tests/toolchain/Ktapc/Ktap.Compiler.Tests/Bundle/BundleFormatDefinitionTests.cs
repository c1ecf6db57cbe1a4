using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Profiles;
using L = Ktap.Bundle.BundleLayout;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>
/// runtime/ktapvm/ktap_bundle_format.def is the bundle format's one definition. The C and C#
/// code is expanded from it; these tests fail when what is not expanded disagrees with it:
/// the definition itself (fields that do not tile their item), docs/bundle-format.md's
/// tables, the writer's sequential bytes, the target profiles, and any source file that
/// spells the format's magic numbers again. ByteLayoutTests stays a hand-written golden
/// file on purpose: a change of the definition must fail it, so that the format version
/// moves with the format.
/// </summary>
public class BundleFormatDefinitionTests
{
    private static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ktap.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Ktap.sln not found above " + AppContext.BaseDirectory);
    }

    private static readonly string[] Items = { "SectionTable", "Constants", "Functions", "Events", "FetchArgs", "Formats", "Limits", "Ksyms" };

    public static TheoryData<string> ItemNames => new(Items);

    private static IReadOnlyList<L.Field> ItemFields(string name) => name switch
    {
        "SectionTable" => L.SectionTableItem.Fields,
        "Constants" => L.ConstantsItem.Fields,
        "Functions" => L.FunctionsItem.Fields,
        "Events" => L.EventsItem.Fields,
        "FetchArgs" => L.FetchArgsItem.Fields,
        "Formats" => L.FormatsItem.Fields,
        "Limits" => L.LimitsItem.Fields,
        "Ksyms" => L.KsymsItem.Fields,
        _ => throw new ArgumentException(name),
    };

    private static int ItemSize(string name) =>
        name == "SectionTable" ? L.SectionEntrySize : L.Sections.Single(s => s.Id.ToString() == name).ItemSize;

    [Fact]
    public void Header_fields_tile_the_header() =>
        LayoutAssert.Tiles("header", L.HeaderFields.Select(f => (f.Name, f.Offset, f.Size)), L.HeaderSize);

    [Theory]
    [MemberData(nameof(ItemNames))]
    public void Item_fields_tile_their_item(string name) =>
        LayoutAssert.Tiles(name, ItemFields(name).Select(f => (f.Name, f.Offset, f.Size)), ItemSize(name));

    [Fact]
    public void Every_fixed_size_section_but_the_word_lists_has_its_fields()
    {
        var described = Items.ToHashSet();
        foreach (var s in L.Sections.Where(s => s.ItemSize > L.WordItemSize))
            Assert.Contains(s.Id.ToString(), described);
        foreach (var s in L.Sections.Where(s => s.ItemSize is 0 or L.WordItemSize))
            Assert.DoesNotContain(s.Id.ToString(), described);
    }

    /// <summary>docs/bundle-format.md's header table: one row per field, same offset and size, in order.</summary>
    [Fact]
    public void The_documented_header_table_is_the_definition()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "bundle-format.md"));
        var header = Section(doc, "## Header");
        var rows = Regex.Matches(header, @"^\| *(\d+) *\| *(\d+) *\| *(\w+) *\|", RegexOptions.Multiline)
            .Select(m => (Offset: int.Parse(m.Groups[1].Value), Size: int.Parse(m.Groups[2].Value), Name: m.Groups[3].Value.ToUpperInvariant()))
            .ToList();
        Assert.Equal(L.HeaderFields.Select(f => (f.Offset, f.Size, f.Name)), rows);
    }

    /// <summary>docs/bundle-format.md's section list: every id with its name, in order.</summary>
    [Fact]
    public void The_documented_section_list_is_the_definition()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "bundle-format.md"));
        var rows = Regex.Matches(Section(doc, "## Section table"), @"^\| *(\d+) *\| *([A-Z]+) *\|", RegexOptions.Multiline)
            .Select(m => (Id: uint.Parse(m.Groups[1].Value), Name: m.Groups[2].Value))
            .ToList();
        Assert.Equal(L.Sections.Select(s => ((uint)s.Id, s.Name)), rows);
    }

    /// <summary>The writer writes items field after field: each value must land where the definition puts it.</summary>
    [Theory]
    [InlineData("x86_64")]
    [InlineData("powerpc")]
    public void The_writer_puts_every_field_where_the_definition_says(string target)
    {
        var profile = TargetProfiles.Find(target)!;
        var model = SampleBundles.Create(profile);
        var b = BundleWriter.Write(model);
        var r = new Reader(b, profile.ByteOrder == ByteOrder.Big);

        Assert.Equal(L.Magic.ToArray(), b[L.OffMagic..(L.OffMagic + L.SizeMagic)]);
        Assert.Equal(L.Tail.ToArray(), b[L.OffTail..(L.OffTail + L.SizeTail)]);
        Assert.Equal((ulong)L.FormatVersion, r.At(L.OffVersion, L.SizeVersion));
        Assert.Equal((ulong)profile.Arch, r.At(L.OffArch, L.SizeArch));
        Assert.Equal((ulong)profile.WordSize, r.At(L.OffWordSize, L.SizeWordSize));
        Assert.Equal((ulong)L.EndianCheck, r.At(L.OffEndianCheck, L.SizeEndianCheck));
        Assert.Equal(L.IntCheck, r.At(L.OffIntCheck, L.SizeIntCheck));
        Assert.Equal((ulong)b.Length, r.At(L.OffTotalSize, L.SizeTotalSize));
        Assert.Equal((ulong)model.MainFunction, r.At(L.OffMainFunction, L.SizeMainFunction));
        Assert.Equal((ulong)model.Globals.Count, r.At(L.OffGlobalCount, L.SizeGlobalCount));
        Assert.Equal((ulong)model.CompilerVersion, r.At(L.OffCompilerVersion, L.SizeCompilerVersion));

        var sections = new Dictionary<SectionId, (int Offset, int Count)>();
        var count = (int)r.At(L.OffSectionCount, L.SizeSectionCount);
        for (var i = 0; i < count; i++)
        {
            var e = L.HeaderSize + i * L.SectionEntrySize;
            sections[(SectionId)r.At(e + L.SectionTableItem.Id, 4)] =
                ((int)r.At(e + L.SectionTableItem.Offset, 4), (int)r.At(e + L.SectionTableItem.Count, 4));
        }

        var fn = sections[SectionId.Functions].Offset + L.FunctionsItem.ItemSize; // item 1: the handler
        var h = model.Functions[1];
        Assert.Equal((ulong)L.None, r.At(fn + L.FunctionsItem.Name, 4));
        Assert.Equal((ulong)h.ParamCount, r.At(fn + L.FunctionsItem.Params, 2));
        Assert.Equal(1ul, r.At(fn + L.FunctionsItem.Vararg, 1));
        Assert.Equal((ulong)h.FrameSize, r.At(fn + L.FunctionsItem.Frame, 1));
        Assert.Equal((ulong)h.FirstLine, r.At(fn + L.FunctionsItem.FirstLine, 4));
        Assert.Equal((ulong)h.LastLine, r.At(fn + L.FunctionsItem.LastLine, 4));
        Assert.Equal((ulong)h.Flags, r.At(fn + L.FunctionsItem.Flags, 4));
        Assert.Equal((ulong)model.Functions[0].Code.Count, r.At(fn + L.FunctionsItem.CodeStart, 4));
        Assert.Equal((ulong)h.Code.Count, r.At(fn + L.FunctionsItem.CodeCount, 4));

        var k = sections[SectionId.Constants].Offset + 4 * L.ConstantsItem.ItemSize; // item 4: a number
        Assert.Equal((ulong)ConstantKind.Number, r.At(k + L.ConstantsItem.Kind, 1));
        Assert.Equal((ulong)SampleBundles.BigNumber, r.At(k + L.ConstantsItem.Value, 8));

        var ev = sections[SectionId.Events].Offset;
        var e0 = model.Events[0];
        Assert.Equal((ulong)e0.Kind, r.At(ev + L.EventsItem.Kind, 2));
        Assert.Equal((ulong)e0.FetchArgs.Count, r.At(ev + L.EventsItem.FetchArgCount, 2));
        Assert.Equal((ulong)e0.Handler, r.At(ev + L.EventsItem.Handler, 4));
        Assert.Equal(e0.Value, r.At(ev + L.EventsItem.Value, 8));
        if (e0.FetchArgs.Count > 0)
        {
            var fa = sections[SectionId.FetchArgs].Offset + (int)r.At(ev + L.EventsItem.FirstFetchArg, 4) * L.FetchArgsItem.ItemSize;
            Assert.Equal((ulong)e0.FetchArgs[0].Source, r.At(fa + L.FetchArgsItem.Source, 1));
            Assert.Equal((ulong)e0.FetchArgs[0].Type, r.At(fa + L.FetchArgsItem.Type, 1));
            Assert.Equal((ulong)e0.FetchArgs[0].Register, r.At(fa + L.FetchArgsItem.Register, 2));
            Assert.Equal((ulong)e0.FetchArgs[0].Offset, r.At(fa + L.FetchArgsItem.Offset, 8));
        }

        var fm = sections[SectionId.Formats].Offset;
        Assert.Equal((ulong)model.Formats[0].Kind, r.At(fm + L.FormatsItem.Kind, 2));
        Assert.Equal((ulong)model.Formats[0].ArgCount, r.At(fm + L.FormatsItem.ArgCount, 2));
        Assert.Equal((ulong)model.Formats[0].Line, r.At(fm + L.FormatsItem.Line, 4));

        if (model.Limits.Count > 0)
        {
            var li = sections[SectionId.Limits].Offset;
            Assert.Equal((ulong)model.Limits[0].Key, r.At(li + L.LimitsItem.Key, 4));
            Assert.Equal(model.Limits[0].Value, r.At(li + L.LimitsItem.Value, 8));
        }
    }

    [Fact]
    public void Every_target_profile_has_its_architectures_word_size_and_byte_order()
    {
        foreach (var p in TargetProfiles.All)
        {
            var a = L.Architectures.Single(x => x.Arch == p.Arch);
            Assert.Equal(a.WordSize, p.WordSize);
            Assert.Equal(a.ByteOrder, p.ByteOrder);
        }
    }

    /// <summary>
    /// The format's magic numbers are spelled in the definition only: any other source file
    /// that writes them (a C string, byte list or hex constant) has a copy that can drift.
    /// </summary>
    [Fact]
    public void No_source_file_but_the_definition_spells_the_magic_numbers()
    {
        var spellings = new Regex(@"\\x1bKBC|""\\x1b"" *""KBC""|0x1[bB], *0x4[bB], *0x42, *0x43|0x4[bB]544150|0x0102030405060708", RegexOptions.Compiled);
        // hand-written golden tests of the layout (see the class summary)
        var oracles = new[] { "ByteLayoutTests.cs", "BundleHeader.cs", "BundleFormatDefinitionTests.cs", "DisassemblerTests.cs" };
        var found = new List<string>();
        foreach (var top in new[] { "runtime", "toolchain", "tests", "scripts", "boards", "bench" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot, top), "*", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(RepoRoot, file).Replace('\\', '/');
                if (rel.Contains("/bin/") || rel.Contains("/obj/") || rel.EndsWith("ktap_bundle_format.def")) continue;
                if (!Regex.IsMatch(rel, @"\.(c|h|cs|py|sh)$") || oracles.Contains(Path.GetFileName(rel))) continue;
                var text = File.ReadAllText(file);
                foreach (Match m in spellings.Matches(text)) found.Add($"{rel}: {m.Value}");
            }
        Assert.True(found.Count == 0, "the bundle format's numbers written outside ktap_bundle_format.def:\n" + string.Join("\n", found));
    }

    private static string Section(string doc, string heading)
    {
        var start = doc.IndexOf(heading + " ", StringComparison.Ordinal);
        if (start < 0) start = doc.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/bundle-format.md has no '{heading}' section");
        var end = doc.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? doc[start..] : doc[start..end];
    }

    private sealed class Reader(byte[] bytes, bool big)
    {
        public ulong At(int offset, int size)
        {
            ulong v = 0;
            for (var i = 0; i < size; i++)
                v |= (ulong)bytes[offset + i] << (8 * (big ? size - 1 - i : i));
            return v;
        }
    }
}
