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
}
