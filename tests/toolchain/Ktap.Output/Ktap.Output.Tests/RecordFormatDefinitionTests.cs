using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Compiler.Tests.Bundle;
using Ktap.Output;
using L = Ktap.Output.RecordLayout;
using S = Ktap.Output.RecordLayout.SummaryBody;

namespace Ktap.Output.Tests;

/// <summary>
/// runtime/ktapvm/ktap_record_format.def is the output record stream's one definition. The C
/// writer and the C# reader's enums and offsets are expanded from it; these tests fail when
/// what is not expanded disagrees with it: the definition itself (fields that do not tile),
/// docs/record-format.md's tables, the reader (records laid out from the definition, in both
/// byte orders), and any source file that lists the kinds or tags again. The conformance
/// suite and RecordReaderTests stay hand-written oracles of the bytes on purpose.
/// </summary>
public class RecordFormatDefinitionTests
{
    private static string RepoRoot => RepoFiles.Root;

    [Fact]
    public void Header_fields_tile_the_header()
    {
        LayoutAssert.Tiles("header", L.HeaderFields.Select(f => (f.Name, f.Offset, f.Size)), L.HeaderSize);
        Assert.Equal(0, L.HeaderSize % L.Align);
    }

    [Fact]
    public void Summary_fields_tile_the_body_with_one_budget_count_per_limits_key()
    {
        LayoutAssert.Tiles("SUMMARY", S.Fields.Select(f => (f.Name, f.Offset, f.Size)), S.BytesA1);
        Assert.All(S.Fields, f => Assert.True(f.Size % 8 == 0, $"SUMMARY field {f.Name} is not u64s"));
        // a = 1 only adds fields at the end: a host that predates it reads the a = 0 body
        Assert.Equal(S.BytesA0, S.Fields.Where(f => f.MinA == 0).Sum(f => f.Size));
        Assert.All(S.Fields.Where(f => f.MinA > 0), f => Assert.True(f.Offset >= S.BytesA0));
        Assert.Equal(S.SizeBudgetHits, Enum.GetValues<LimitKey>().Length * 8);
        Assert.Equal(S.Fields.Count, S.Fields.Select(f => f.Json).Distinct().Count());
    }

    [Fact]
    public void Kinds_and_tags_are_numbered_once_and_the_readers_kinds_stay_clear_of_the_vms()
    {
        Assert.Equal(L.Kinds.Count, L.Kinds.Select(k => k.Kind).Distinct().Count());
        Assert.Equal(L.Tags.Count, L.Tags.Select(t => t.Tag).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, L.Tags.Count).Select(i => (ValueTag)i), L.Tags.Select(t => t.Tag));
        Assert.All(L.Kinds.Where(k => k.Transport), k => Assert.True((int)k.Kind >= 256, $"{k.Name} is in the VM's range"));
        Assert.All(L.Kinds.Where(k => !k.Transport), k => Assert.InRange((int)k.Kind, 1, 255));
        Assert.Equal((int)RecordKind.Time, TransportRecords.Time);
    }

    // ---- docs/record-format.md ----

    private static string Doc() => File.ReadAllText(Path.Combine(RepoRoot, "docs", "record-format.md"));

    private static string Section(string doc, string heading)
    {
        var start = doc.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        if (start < 0) start = doc.IndexOf("\n" + heading + " ", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/record-format.md has no '{heading}' section");
        var end = doc.IndexOf("\n#", start + heading.Length + 1, StringComparison.Ordinal);
        return end < 0 ? doc[start..] : doc[start..end];
    }

    /// <summary>The rows of a section's table whose first cell is a number: the cells, less their `code` quotes.</summary>
    private static List<string[]> Table(string section) =>
        Regex.Matches(section, @"^\|( *\d+ *\|.*)\|$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value.Split('|').Select(c => c.Trim().Replace("`", "")).ToArray())
            .ToList();

    [Fact]
    public void The_documented_header_table_is_the_definition()
    {
        var rows = Table(Section(Doc(), "## Record header (12 bytes)"));
        Assert.Equal(L.HeaderFields.Select(f => new[] { f.Offset.ToString(), f.Size.ToString(), f.Meaning }), rows);
    }

    [Fact]
    public void The_documented_kind_tables_are_the_definition()
    {
        var doc = Doc();
        var vm = Table(Section(doc, "## Kinds"));
        var reader = Table(Section(doc, "### Records of the module's reader"));
        string[] Row(L.KindInfo k) => new[] { ((int)k.Kind).ToString(), k.Name, k.A, k.Body };
        Assert.Equal(L.Kinds.Where(k => !k.Transport).Select(Row), vm);
        Assert.Equal(L.Kinds.Where(k => k.Transport).Select(Row), reader);
    }

    [Fact]
    public void The_documented_value_table_is_the_definition()
    {
        var rows = Table(Section(Doc(), "## Values"));
        Assert.Equal(L.Tags.Select(t => new[] { ((int)t.Tag).ToString(), t.Type, t.Data }), rows);
    }

    // ---- the reader, on records laid out from the definition ----

    private sealed class RecordStream(bool big)
    {
        private readonly List<byte> _bytes = new();
        public byte[] ToArray() => _bytes.ToArray();

        /// <summary>One record: the header's fields where the definition puts them, the body, zero padding.</summary>
        public RecordStream Record(ushort kind, uint a, byte[] body)
        {
            var len = L.HeaderSize + body.Length;
            len += (L.Align - len % L.Align) % L.Align;
            var r = new byte[len];
            Put(r, L.OffLength, L.SizeLength, (ulong)len);
            Put(r, L.OffKind, L.SizeKind, kind);
            Put(r, L.OffA, L.SizeA, a);
            body.CopyTo(r, L.HeaderSize);
            _bytes.AddRange(r);
            return this;
        }

        public void Put(byte[] to, int offset, int size, ulong v)
        {
            for (var i = 0; i < size; i++)
                to[offset + (big ? size - 1 - i : i)] = (byte)(v >> (8 * i));
        }
    }

    /// <summary>The smallest body each kind's reader takes (a = 0): a new kind fails here until the reader and this table know it.</summary>
    private static byte[] SmallestBody(RecordKind kind) => kind switch
    {
        RecordKind.Print or RecordKind.PrintfDynamic or RecordKind.Ansi => Array.Empty<byte>(),
        RecordKind.Printf => new byte[4],                  // u32 N = 0
        RecordKind.Error => new byte[16],                  // function, instruction, line, empty message
        RecordKind.Histogram => new byte[16],              // sum, entries, R = 0
        RecordKind.Hist or RecordKind.Lhist => new byte[28], // min, max, step, N = 0
        RecordKind.Backtrace => new byte[] { (byte)ValueTag.Stack, 0, 0, 0, 0 },
        RecordKind.Summary => new byte[S.BytesA0],
        RecordKind.Time => new byte[TransportRecords.TimeBodyBytes],
        _ => throw new Xunit.Sdk.XunitException($"no smallest body for record kind {kind}"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_reader_takes_every_kind_of_the_definition(bool big)
    {
        foreach (var k in L.Kinds)
        {
            var record = RecordReader.ReadAll(new RecordStream(big).Record((ushort)k.Kind, 0, SmallestBody(k.Kind)).ToArray(), big).Single();
            Assert.Equal(k.Kind, record.Kind);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_reader_takes_every_value_tag_of_the_definition(bool big)
    {
        // each tag with its fixed data zero: counts and lengths 0, numbers 0
        var body = L.Tags.SelectMany(t => new[] { (byte)t.Tag }.Concat(new byte[t.FixedBytes])).ToArray();
        var print = Assert.IsType<PrintRecord>(RecordReader.ReadAll(
            new RecordStream(big).Record((ushort)RecordKind.Print, (uint)L.Tags.Count, body).ToArray(), big).Single());
        Assert.Equal(L.Tags.Select(t => t.Tag), print.Values.Select(v => v.Tag));
    }

    [Theory]
    [InlineData(false, 0u)]
    [InlineData(true, 0u)]
    [InlineData(false, 1u)]
    [InlineData(true, 1u)]
    public void The_reader_finds_each_summary_field_where_the_definition_puts_it(bool big, uint a)
    {
        var s = new RecordStream(big);
        var body = new byte[a == 0 ? S.BytesA0 : S.BytesA1];
        // every u64 of the body a different value: 1000 + its index
        for (var at = 0; at < body.Length; at += 8) s.Put(body, at, 8, 1000 + (ulong)(at / 8));
        var r = Assert.IsType<SummaryRecord>(RecordReader.ReadAll(s.Record((ushort)RecordKind.Summary, a, body).ToArray(), big).Single());
        ulong At(int offset) => 1000 + (ulong)(offset / 8);
        Assert.Equal(At(S.Lost), r.Lost);
        Assert.Equal(At(S.RuntimeErrors), r.RuntimeErrors);
        Assert.Equal(At(S.SkippedReentry), r.SkippedReentry);
        Assert.Equal(At(S.HandlerRuns), r.HandlerRuns);
        Assert.Equal(Enumerable.Range(0, S.SizeBudgetHits / 8).Select(i => At(S.BudgetHits + 8 * i)), r.BudgetHits);
        Assert.Equal(At(S.MemoryPeak), r.MemoryPeak);
        Assert.Equal(a == 1 ? (long)At(S.ExitCode) : null, r.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_json_summary_has_every_field_of_the_definition_under_its_key(bool big)
    {
        var body = new byte[S.BytesA1];
        var s = new RecordStream(big);
        var r = RecordReader.ReadAll(s.Record((ushort)RecordKind.Summary, 1, body).ToArray(), big).Single();
        var json = System.Text.Json.JsonDocument.Parse(new OutputDecoder(new BundleModel(Ktap.Profiles.TargetProfiles.X86_64)).Json(r)).RootElement;
        Assert.All(S.Fields, f => Assert.True(json.TryGetProperty(f.Json, out _), $"no {f.Json} in {json}"));
        var hits = json.GetProperty(S.JsonBudgetHits);
        Assert.All(Enum.GetValues<LimitKey>(), k => Assert.True(hits.TryGetProperty(BundleLayout.SummaryKey(k), out _), $"no {BundleLayout.SummaryKey(k)} in {hits}"));
    }

    // ---- no second list ----

    /// <summary>The files that write or read records: numbers in them come from the definition.</summary>
    private static readonly string[] RecordCode =
    {
        "runtime/ktapvm/core/record.c", "runtime/ktapvm/kernel/timestamps.c", "runtime/ktapvm/user/platform_user.c",
        "tests/fuzz/gen/check.c", "tests/runtime/ktapvm/kt_run.c", "tests/kernel/kbc.py",
    };

    /// <summary>
    /// The kinds and tags are listed in the definition only: no source file defines them as an
    /// enum or a table again, and the files that read or write records do not switch on or
    /// compare with bare kind and tag numbers.
    /// </summary>
    [Fact]
    public void No_source_file_but_the_definition_lists_the_kinds_or_tags()
    {
        var lists = new Regex(@"(?i)\b(REC_)?PRINT[""']?\s*[:=]\s*1\s*,|\b(REC_)?SUMMARY[""']?\s*[:=]\s*10\b|\bNIL[""']?\s*[:=]\s*0\s*,\s*[""']?(\w+_)?FALSE\b", RegexOptions.Compiled);
        var bare = new Regex(@"\bcase\s+\d+\s*:|\b(kind|tag)\s*[!=]=\s*\d|\btag\s+in\s+\(\d|rec_u8\(\w+,\s*[1-9]", RegexOptions.Compiled);
        var found = new List<string>();
        foreach (var top in new[] { "runtime", "toolchain", "tests", "scripts" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot, top), "*", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(RepoRoot, file).Replace('\\', '/');
                if (rel.Contains("/bin/") || rel.Contains("/obj/") || !Regex.IsMatch(rel, @"\.(c|h|cs|py)$")) continue;
                var text = File.ReadAllText(file);
                foreach (Match m in lists.Matches(text)) found.Add($"{rel}: {m.Value}");
                if (RecordCode.Contains(rel) || rel.StartsWith("toolchain/Ktap.Output/", StringComparison.Ordinal))
                    foreach (Match m in bare.Matches(text)) found.Add($"{rel}: {m.Value}");
            }
        Assert.True(found.Count == 0, "record kinds or value tags written outside ktap_record_format.def:\n" + string.Join("\n", found));
    }
}
