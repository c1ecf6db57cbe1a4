using System.Text;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Catalog;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool;
using Ktap.Tool.Boards;
using Ktap.Tool.Linking;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.FuzzHost;

/// <summary>
/// One fuzz target per host parser. Each feeds the input to the parser and to what uses its
/// result (the decoder after the record reader, Find after the ELF reader...), and accepts
/// only the parser's own documented error; any other exception escapes and is a finding.
/// </summary>
public static class Targets
{
    public static readonly string[] Names = ["record", "stream", "elf", "catalog", "facts", "yaml", "knownhosts", "bundle"];

    private static readonly BundleModel RecordBundle = MakeRecordBundle();

    private static BundleModel MakeRecordBundle()
    {
        var m = new BundleModel(TargetProfiles.X86_64) { SourceName = "fuzz.kp" };
        m.Formats.Add(new FormatModel(FormatKind.Printf, 2, Encoding.UTF8.GetBytes("%-8s|%5d %x %c %.3s %+05i %o %p %u\n"), 3));
        m.Formats.Add(new FormatModel(FormatKind.Print, 1, null, 4));
        m.Functions.Add(new FunctionModel { Name = m.Strings.Intern("main"), Flags = FunctionFlags.Main, FrameSize = 1 });
        return m;
    }

    public static void Run(string target, byte[] data)
    {
        switch (target)
        {
            case "record": Record(data); break;
            case "stream": Stream(data); break;
            case "elf": Elf(data); break;
            case "catalog": Catalog(data); break;
            case "facts": Facts(data); break;
            case "yaml": Yaml(data); break;
            case "knownhosts": KnownHostsFile(data); break;
            case "bundle": Bundle(data); break;
            default: throw new ArgumentException($"unknown target {target}");
        }
    }

    private static void Record(byte[] data)
    {
        foreach (var trusted in new[] { true, false })
        {
            try
            {
                var d = new OutputDecoder(RecordBundle) { TrustedFormats = trusted };
                var o = new StringWriter();
                d.Decode(data, OutputFormat.Text, o, new StringWriter());
                Check(!o.ToString().Any(c => c < ' ' && c != '\n' && c != '\t' && c != '\u001b' || c == '\u007f'), "control character in text output");
                d.Decode(data, OutputFormat.Json, new StringWriter(), new StringWriter());
            }
            catch (RecordFormatException) { }
            catch (PrintfException) { }
        }
    }

    // The live stream reader, fed in chunks of the sizes the first byte picks.
    private static void Stream(byte[] data)
    {
        if (data.Length == 0) return;
        var output = new RecordOutput(RecordBundle, OutputFormat.Text, TextWriter.Null, TextWriter.Null);
        var chunk = data[0] % 64 + 1;
        try
        {
            for (var at = 1; at < data.Length; at += chunk)
            {
                output.Write(data.AsSpan(at, Math.Min(chunk, data.Length - at)));
                Check(output.BufferSize <= HostLimits.RecordBytes, "stream buffer over the record limit");
            }
            output.Complete();
        }
        catch (KtapException) { }
    }

    private static void Elf(byte[] data)
    {
        try
        {
            var elf = new ElfSymbols(data, "fuzz");
            foreach (var s in elf.Symbols.Take(4)) elf.Find(s.Name);
            elf.Find("main");
        }
        catch (ElfException) { }
    }

    private static void Catalog(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        var events = EventCatalog.ParseFormats(text);
        var catalog = new EventCatalog(events, EventCatalog.ParseFunctions(text));
        catalog.Match("sched:*");
        catalog.Match(text.Length > 40 ? text[..40] : text);
        Suggest.Closest("sched_swtich", catalog.Events.Keys);
    }

    private static readonly BoardProfile Board = new("fuzz", "x86_64", "h", 22, null, "root", "/k", new HostKeyPolicy("SHA256:x", null),
        "/m", null, "6.1.0", false, null, "/nonexistent/state", "fuzz.yaml");

    private static void Facts(byte[] data)
    {
        var facts = BoardFacts.Parse(Encoding.UTF8.GetString(data));
        foreach (var c in DoctorChecks.Evaluate(Board, facts)) TerminalText.Quote(c.Found);
        facts.ModuleVersion();
        KernelRelease.IsValid(facts.Release);
    }

    private static void Yaml(byte[] data)
    {
        try { new BoardProfileReader(_ => null, TargetNames.IsKnown).Parse("fuzz.yaml", Encoding.UTF8.GetString(data)); }
        catch (BoardProfileException) { }
    }

    private static void KnownHostsFile(byte[] data)
    {
        foreach (var e in KnownHosts.Parse(Encoding.UTF8.GetString(data)))
        {
            e.Matches("127.0.0.1", 10022);
            e.Matches("board", 22);
        }
    }

    // Raw, and again with total_size and the checksum repaired (little-endian bundles), so
    // mutations get past the header checks into the sections.
    private static void Bundle(byte[] data)
    {
        BundleOnce(data);
        if (data.Length < BundleLayout.HeaderSize || data[5] != 1) return;
        var fixedUp = (byte[])data.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(fixedUp.AsSpan(BundleLayout.OffTotalSize), (uint)fixedUp.Length);
        fixedUp.AsSpan(BundleLayout.OffChecksum, 4).Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(fixedUp.AsSpan(BundleLayout.OffChecksum), Crc32.Compute(fixedUp));
        BundleOnce(fixedUp);
    }

    private static void BundleOnce(byte[] data)
    {
        BundleModel model;
        try { model = BundleReader.Read(data); }
        catch (BundleFormatException) { return; }
        var w = new StringWriter();
        BundleDescriber.Describe(data, model, w);
        BundleDescriber.DescribeTables(model, w);
        Disassembler.Disassemble(model, w);
        EventCheck.Check(model, new EventCatalog(new Dictionary<string, IReadOnlyList<EventField>>
        {
            ["sched:sched_switch"] = [new EventField("prev_comm", "char prev_comm[16]")],
        }, []));
        BundleWriter.Write(model);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new InvalidOperationException("fuzz invariant broken: " + what);
    }
}
