using Ktap.Bytecode;
using Ktap.Profiles;
using L = Ktap.Bundle.BundleLayout;
using E = Ktap.Bundle.BundleErrors;
using F = Ktap.Bundle.BundleFaults;
using T = Ktap.Bundle.BundleLayout.SectionTableItem;
using C = Ktap.Bundle.BundleLayout.ConstantsItem;
using Fn = Ktap.Bundle.BundleLayout.FunctionsItem;
using Fa = Ktap.Bundle.BundleLayout.FetchArgsItem;
using Ev = Ktap.Bundle.BundleLayout.EventsItem;
using Fm = Ktap.Bundle.BundleLayout.FormatsItem;

namespace Ktap.Bundle;

/// <summary>
/// Reads and checks a bundle against docs/bundle-format.md v1. Header fields are checked in
/// the documented order, then the section table, the padding and every section's items;
/// the first failure throws <see cref="BundleFormatException"/> with its fault of
/// ktap_bundle_faults.def (the VM's loader gives the same one, in the same words), or with a
/// message of <see cref="BundleErrors"/> for a check only the host makes.
/// </summary>
public static class BundleReader
{
    private readonly record struct Section(SectionId Id, uint Offset, uint Size, uint Count);

    public static BundleModel Read(ReadOnlySpan<byte> data)
    {
        try
        {
            return ReadChecked(data);
        }
        catch (Exception e) when (e is not BundleFormatException)
        {
            // A check this reader lacks: still the file's fault, reported as a damaged bundle.
            throw new BundleFormatException($"damaged bundle ({e.GetType().Name}: {e.Message})");
        }
    }

    private static BundleModel ReadChecked(ReadOnlySpan<byte> data)
    {
        var target = ReadHeader(data);
        var r = new EndianReader(data, target.ByteOrder);
        var total = data.Length;
        var sections = ReadSectionTable(r, data, total);
        var model = new BundleModel(target) { CompilerVersion = r.U32(L.OffCompilerVersion) };
        new SectionParser(model, sections, L.HasUpvalues(data[L.OffVersion])).Parse(r);

        var main = r.U32(L.OffMainFunction);
        if (main >= model.Functions.Count) Fail(F.MainFunction(main, model.Functions.Count));
        model.MainFunction = (int)main;
        var source = r.U32(L.OffSourceName);
        if (source != L.None)
        {
            if (source >= model.Strings.Count) Fail(F.SourceName(source, model.Strings.Count));
            model.SourceName = model.Strings.GetText((int)source);
        }
        return model;
    }

    private static TargetProfile ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || !data[..4].SequenceEqual(L.Magic)) Fail(F.NotABundle());
        if (data.Length < L.HeaderSize) Fail(F.TruncatedHeader(data.Length, L.HeaderSize));
        if (!L.IsKnownVersion(data[L.OffVersion])) Fail(F.Version(data[L.OffVersion], L.FormatVersion, L.FormatVersionUnlinkedUpvalues));
        var orderByte = data[L.OffByteOrder];
        if (orderByte != (byte)ByteOrder.Little && orderByte != (byte)ByteOrder.Big) Fail(F.ByteOrder(orderByte));
        var r = new EndianReader(data, (ByteOrder)orderByte);
        var wordSize = data[L.OffWordSize];
        if (wordSize != 4 && wordSize != 8) Fail(F.WordSize(wordSize));
        var target = TargetProfiles.FindByArch((TargetArch)data[L.OffArch]);
        if (target is null) Fail(F.Arch(data[L.OffArch]));
        if (target.WordSize != wordSize) Fail(F.ArchWordSize(wordSize, target.Name, target.WordSize));
        if (target.ByteOrder != r.Order) Fail(F.ArchByteOrder(Endian(r.Order), target.Name, Endian(target.ByteOrder)));
        if (r.U32(L.OffEndianCheck) != L.EndianCheck) Fail(F.EndianCheck());
        if (r.U16(L.OffRuntimeAbi) != L.RuntimeAbi) Fail(F.RuntimeAbi(r.U16(L.OffRuntimeAbi), L.RuntimeAbi));
        if (r.U16(L.OffHeaderSize) != L.HeaderSize) Fail(F.HeaderSize(r.U16(L.OffHeaderSize)));
        if (r.U64(L.OffIntCheck) != L.IntCheck) Fail(F.IntCheck());
        long declared = r.U32(L.OffTotalSize);
        if (declared > L.MaxTotalSize) Fail(F.TooLarge(declared, L.MaxTotalSize));
        if (declared > data.Length) Fail(F.Truncated(data.Length, declared));
        if (declared < data.Length) Fail(F.Trailing(data.Length, declared));
        int count = r.U16(L.OffSectionCount);
        if (count < 1 || count > L.MaxSections) Fail(F.SectionCount(count));
        if (r.U16(L.OffFlags) != 0) Fail(F.Flags(r.U16(L.OffFlags)));
        var stored = r.U32(L.OffChecksum);
        var crc = Crc32.Update(Crc32.Start, data[..L.OffChecksum]);
        crc = Crc32.Update(crc, stackalloc byte[4]);
        crc = Crc32.Finish(Crc32.Update(crc, data[(L.OffChecksum + 4)..]));
        if (stored != crc) Fail(F.Checksum(stored, crc));
        if (r.U32(L.OffGlobalCount) > L.MaxGlobals) Fail(F.TooManyGlobals(r.U32(L.OffGlobalCount), L.MaxGlobals));
        if (data.Slice(L.OffReserved, 8).ContainsAnyExcept((byte)0)) Fail(F.ReservedHeader());
        if (!data.Slice(L.OffTail, 4).SequenceEqual(L.Tail)) Fail(F.TextTransfer());
        return target;
    }

    // ktap_bundle_format.def's spelling of a byte order
    private static string Endian(ByteOrder o) => o == ByteOrder.Big ? "big-endian" : "little-endian";

    private static Dictionary<SectionId, Section> ReadSectionTable(EndianReader r, ReadOnlySpan<byte> data, int total)
    {
        int count = r.U16(L.OffSectionCount);
        long tableEnd = L.HeaderSize + (long)count * L.SectionEntrySize;
        if (tableEnd > total) Fail(F.TableOutside(count));
        var list = new List<Section>();
        for (int i = 0; i < count; i++)
        {
            var at = L.HeaderSize + i * L.SectionEntrySize;
            var id = r.U32(at + T.Id);
            if (!L.IsKnown(id)) Fail(F.UnknownSection(i, id));
            var s = new Section((SectionId)id, r.U32(at + T.Offset), r.U32(at + T.Size), r.U32(at + T.Count));
            var name = L.Name(s.Id);
            if (list.Count > 0 && list[^1].Id == s.Id) Fail(F.DuplicateSection(name));
            if (list.Count > 0 && list[^1].Id > s.Id)
            {
                if (list.Any(x => x.Id == s.Id)) Fail(F.DuplicateSection(name));
                Fail(F.UnsortedSections(name, L.Name(list[^1].Id)));
            }
            if (s.Offset % 4 != 0) Fail(F.SectionAlign(name, s.Offset));
            if ((long)s.Offset + s.Size > total) Fail(F.SectionOutside(name, s.Offset, s.Size, total));
            if (s.Offset < tableEnd) Fail(F.SectionOverTable(name));
            list.Add(s);
        }
        var byOffset = list.OrderBy(s => s.Offset).ThenBy(s => s.Size).ToList();
        for (int i = 1; i < byOffset.Count; i++)
            if ((long)byOffset[i - 1].Offset + byOffset[i - 1].Size > byOffset[i].Offset)
                Fail(F.SectionsOverlap(L.Name(byOffset[i - 1].Id), L.Name(byOffset[i].Id)));
        foreach (SectionId id in Enum.GetValues<SectionId>())
            if (L.IsRequired(id) && !list.Any(s => s.Id == id)) Fail(F.MissingSection(L.Name(id)));
        // Format 2 is exactly format 1 with kernel symbol literals to resolve: one without the
        // other would let a VM run placeholders, or a host miss a relocation.
        var unlinked = L.HasKsyms(data[L.OffVersion]);
        if (unlinked != list.Any(s => s.Id == SectionId.Ksyms)) Fail(E.KsymsVersion(data[L.OffVersion]));

        // Everything not header, table or section data is padding and must be zero.
        long pos = tableEnd;
        foreach (var s in byOffset)
        {
            CheckZero(data, (int)pos, (int)(s.Offset - pos));
            pos = (long)s.Offset + s.Size;
        }
        CheckZero(data, (int)pos, (int)(total - pos));
        if (pos != total) Fail(F.AfterSections(total - pos));

        foreach (var s in list)
        {
            var size = L.ItemSize(s.Id);
            if (size != 0 && (long)s.Count * size != s.Size) Fail(F.CountSize(L.Name(s.Id), s.Size, s.Count, size));
            var max = s.Id switch
            {
                SectionId.Functions or SectionId.Constants or SectionId.Events or SectionId.Formats or SectionId.Ksyms => L.MaxTableItems,
                SectionId.Code => L.MaxInstructions,
                SectionId.Strings => L.MaxStrings,
                _ => int.MaxValue,
            };
            if (s.Count > max) Fail(F.TooManyItems(L.Name(s.Id), s.Count, max));
        }
        return list.ToDictionary(s => s.Id);
    }

    private static void CheckZero(ReadOnlySpan<byte> data, int offset, int count)
    {
        var i = data.Slice(offset, count).IndexOfAnyExcept((byte)0);
        if (i >= 0) Fail(F.Padding(offset + i));
    }

    /// <summary>A check only the host makes (BundleErrors).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void Fail(string message) => throw new BundleFormatException(message);

    /// <summary>A fault of ktap_bundle_faults.def.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void Fail(BundleFaultText fault) => throw new BundleFormatException(fault);

    /// <summary>Decodes the sections' items into the model, checking every field and index.</summary>
    private sealed class SectionParser
    {
        private readonly BundleModel _m;
        private readonly Dictionary<SectionId, Section> _s;
        private readonly bool _upvalues; // format 3/4: FUNCTIONS byte 28 is the upvalue count

        public SectionParser(BundleModel model, Dictionary<SectionId, Section> sections, bool upvalues) { _m = model; _s = sections; _upvalues = upvalues; }

        private int StringCount => _m.Strings.Count;

        public void Parse(EndianReader r)
        {
            Strings(r);
            Constants(r);
            var code = Words(r, SectionId.Code);
            for (int pc = 0; pc < code.Length; pc++)
                if (Instruction.Op(code[pc]) is var op && (int)op >= OpcodeTable.All.Count) Fail(E.UnknownOpcode(pc, (int)op));
            var lines = Words(r, SectionId.Lines);
            if (lines.Length != code.Length) Fail(F.LinesCount(lines.Length, code.Length));
            Functions(r, code, lines);
            var globals = Words(r, SectionId.Globals);
            if (globals.Length != r.U32(L.OffGlobalCount)) Fail(F.GlobalsCount(globals.Length, r.U32(L.OffGlobalCount)));
            for (int i = 0; i < globals.Length; i++) _m.Globals.Add(Text("global", i, globals[i]));
            Events(r);
            Formats(r);
            Operands();
            if (_s.ContainsKey(SectionId.Args))
            {
                var args = Words(r, SectionId.Args);
                _m.Arguments = args.Select((a, i) => Text("argument", i, a)).ToList();
            }
            if (_s.TryGetValue(SectionId.Limits, out var lim))
                for (int i = 0; i < lim.Count; i++)
                {
                    var at = (int)lim.Offset + i * L.LimitsItem.ItemSize;
                    var key = r.U32(at + L.LimitsItem.Key);
                    if (!Enum.IsDefined((LimitKey)key)) Fail(F.LimitKey(i, key));
                    if (r.U32(at + L.LimitsItem.Reserved) != 0) Fail(F.ItemReserved("limit", i));
                    _m.Limits.Add(((LimitKey)key, r.U64(at + L.LimitsItem.Value)));
                }
            if (_s.ContainsKey(SectionId.Ksyms)) KernelSymbols(r);
        }

        // Each item: u32 constant index, u32 string index of the symbol's name. The constant is
        // a number placeholder 0, named by one item only, so patching it changes nothing else.
        private void KernelSymbols(EndianReader r)
        {
            var s = _s[SectionId.Ksyms];
            var seen = new HashSet<uint>();
            for (int i = 0; i < s.Count; i++)
            {
                var at = (int)s.Offset + i * L.KsymsItem.ItemSize;
                var what = $"KSYMS item {i}";
                var constant = r.U32(at + L.KsymsItem.Constant);
                if (constant >= _m.Constants.Count) Fail(E.BadValue($"{what} constant index", constant));
                if (_m.Constants[(int)constant] != Constant.Number(0)) Fail(E.KsymPlaceholder(i, constant));
                if (!seen.Add(constant)) Fail(E.KsymTwice(i, constant));
                var name = HostText($"{what} name", r.U32(at + L.KsymsItem.Name));
                if (name.Length == 0) Fail(E.BadValue($"{what} name", r.U32(at + L.KsymsItem.Name)));
                _m.KernelSymbols.Add(new KernelSymbolReloc((int)constant, name));
            }
        }

        private void Strings(EndianReader r)
        {
            var s = _s[SectionId.Strings];
            long pos = s.Offset, end = (long)s.Offset + s.Size;
            for (int i = 0; i < s.Count; i++)
            {
                if (pos + 4 > end) Fail(F.StringOverrun(i));
                var len = r.U32((int)pos);
                if (len > L.MaxStringLength) Fail(F.StringTooLong(i, len, L.MaxStringLength));
                var padded = pos + 4 + ((len + 1 + 3) & ~3L);
                if (padded > end) Fail(F.StringOverrun(i));
                var bytesAt = (int)pos + 4;
                var pad = r.Bytes(bytesAt + (int)len, (int)(padded - (bytesAt + len)));
                if (pad.ContainsAnyExcept((byte)0)) Fail(F.StringEnd(i));
                _m.Strings.Append(r.Bytes(bytesAt, (int)len).ToArray());
                pos = padded;
            }
            if (pos != end) Fail(F.StringsLeftover(end - pos));
        }

        private void Constants(EndianReader r)
        {
            var s = _s[SectionId.Constants];
            for (int i = 0; i < s.Count; i++)
            {
                var at = (int)s.Offset + i * L.ConstantsItem.ItemSize;
                var kind = r.U8(at + C.Kind);
                if (!Enum.IsDefined((ConstantKind)kind)) Fail(F.ConstantKind(i, kind));
                if (r.Bytes(at + C.Pad, C.Value - C.Pad).ContainsAnyExcept((byte)0)) Fail(F.ItemReserved("constant", i));
                switch ((ConstantKind)kind)
                {
                    case ConstantKind.Number:
                        _m.Constants.Add(Constant.Number((long)r.U64(at + C.Value)));
                        break;
                    case ConstantKind.String:
                        var index = r.U32(at + C.Value);
                        if (index >= StringCount) Fail(F.StringIndex("constant", i, index, StringCount));
                        if (r.U32(at + C.Value + 4) != 0) Fail(F.ItemReserved("constant", i));
                        _m.Constants.Add(Constant.String((int)index));
                        break;
                    default:
                        if (r.U64(at + C.Value) != 0) Fail(F.ItemReserved("constant", i));
                        _m.Constants.Add(new Constant((ConstantKind)kind, 0));
                        break;
                }
            }
        }

        private void Functions(EndianReader r, uint[] code, uint[] lines)
        {
            var s = _s[SectionId.Functions];
            // no function at all: no main either (the VM says so too)
            if (s.Count == 0) Fail(F.MainFunction(r.U32(L.OffMainFunction), 0));
            var ranges = new List<(long Start, long Count)>();
            for (int i = 0; i < s.Count; i++)
            {
                var at = (int)s.Offset + i * L.FunctionsItem.ItemSize;
                var what = $"FUNCTIONS item {i}";
                var name = r.U32(at + Fn.Name);
                long start = r.U32(at + Fn.CodeStart), count = r.U32(at + Fn.CodeCount);
                int parameters = r.U16(at + Fn.Params), vararg = r.U8(at + Fn.Vararg), frame = r.U8(at + Fn.Frame);
                uint flags = r.U32(at + Fn.Flags);
                if (name != L.None && name >= StringCount) Fail(F.StringIndex("function", i, name, StringCount));
                if (count == 0 || start + count > code.Length) Fail(E.CodeRange(i, start, count, code.Length));
                if (vararg > 1) Fail(E.BadValue($"{what} is_vararg", vararg));
                if (frame < 1 || frame > L.MaxFrameSize || frame < parameters) Fail(E.FrameSize(i, frame, parameters));
                if ((flags & ~(uint)(FunctionFlags.Main | FunctionFlags.Handler)) != 0) Fail(E.BadValue($"{what} flags", flags));
                int upvalues = _upvalues ? r.U8(at + Fn.Upvalues) : 0;
                if ((_upvalues ? r.Bytes(at + Fn.Reserved, L.FunctionsItem.ItemSize - Fn.Reserved)
                               : r.Bytes(at + Fn.Upvalues, L.FunctionsItem.ItemSize - Fn.Upvalues)).ContainsAnyExcept((byte)0)) Fail(F.ItemReserved("function", i));
                if (upvalues > L.MaxUpvalues) Fail(E.UpvalueCount(i, upvalues));
                if (upvalues > 0 && (flags & (uint)(FunctionFlags.Main | FunctionFlags.Handler)) != 0) Fail(E.UpvaluesOfEntry(i, upvalues));
                var last = Instruction.Op(code[start + count - 1]);
                if (last != Opcode.RETURN && last != Opcode.TAILCALL && last != Opcode.JMP) Fail(E.FunctionEnd(i, last.ToString()));
                var f = new FunctionModel
                {
                    Name = name == L.None ? null : (int)name,
                    ParamCount = parameters,
                    IsVararg = vararg == 1,
                    FrameSize = frame,
                    FirstLine = (int)r.U32(at + Fn.FirstLine),
                    LastLine = (int)r.U32(at + Fn.LastLine),
                    Flags = (FunctionFlags)flags,
                    UpvalueCount = upvalues,
                };
                f.Code.AddRange(code.AsSpan((int)start, (int)count));
                foreach (var l in lines.AsSpan((int)start, (int)count)) f.Lines.Add((int)l);
                _m.Functions.Add(f);
                ranges.Add((start, count));
            }
            long next = 0;
            foreach (var (start, count) in ranges.OrderBy(x => x.Start))
            {
                if (start != next) Fail(E.CodeCoverage((int)Math.Min(start, next)));
                next = start + count;
            }
            if (next != code.Length) Fail(E.CodeCoverage((int)next));
        }

        private void Events(EndianReader r)
        {
            var fs = _s[SectionId.FetchArgs];
            var fetchArgs = new List<FetchArgModel>();
            for (int i = 0; i < fs.Count; i++)
            {
                var at = (int)fs.Offset + i * L.FetchArgsItem.ItemSize;
                var what = $"FETCHARGS item {i}";
                var name = Text("fetcharg", i, r.U32(at + Fa.Name));
                int source = r.U8(at + Fa.Source), type = r.U8(at + Fa.Type), reg = r.U16(at + Fa.Register);
                if (!Enum.IsDefined((FetchSource)source)) Fail(F.FetchSource(i, source));
                if (!Enum.IsDefined((FetchType)type)) Fail(F.FetchType(i, type));
                var usesRegister = source is (int)FetchSource.Register or (int)FetchSource.Memory;
                if (usesRegister && _m.Target.FindRegister(reg) is null) Fail(E.Register(i, reg, _m.Target.Name));
                if (!usesRegister && reg != 0) Fail(E.BadValue($"{what} register", reg));
                if (r.U64(at + Fa.Reserved) != 0) Fail(F.ItemReserved("fetcharg", i));
                fetchArgs.Add(new FetchArgModel(name, (FetchSource)source, (FetchType)type, reg, (long)r.U64(at + Fa.Offset)));
            }

            var s = _s[SectionId.Events];
            for (int i = 0; i < s.Count; i++)
            {
                var at = (int)s.Offset + i * L.EventsItem.ItemSize;
                int kind = r.U16(at + Ev.Kind), count = r.U16(at + Ev.FetchArgCount);
                if (!Enum.IsDefined((EventKind)kind)) Fail(F.EventKind(i, kind));
                var handler = r.U32(at + Ev.Handler);
                if (handler >= _m.Functions.Count) Fail(F.EventHandler(i, handler, _m.Functions.Count));
                var spec = Text("event", i, r.U32(at + Ev.Spec));
                var target = OptionalText("event", i, r.U32(at + Ev.Target));
                var filter = OptionalText("event", i, r.U32(at + Ev.Filter));
                var first = r.U32(at + Ev.FirstFetchArg);
                if (count == 0 && first != L.None) Fail(F.EventNoFetchArgs(i));
                if (count > 0 && (first == L.None || (long)first + count > fetchArgs.Count)) Fail(F.EventFetchArgs(i, first, count, fetchArgs.Count));
                var args = count == 0 ? new List<FetchArgModel>() : fetchArgs.GetRange((int)first, count);
                var value = r.U64(at + Ev.Value);
                if ((kind is (int)EventKind.Tick or (int)EventKind.Profile) && value == 0) Fail(F.EventInterval(i, spec));
                if (kind is (int)EventKind.Software or (int)EventKind.Hardware) CheckPerfEvent(i, (EventKind)kind, target, value, count);
                if (kind == (int)EventKind.Watchpoint) CheckWatchpoint(i, target, value, count);
                _m.Events.Add(new EventModel((EventKind)kind, (int)handler, spec, target, filter, value, args));
            }
        }

        /// <summary>A software:/hardware: item: a name of ktap_perf_events.def and a PERIOD in its range.</summary>
        private void CheckPerfEvent(int i, EventKind kind, string? name, ulong period, int fetchArgs)
        {
            var what = kind == EventKind.Hardware ? "hardware" : "software";
            if (name is null) Fail(E.PerfEvent(i, what, null));
            if (fetchArgs != 0) Fail(E.PerfFetchArgs(i, what));
            var info = PerfEventTable.All.FirstOrDefault(e => e.Kind == kind && e.Name == name);
            if (info is null) Fail(E.PerfEvent(i, what, name));
            else if (period < info.MinPeriod || period > Binding.Events.PerfCounter.PeriodMax)
                Fail(E.PerfPeriod(i, what, name!, period, info.MinPeriod, Binding.Events.PerfCounter.PeriodMax));
        }

        /// <summary>A watchpoint item: a LEN:ACCESS of the loader's table, no fetch-args, an address that fits and is aligned (0: not linked yet).</summary>
        private void CheckWatchpoint(int i, string? attr, ulong address, int fetchArgs)
        {
            if (attr is null) Fail(E.WatchNoAttr(i));
            var parts = attr!.Split(':');
            int length = parts.Length == 2 && parts[1] is "r" or "w" or "rw" ? parts[0] switch { "1" => 1, "2" => 2, "4" => 4, "8" => 8, _ => 0 } : 0;
            if (length == 0) Fail(E.WatchAttr(i, attr));
            if (fetchArgs != 0) Fail(E.WatchFetchArgs(i));
            if (_m.Target.WordSize == 4 && address > uint.MaxValue) Fail(E.WatchWide(i, address));
            if (address % (ulong)length != 0) Fail(E.WatchAlign(i, address, length));
        }

        private void Formats(EndianReader r)
        {
            var s = _s[SectionId.Formats];
            for (int i = 0; i < s.Count; i++)
            {
                var at = (int)s.Offset + i * L.FormatsItem.ItemSize;
                int kind = r.U16(at + Fm.Kind), args = r.U16(at + Fm.ArgCount);
                var format = r.U32(at + Fm.Format);
                if (!Enum.IsDefined((FormatKind)kind)) Fail(F.FormatKind(i, kind));
                if (kind == (int)FormatKind.Print && format != L.None) Fail(F.FormatPrint(i));
                if (kind == (int)FormatKind.Printf && format >= StringCount) Fail(F.StringIndex("format", i, format, StringCount));
                if (r.U32(at + Fm.Reserved) != 0) Fail(F.ItemReserved("format", i));
                _m.Formats.Add(new FormatModel((FormatKind)kind, args, format == L.None ? null : _m.Strings[(int)format], (int)r.U32(at + Fm.Line)));
            }
        }

        // Every table index an instruction carries, checked once the tables are read: the
        // host resolves some of them itself (EVFIELD's field name for the event check, the
        // disassembler's notes), so a bundle that passes here never sends them out of range.
        private void Operands()
        {
            for (int f = 0; f < _m.Functions.Count; f++)
            {
                var code = _m.Functions[f].Code;
                for (int pc = 0; pc < code.Count; pc++)
                {
                    var word = code[pc];
                    var format = OpcodeTable.All[(int)Instruction.Op(word)].Format;
                    int bx = Instruction.Bx(word), b = Instruction.B(word), c = Instruction.C(word);
                    var what = $"FUNCTIONS item {f} instruction {pc} ({Instruction.Op(word)})";
                    switch (format)
                    {
                        case OperandFormat.ABxS when bx >= StringCount: Fail(E.StringIndex(what, bx, StringCount)); break;
                        case OperandFormat.ABxK when bx >= _m.Constants.Count: Fail(E.BadValue($"{what} constant index", bx)); break;
                        case OperandFormat.ABxF or OperandFormat.ABxC when bx >= _m.Functions.Count: Fail(E.FunctionIndex(what, bx, _m.Functions.Count)); break;
                        case OperandFormat.ABU when b >= _m.Functions[f].UpvalueCount: Fail(E.UpvalueIndex(what, b, _m.Functions[f].UpvalueCount)); break;
                        case OperandFormat.ABnCP when c >= _m.Formats.Count: Fail(E.BadValue($"{what} format index", c)); break;
                    }
                }
            }
        }

        private uint[] Words(EndianReader r, SectionId id)
        {
            var s = _s[id];
            var words = new uint[s.Count];
            for (int i = 0; i < words.Length; i++) words[i] = r.U32((int)s.Offset + i * 4);
            return words;
        }

        // A string index of item `item` of the kind `what` (constant, event...): ktap_bundle_faults.def's STRING_INDEX.
        private string Text(string what, int item, uint index)
        {
            if (index >= StringCount) Fail(F.StringIndex(what, item, index, StringCount));
            return _m.Strings.GetText((int)index);
        }

        private string? OptionalText(string what, int item, uint index) => index == L.None ? null : Text(what, item, index);

        // A string index the VM never reads (KSYMS): the host's own message.
        private string HostText(string what, uint index)
        {
            if (index >= StringCount) Fail(E.StringIndex(what, index, StringCount));
            return _m.Strings.GetText((int)index);
        }
    }
}
