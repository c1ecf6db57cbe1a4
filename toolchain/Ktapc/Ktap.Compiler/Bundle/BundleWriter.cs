namespace Ktap.Bundle;

/// <summary>Writes a <see cref="BundleModel"/> as docs/bundle-format.md v1, in the target's byte order.</summary>
public static class BundleWriter
{
    /// <summary>Writes the bundle. A model that breaks a limit of the format (which the reader
    /// would refuse) throws InvalidOperationException naming the limit.</summary>
    public static byte[] Write(BundleModel model)
    {
        CheckLimits(model);
        var strings = CopyStrings(model.Strings);
        var refs = new StringRefs(model, strings);
        var sections = new List<SectionId>
        {
            SectionId.Strings, SectionId.Constants, SectionId.Functions, SectionId.Code, SectionId.Lines,
            SectionId.Events, SectionId.FetchArgs, SectionId.Formats, SectionId.Globals,
        };
        if (model.Arguments is not null) sections.Add(SectionId.Args);
        if (model.Limits.Count > 0) sections.Add(SectionId.Limits);
        if (model.KernelSymbols.Count > 0) sections.Add(SectionId.Ksyms);

        var w = new EndianWriter(model.Target.ByteOrder, EstimateSize(model, strings, sections.Count));
        w.WriteZeros(BundleLayout.HeaderSize + sections.Count * BundleLayout.SectionEntrySize);
        var table = new List<(SectionId Id, int Offset, int Size, int Count)>();
        foreach (var id in sections)
        {
            w.Align4();
            var start = w.Position;
            var count = WriteSection(w, id, model, strings, refs);
            table.Add((id, start, w.Position - start, count));
        }
        w.Align4();
        if (w.Position > BundleLayout.MaxTotalSize)
            throw new InvalidOperationException($"bundle of {w.Position} bytes exceeds the {BundleLayout.MaxTotalSize}-byte limit");

        for (int i = 0; i < table.Count; i++)
        {
            var at = BundleLayout.HeaderSize + i * BundleLayout.SectionEntrySize;
            w.PatchU32(at, (uint)table[i].Id);
            w.PatchU32(at + 4, (uint)table[i].Offset);
            w.PatchU32(at + 8, (uint)table[i].Size);
            w.PatchU32(at + 12, (uint)table[i].Count);
        }
        WriteHeader(w, model, refs, table.Count);
        w.PatchU32(BundleLayout.OffChecksum, Crc32.Compute(w.Written));
        return w.ToArray();
    }

    // The exact size of the bundle (every item size is a multiple of 4, so sections need no
    // padding between them), so the buffer is allocated once and returned without a copy.
    private static int EstimateSize(BundleModel m, StringTable strings, int sectionCount)
    {
        long size = BundleLayout.HeaderSize + sectionCount * BundleLayout.SectionEntrySize;
        foreach (var s in strings.Items) size += 4 + ((s.Length + 1 + 3) & ~3);
        long code = m.Functions.Sum(f => (long)f.Code.Count);
        size += (long)m.Constants.Count * BundleLayout.ConstantsItem.ItemSize + (long)m.Functions.Count * BundleLayout.FunctionsItem.ItemSize
            + code * 8 + (long)m.Events.Count * BundleLayout.EventsItem.ItemSize
            + m.Events.Sum(e => (long)e.FetchArgs.Count) * BundleLayout.FetchArgsItem.ItemSize
            + (long)m.Formats.Count * BundleLayout.FormatsItem.ItemSize + 4L * m.Globals.Count
            + 4L * (m.Arguments?.Count ?? 0) + (long)m.Limits.Count * BundleLayout.LimitsItem.ItemSize
            + (long)m.KernelSymbols.Count * BundleLayout.KsymsItem.ItemSize;
        return (int)Math.Min(size, BundleLayout.MaxTotalSize + 1L);
    }

    private static void CheckLimits(BundleModel m)
    {
        static void Limit(string what, long count, long max)
        {
            if (count > max) throw new InvalidOperationException($"bundle has {count} {what}, the format allows at most {max}");
        }
        Limit("functions", m.Functions.Count, BundleLayout.MaxTableItems);
        Limit("constants", m.Constants.Count, BundleLayout.MaxTableItems);
        Limit("events", m.Events.Count, BundleLayout.MaxTableItems);
        Limit("formats", m.Formats.Count, BundleLayout.MaxTableItems);
        Limit("globals", m.Globals.Count, BundleLayout.MaxGlobals);
        Limit("kernel symbol literals", m.KernelSymbols.Count, BundleLayout.MaxTableItems);
        Limit("instructions", m.Functions.Sum(f => (long)f.Code.Count), BundleLayout.MaxInstructions);
        if (m.Functions.Count == 0) throw new InvalidOperationException("bundle has no functions; the main function is required");
    }

    private static void WriteHeader(EndianWriter w, BundleModel model, StringRefs refs, int sectionCount)
    {
        var h = w.Written;
        BundleLayout.Magic.CopyTo(h);
        // Without symbol literals and closures the bundle is format 1, byte for byte as before them.
        h[BundleLayout.OffVersion] = BundleLayout.VersionFor(model.Functions.Any(f => f.UpvalueCount > 0), model.KernelSymbols.Count > 0);
        h[BundleLayout.OffByteOrder] = (byte)model.Target.ByteOrder;
        h[BundleLayout.OffWordSize] = (byte)model.Target.WordSize;
        h[BundleLayout.OffArch] = (byte)model.Target.Arch;
        w.PatchU32(BundleLayout.OffEndianCheck, (uint)BundleLayout.EndianCheck);
        w.PatchU16(BundleLayout.OffRuntimeAbi, (ushort)BundleLayout.RuntimeAbi);
        w.PatchU16(BundleLayout.OffHeaderSize, (ushort)BundleLayout.HeaderSize);
        w.PatchU64(BundleLayout.OffIntCheck, BundleLayout.IntCheck);
        w.PatchU32(BundleLayout.OffTotalSize, (uint)w.Position);
        w.PatchU16(BundleLayout.OffSectionCount, (ushort)sectionCount);
        w.PatchU16(BundleLayout.OffFlags, 0);
        w.PatchU32(BundleLayout.OffChecksum, 0);
        w.PatchU32(BundleLayout.OffMainFunction, (uint)model.MainFunction);
        w.PatchU32(BundleLayout.OffGlobalCount, (uint)model.Globals.Count);
        w.PatchU32(BundleLayout.OffSourceName, refs.SourceName);
        w.PatchU32(BundleLayout.OffCompilerVersion, model.CompilerVersion);
        BundleLayout.Tail.CopyTo(h[BundleLayout.OffTail..]);
    }

    private static int WriteSection(EndianWriter w, SectionId id, BundleModel m, StringTable strings, StringRefs refs)
    {
        switch (id)
        {
            case SectionId.Strings:
                foreach (var s in strings.Items)
                {
                    if (s.Length > BundleLayout.MaxStringLength)
                        throw new InvalidOperationException($"string of {s.Length} bytes exceeds the {BundleLayout.MaxStringLength}-byte limit");
                    w.WriteU32((uint)s.Length);
                    w.WriteBytes(s);
                    w.WriteU8(0);
                    w.Align4();
                }
                return strings.Count;
            case SectionId.Constants:
                foreach (var k in m.Constants)
                {
                    w.WriteU8((byte)k.Kind);
                    w.WriteZeros(7);
                    switch (k.Kind)
                    {
                        case ConstantKind.Number: w.WriteU64((ulong)k.Value); break;
                        case ConstantKind.String: w.WriteU32((uint)k.Value); w.WriteZeros(4); break;
                        default: w.WriteZeros(8); break;
                    }
                }
                return m.Constants.Count;
            case SectionId.Functions:
                int start = 0;
                foreach (var f in m.Functions)
                {
                    if (f.Lines.Count != f.Code.Count)
                        throw new InvalidOperationException($"function {m.Functions.IndexOf(f)} has {f.Code.Count} instructions but {f.Lines.Count} lines");
                    w.WriteU32(f.Name is int n ? (uint)n : BundleLayout.None);
                    w.WriteU32((uint)start);
                    w.WriteU32((uint)f.Code.Count);
                    w.WriteU16((ushort)f.ParamCount);
                    w.WriteU8(f.IsVararg ? (byte)1 : (byte)0);
                    w.WriteU8((byte)f.FrameSize);
                    w.WriteU32((uint)f.FirstLine);
                    w.WriteU32((uint)f.LastLine);
                    w.WriteU32((uint)f.Flags);
                    if (f.UpvalueCount is < 0 or > BundleLayout.MaxUpvalues || (f.UpvalueCount > 0 && f.Flags != FunctionFlags.None))
                        throw new InvalidOperationException($"function {m.Functions.IndexOf(f)} has {f.UpvalueCount} upvalues");
                    w.WriteU8((byte)f.UpvalueCount); // format 3; 0 (reserved) in format 1
                    w.WriteU8(0);
                    w.WriteU16(0);
                    start += f.Code.Count;
                }
                return m.Functions.Count;
            case SectionId.Code:
                foreach (var f in m.Functions) foreach (var i in f.Code) w.WriteU32(i);
                return m.Functions.Sum(f => f.Code.Count);
            case SectionId.Lines:
                foreach (var f in m.Functions) foreach (var l in f.Lines) w.WriteU32((uint)l);
                return m.Functions.Sum(f => f.Lines.Count);
            case SectionId.Events:
                int firstFetch = 0;
                for (int e = 0; e < m.Events.Count; e++)
                {
                    var ev = m.Events[e];
                    w.WriteU16((ushort)ev.Kind);
                    w.WriteU16((ushort)ev.FetchArgs.Count);
                    w.WriteU32((uint)ev.Handler);
                    w.WriteU32(refs.EventSpec[e]);
                    w.WriteU32(refs.EventTarget[e]);
                    w.WriteU32(refs.EventFilter[e]);
                    w.WriteU64(ev.Value);
                    w.WriteU32(ev.FetchArgs.Count == 0 ? BundleLayout.None : (uint)firstFetch);
                    firstFetch += ev.FetchArgs.Count;
                }
                return m.Events.Count;
            case SectionId.FetchArgs:
                int fa = 0;
                foreach (var ev in m.Events)
                    foreach (var arg in ev.FetchArgs)
                    {
                        w.WriteU32(refs.FetchArgNames[fa++]);
                        w.WriteU8((byte)arg.Source);
                        w.WriteU8((byte)arg.Type);
                        w.WriteU16((ushort)arg.Register);
                        w.WriteU64((ulong)arg.Offset);
                        w.WriteU64(0);
                    }
                return fa;
            case SectionId.Formats:
                for (int f = 0; f < m.Formats.Count; f++)
                {
                    var fmt = m.Formats[f];
                    w.WriteU16((ushort)fmt.Kind);
                    w.WriteU16((ushort)fmt.ArgCount);
                    w.WriteU32(refs.FormatStrings[f]);
                    w.WriteU32((uint)fmt.Line);
                    w.WriteU32(0);
                }
                return m.Formats.Count;
            case SectionId.Globals:
                foreach (var g in refs.Globals) w.WriteU32(g);
                return refs.Globals.Length;
            case SectionId.Args:
                foreach (var a in refs.Arguments) w.WriteU32(a);
                return refs.Arguments.Length;
            case SectionId.Limits:
                foreach (var (key, value) in m.Limits)
                {
                    w.WriteU32((uint)key);
                    w.WriteU32(0);
                    w.WriteU64(value);
                }
                return m.Limits.Count;
            case SectionId.Ksyms:
                for (int k = 0; k < m.KernelSymbols.Count; k++)
                {
                    w.WriteU32((uint)m.KernelSymbols[k].Constant);
                    w.WriteU32(refs.KernelSymbols[k]);
                }
                return m.KernelSymbols.Count;
            default:
                throw new InvalidOperationException($"no writer for section {id}");
        }
    }

    // The writer interns into a copy so that writing never changes the caller's model.
    private static StringTable CopyStrings(StringTable source)
    {
        var copy = new StringTable();
        foreach (var s in source.Items) copy.Append(s);
        return copy;
    }

    /// <summary>String indices of everything the model holds as text, interned before STRINGS is written.</summary>
    private sealed class StringRefs
    {
        public StringRefs(BundleModel m, StringTable s)
        {
            uint Opt(string? t) => t is null ? BundleLayout.None : (uint)s.Intern(t);
            SourceName = Opt(m.SourceName);
            EventSpec = m.Events.Select(e => (uint)s.Intern(e.Spec)).ToArray();
            EventTarget = m.Events.Select(e => Opt(e.Target)).ToArray();
            EventFilter = m.Events.Select(e => Opt(e.Filter)).ToArray();
            FetchArgNames = m.Events.SelectMany(e => e.FetchArgs).Select(a => (uint)s.Intern(a.Name)).ToArray();
            FormatStrings = m.Formats.Select(f => f.Format is null ? BundleLayout.None : (uint)s.Intern(f.Format)).ToArray();
            Globals = m.Globals.Select(g => (uint)s.Intern(g)).ToArray();
            Arguments = (m.Arguments ?? new List<string>()).Select(a => (uint)s.Intern(a)).ToArray();
            KernelSymbols = m.KernelSymbols.Select(k => (uint)s.Intern(k.Name)).ToArray();
        }

        public uint SourceName { get; }
        public uint[] EventSpec { get; }
        public uint[] EventTarget { get; }
        public uint[] EventFilter { get; }
        public uint[] FetchArgNames { get; }
        public uint[] FormatStrings { get; }
        public uint[] Globals { get; }
        public uint[] Arguments { get; }
        public uint[] KernelSymbols { get; }
    }
}
