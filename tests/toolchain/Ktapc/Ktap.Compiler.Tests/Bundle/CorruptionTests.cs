using System.Globalization;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Compiler.Tests.Samples;
using Ktap.Profiles;
using L = Ktap.Bundle.BundleLayout;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>
/// The host reader against tests/corpus/damaged-bundles.tsv, the corpus of damaged bundles
/// the VM's loader is tested with too (tests/runtime/ktapvm/test_corpus.c). Each row damages
/// the base bundle and names the fault of ktap_bundle_faults.def the reader must refuse it
/// with, in that fault's one wording. The file's header comment is the row language.
/// </summary>
public class CorruptionTests
{
    public sealed record Row(int Line, string Name, string Base, string Readers, string Mutation, string Fault, string[]? Args)
    {
        public override string ToString() => $"line {Line}: {Name}";
    }

    private static readonly Regex FaultColumn = new(@"^(\w+)(?:\((.*)\))?$");

    private static IReadOnlyList<Row> Corpus { get; } = ReadCorpus();

    private static List<Row> ReadCorpus()
    {
        var rows = new List<Row>();
        var lines = File.ReadAllLines(Path.Combine(SampleFiles.Root, "..", "tests", "corpus", "damaged-bundles.tsv"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i][0] == '#') continue;
            var c = lines[i].Split('\t');
            if (c.Length != 5) throw new InvalidDataException($"damaged-bundles.tsv line {i + 1}: {c.Length} columns, not 5");
            var f = FaultColumn.Match(c[4].Trim());
            if (!f.Success) throw new InvalidDataException($"damaged-bundles.tsv line {i + 1}: fault '{c[4]}'");
            var args = f.Groups[2].Success ? f.Groups[2].Value.Split(',').Select(a => a.Trim()).ToArray() : null;
            rows.Add(new Row(i + 1, c[0], c[1].Trim(), c[2].Trim(), c[3], f.Groups[1].Value, args));
        }
        return rows;
    }

    public static TheoryData<Row> HostRows()
    {
        var data = new TheoryData<Row>();
        foreach (var r in Corpus.Where(r => r.Readers is "both" or "host")) data.Add(r);
        return data;
    }

    /// <summary>The base bundle of the corpus's header comment.</summary>
    internal static byte[] Base(TargetProfile target)
    {
        var m = new BundleModel(target);
        // interned in the corpus's order, so string indices and counts are the C side's
        foreach (var s in BaseStrings) m.Strings.Intern(s);
        m.Constants.Add(Constant.Number(5));
        m.Constants.Add(Constant.String(m.Strings.Intern("hello")));
        var main = new FunctionModel { Name = m.Strings.Intern("main"), FrameSize = 2, FirstLine = 10, LastLine = 13, Flags = FunctionFlags.Main };
        main.Code.Add(Instruction.ABx(Opcode.LOADK, 0, 0)); main.Lines.Add(10);
        main.Code.Add(Instruction.ABx(Opcode.LOADK, 1, 1)); main.Lines.Add(11);
        main.Code.Add(Instruction.ABC(Opcode.RETURN, 0, 1, 0)); main.Lines.Add(12);
        var handler = new FunctionModel { FrameSize = 1, FirstLine = 10, LastLine = 11, Flags = FunctionFlags.Handler };
        handler.Code.Add(Instruction.ABC(Opcode.RETURN, 0, 1, 0)); handler.Lines.Add(10);
        m.Functions.Add(main);
        m.Functions.Add(handler);
        m.Events.Add(new EventModel(EventKind.Tracepoint, 1, "sched:sched_switch", "sched:sched_switch", null, 0, new FetchArgModel[0]));
        m.Events.Add(new EventModel(EventKind.Kprobe, 1, "kprobe:vfs_read", "vfs_read", null, 0,
            new[] { new FetchArgModel("a", FetchSource.StackSlot, FetchType.S64, 0, 8) }));
        m.Formats.Add(new FormatModel(FormatKind.Printf, 0, "hi\n"u8.ToArray(), 1));
        m.Globals.Add("g");
        m.Limits.Add((LimitKey.InstructionsPerRun, 100_000));
        return BundleWriter.Write(m);
    }

    private static readonly string[] BaseStrings = { "main", "hello", "sched:sched_switch", "kprobe:vfs_read", "vfs_read", "a", "hi\n", "g" };

    [Theory, MemberData(nameof(HostRows))]
    public void Damaged_bundle_is_refused_with_its_fault(Row row)
    {
        var target = TargetProfiles.Find(row.Base) ?? throw new InvalidDataException($"{row}: base {row.Base}");
        var info = BundleFaults.All.SingleOrDefault(f => f.Name == row.Fault) ?? throw new InvalidDataException($"{row}: fault {row.Fault}");
        var damaged = Damage(Base(target), row.Mutation, target.ByteOrder == ByteOrder.Big);
        var e = Assert.Throws<BundleFormatException>(() => BundleReader.Read(damaged));
        Assert.True(info.Fault == e.Fault, $"{row}: {e.Fault} '{e.Message}', want {info.Fault}");
        var args = Match(info.Wording, e.Message);
        Assert.True(args is not null, $"{row}: '{e.Message}' is not the wording of {info.Name}: '{info.Wording}'");
        // what `ktap run` does with the same words from the board (SessionRunner.RefusalExitCode)
        Assert.True(BundleFaults.Recognize("ktapvm: " + e.Message) == info, $"{row}: '{e.Message}' is not recognised as {info.Name}");
        if (row.Args is null) return;
        Assert.True(row.Args.Length == args!.Length, $"{row}: {row.Args.Length} arguments for '{info.Wording}'");
        for (int i = 0; i < args.Length; i++)
            Assert.True(row.Args[i] == "*" || row.Args[i] == args[i], $"{row}: argument {i + 1} of '{e.Message}' is not {row.Args[i]}");
    }

    [Fact]
    public void Every_fault_of_the_definition_has_a_corpus_row()
    {
        var missing = BundleFaults.All.Where(f => !Corpus.Any(r => r.Fault == f.Name)).Select(f => f.Name).ToList();
        Assert.True(missing.Count == 0, "faults of ktap_bundle_faults.def without a row in damaged-bundles.tsv: " + string.Join(", ", missing));
        var unknown = Corpus.Where(r => !BundleFaults.All.Any(f => f.Name == r.Fault)).ToList();
        Assert.True(unknown.Count == 0, "rows naming no fault: " + string.Join(", ", unknown));
    }

    [Fact]
    public void The_corpus_covers_both_byte_orders_and_word_sizes()
    {
        var bases = Corpus.Select(r => TargetProfiles.Find(r.Base)!).ToList();
        Assert.Contains(bases, t => t.ByteOrder == ByteOrder.Big);
        Assert.Contains(bases, t => t.ByteOrder == ByteOrder.Little);
        Assert.Contains(bases, t => t.WordSize == 4);
        Assert.Contains(bases, t => t.WordSize == 8);
        Assert.All(Corpus, r => Assert.Matches(@"^(both|host|vm|vm@[\w-]+)$", r.Readers));
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("powerpc")]
    [InlineData("x86")]
    public void The_base_bundle_reads_and_has_the_corpus_layout(string arch)
    {
        var m = BundleReader.Read(Base(TargetProfiles.Find(arch)!));
        Assert.Equal(BaseStrings, Enumerable.Range(0, m.Strings.Count).Select(i => m.Strings.GetText(i)));
        Assert.Equal(new[] { ConstantKind.Number, ConstantKind.String }, m.Constants.Select(c => c.Kind));
        Assert.Equal(new[] { 3, 1 }, m.Functions.Select(f => f.Code.Count));
        Assert.Equal(new[] { EventKind.Tracepoint, EventKind.Kprobe }, m.Events.Select(e => e.Kind));
        Assert.Equal(new[] { 0, 1 }, m.Events.Select(e => e.FetchArgs.Count));
    }

    /// <summary>Does message read as wording? Then the texts of its conversions, in order.</summary>
    private static string[]? Match(string wording, string message)
    {
        var match = Regex.Match(message, "^" + BundleFaults.WordingPattern(wording) + "$");
        return match.Success ? match.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray() : null;
    }

    // ---- the row language (the corpus's header comment) ----

    private static byte[] Damage(byte[] original, string mutation, bool big)
    {
        var b = new List<byte>(original);
        var seal = true;
        foreach (var raw in mutation.Split(';'))
        {
            var op = raw.Trim();
            var words = op.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "none": continue;
                case "raw": seal = false; continue;
                case "truncate": b.RemoveRange(int.Parse(words[1], CultureInfo.InvariantCulture), b.Count - int.Parse(words[1], CultureInfo.InvariantCulture)); continue;
                case "cut": b.RemoveRange(b.Count - int.Parse(words[1], CultureInfo.InvariantCulture), int.Parse(words[1], CultureInfo.InvariantCulture)); continue;
                case "append": b.AddRange(new byte[int.Parse(words[1], CultureInfo.InvariantCulture)]); continue;
                case "swap":
                    {
                        var (x, _) = Locate(b, words[1] + ".ID", big);
                        var (y, _) = Locate(b, words[2] + ".ID", big);
                        var tx = b.GetRange(x, L.SectionEntrySize);
                        var ty = b.GetRange(y, L.SectionEntrySize);
                        for (int i = 0; i < L.SectionEntrySize; i++) { b[x + i] = ty[i]; b[y + i] = tx[i]; }
                        continue;
                    }
            }
            if (words.Length != 3) throw new InvalidDataException($"operation '{op}'");
            var (off, width) = Locate(b, words[0], big);
            var v = Number(words[2]);
            var old = Get(b, off, width, big);
            Put(b, off, width, big, words[1] switch
            {
                "=" => v,
                "+=" => old + v,
                "-=" => old - v,
                "^=" => old ^ v,
                _ => throw new InvalidDataException($"operator '{words[1]}'"),
            });
        }
        var bytes = b.ToArray();
        if (seal && bytes.Length >= L.HeaderSize)
        {
            Put(b, L.OffChecksum, 4, big, 0);
            bytes = b.ToArray();
            Put(b, L.OffChecksum, 4, big, Crc32.Compute(bytes));
            bytes = b.ToArray();
        }
        return bytes;
    }

    private static ulong Number(string s) => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? ulong.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : ulong.Parse(s, CultureInfo.InvariantCulture);

    private static ulong Get(List<byte> b, int off, int width, bool big)
    {
        ulong v = 0;
        for (int i = 0; i < width; i++) v |= (ulong)b[off + i] << (8 * (big ? width - 1 - i : i));
        return v;
    }

    private static void Put(List<byte> b, int off, int width, bool big, ulong v)
    {
        for (int i = 0; i < width; i++) b[off + i] = (byte)(v >> (8 * (big ? width - 1 - i : i)));
    }

    private static readonly Regex Location = new(@"^(?:end-(?<end>\d+)|header\.(?<hf>\w+?)|table\[(?<ts>\w+)\]\.(?<tf>\w+?)|(?<s>[A-Z]+)\[(?<i>\d+)\]\.(?<f>\w+?)|(?<d>[A-Z]+)\.(?<dk>data|word))(?:\+(?<plus>\d+))?(?::(?<w>\d))?$");

    private static IReadOnlyList<L.Field> ItemFields(string section) => section switch
    {
        "SECTION_TABLE" => L.SectionTableItem.Fields,
        "CONSTANTS" => L.ConstantsItem.Fields,
        "FUNCTIONS" => L.FunctionsItem.Fields,
        "EVENTS" => L.EventsItem.Fields,
        "FETCHARGS" => L.FetchArgsItem.Fields,
        "FORMATS" => L.FormatsItem.Fields,
        "LIMITS" => L.LimitsItem.Fields,
        "KSYMS" => L.KsymsItem.Fields,
        _ => throw new InvalidDataException($"no item fields in section {section}"),
    };

    // The table entry of a section, found through the bundle's own table.
    private static int Entry(List<byte> b, string section, bool big)
    {
        var id = (ulong)L.Sections.Single(s => s.Name == section).Id;
        var count = (int)Get(b, L.OffSectionCount, 2, big);
        for (int i = 0; i < count; i++)
            if (Get(b, L.HeaderSize + i * L.SectionEntrySize, 4, big) == id) return L.HeaderSize + i * L.SectionEntrySize;
        throw new InvalidDataException($"no section {section} in the table");
    }

    private static (int Offset, int Width) Locate(List<byte> b, string loc, bool big)
    {
        var m = Location.Match(loc);
        if (!m.Success) throw new InvalidDataException($"location '{loc}'");
        int off, width;
        var word = false;
        if (m.Groups["end"].Success) return (b.Count - int.Parse(m.Groups["end"].Value, CultureInfo.InvariantCulture), 1);
        if (m.Groups["hf"].Success)
        {
            var f = L.HeaderFields.Single(h => h.Name == m.Groups["hf"].Value);
            (off, width) = (f.Offset, f.Size);
        }
        else if (m.Groups["ts"].Success)
        {
            var f = ItemFields("SECTION_TABLE").Single(h => h.Name == m.Groups["tf"].Value);
            (off, width) = (Entry(b, m.Groups["ts"].Value, big) + f.Offset, f.Size);
        }
        else
        {
            var section = m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["d"].Value;
            var data = (int)Get(b, Entry(b, section, big) + L.SectionTableItem.Offset, 4, big);
            if (m.Groups["s"].Success)
            {
                var f = ItemFields(section).Single(h => h.Name == m.Groups["f"].Value);
                var size = L.Sections.Single(s => s.Name == section).ItemSize;
                (off, width) = (data + int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture) * size + f.Offset, f.Size);
            }
            else
            {
                word = m.Groups["dk"].Value == "word";
                (off, width) = (data, word ? 4 : 1);
            }
        }
        if (m.Groups["plus"].Success)
        {
            off += int.Parse(m.Groups["plus"].Value, CultureInfo.InvariantCulture);
            if (!word) width = 1;
        }
        if (m.Groups["w"].Success) width = int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture);
        return (off, width);
    }

    // ---- checks only the host makes (BundleErrors): not in the shared corpus ----

    public static TheoryData<string, string, string> HostOnly() => new()
    {
        { "format 2 without KSYMS", "header.FORMAT_VERSION = 2", "format_version 2 without a KSYMS section" },
        { "KSYMS in a format 1 bundle", "table[LIMITS].ID = 12", "section KSYMS in a format_version 1 bundle (it needs 2)" },
        { "unknown opcode", "CODE.word = 63", "CODE instruction 0: unknown opcode 63" },
        { "function end", "CODE.word+8 = 0x0000C001", "FUNCTIONS item 0: last instruction is LOADK, not RETURN, TAILCALL or JMP" },
        { "function code range", "FUNCTIONS[1].CODE_COUNT = 50", "FUNCTIONS item 1: code range 3+50 outside CODE (4 instructions)" },
        { "frame size", "FUNCTIONS[0].FRAME = 0", "FUNCTIONS item 0: frame_size 0 not in 1..250 or below param_count 0" },
        { "fetch-arg register", "FETCHARGS[0].SOURCE = 1; FETCHARGS[0].REG = 200", "FETCHARGS item 0: register 200 does not exist on x86_64" },
    };

    [Theory, MemberData(nameof(HostOnly))]
    public void A_check_only_the_host_makes_has_its_own_message(string name, string mutation, string expected)
    {
        var e = Assert.Throws<BundleFormatException>(() => BundleReader.Read(Damage(Base(TargetProfiles.X86_64), mutation, big: false)));
        Assert.True(expected == e.Message, $"{name}: '{e.Message}'");
        Assert.Equal(BundleFault.None, e.Fault);
    }
}
