using System.Globalization;
using Ktap.Profiles;
using L = Ktap.Bundle.BundleLayout;

namespace Ktap.Bundle;

/// <summary>Prints a bundle's header fields and section table (the first part of `ktapc dump`).</summary>
public static class BundleDescriber
{
    /// <summary>Describes a bundle that <see cref="BundleReader.Read"/> has accepted.</summary>
    public static void Describe(ReadOnlySpan<byte> data, BundleModel model, TextWriter o)
    {
        var r = new EndianReader(data, model.Target.ByteOrder);
        var inv = CultureInfo.InvariantCulture;
        var version = r.U32(L.OffCompilerVersion);
        o.WriteLine("header");
        o.WriteLine($"  format_version    {data[L.OffVersion]}");
        o.WriteLine($"  byte_order        {data[L.OffByteOrder]} ({(model.Target.ByteOrder == ByteOrder.Big ? "big-endian" : "little-endian")})");
        o.WriteLine($"  word_size         {data[L.OffWordSize]}");
        o.WriteLine($"  arch              {data[L.OffArch]} ({model.Target.Name})");
        o.WriteLine($"  endian_check      0x{r.U32(L.OffEndianCheck):X8}");
        o.WriteLine($"  runtime_abi       {r.U16(L.OffRuntimeAbi)}");
        o.WriteLine($"  header_size       {r.U16(L.OffHeaderSize)}");
        o.WriteLine($"  int_check         0x{r.U64(L.OffIntCheck):X16}");
        o.WriteLine($"  total_size        {r.U32(L.OffTotalSize)}");
        o.WriteLine($"  section_count     {r.U16(L.OffSectionCount)}");
        o.WriteLine($"  flags             0x{r.U16(L.OffFlags):X4}");
        o.WriteLine($"  checksum          0x{r.U32(L.OffChecksum):X8}");
        o.WriteLine($"  main_function     {r.U32(L.OffMainFunction)}");
        o.WriteLine($"  global_count      {r.U32(L.OffGlobalCount)}");
        o.WriteLine($"  source_name       {(model.SourceName is null ? "none" : model.SourceName)}");
        o.WriteLine($"  compiler_version  {version >> 16}.{(version >> 8) & 0xFF}.{version & 0xFF}");
        o.WriteLine("sections");
        o.WriteLine("  id  name        offset      size     count");
        for (int i = 0; i < r.U16(L.OffSectionCount); i++)
        {
            var at = L.HeaderSize + i * L.SectionEntrySize;
            var id = (SectionId)r.U32(at);
            o.WriteLine(string.Format(inv, "  {0,2}  {1,-10} {2,7} {3,9} {4,9}", (uint)id, L.Name(id), r.U32(at + 4), r.U32(at + 8), r.U32(at + 12)));
        }
    }

    /// <summary>The probes, fetch-args, output formats, globals, arguments and limits, one line each.</summary>
    public static void DescribeTables(BundleModel model, TextWriter o)
    {
        o.WriteLine($"events ({model.Events.Count})");
        for (int i = 0; i < model.Events.Count; i++)
        {
            var e = model.Events[i];
            o.WriteLine($"  {i,3}  {e.Kind,-14} handler f{e.Handler}  {e.Spec}");
            if (e.Target is not null) o.WriteLine($"         target {e.Target}");
            if (e.Filter is not null) o.WriteLine($"         filter {e.Filter}");
            if (e.Value != 0 && e.Kind == EventKind.Watchpoint) o.WriteLine($"         value 0x{e.Value:x} (address)");
            else if (e.Value != 0) o.WriteLine($"         value {e.Value}{(e.Kind is EventKind.Tick or EventKind.Profile ? " ns" : e.Kind is EventKind.Software or EventKind.Hardware ? " (period)" : "")}");
            foreach (var a in e.FetchArgs)
            {
                var reg = a.Source is FetchSource.Register or FetchSource.Memory
                    ? $" %{model.Target.FindRegister(a.Register)?.Name ?? a.Register.ToString(CultureInfo.InvariantCulture)}" : "";
                o.WriteLine($"         fetch {a.Name} = {a.Source}{reg}{(a.Offset != 0 ? $" offset {a.Offset}" : "")} : {a.Type}");
            }
        }
        o.WriteLine($"formats ({model.Formats.Count})");
        for (int i = 0; i < model.Formats.Count; i++)
        {
            var f = model.Formats[i];
            var text = f.Format is null ? "print" : "printf " + Bytecode.Disassembler.Quote(f.Format);
            o.WriteLine($"  p{i,-3} line {f.Line,-5} {f.ArgCount} values  {text}");
        }
        o.WriteLine($"globals ({model.Globals.Count}): {string.Join(" ", model.Globals.Select((g, i) => $"g{i}={g}"))}");
        if (model.Arguments is not null) o.WriteLine($"arguments: {string.Join(" ", model.Arguments.Select(a => Bytecode.Disassembler.Quote(System.Text.Encoding.UTF8.GetBytes(a))))}");
        foreach (var (key, value) in model.Limits) o.WriteLine($"limit {key} = {value}");
        if (model.KernelSymbols.Count > 0)
        {
            o.WriteLine($"kernel symbols ({model.KernelSymbols.Count}, resolved from the board's kallsyms when linked)");
            foreach (var k in model.KernelSymbols) o.WriteLine($"  k{k.Constant,-4} `{k.Name}`");
        }
    }
}
