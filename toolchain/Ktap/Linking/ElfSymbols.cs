using System.Buffers.Binary;
using System.Text;
using Ktap.Output;

namespace Ktap.Tool.Linking;

/// <summary>A function symbol of an ELF file and where its code is in the file (what uprobes need).</summary>
public sealed record ElfSymbol(string Name, ulong Address, ulong Size, ulong FileOffset);

/// <summary>
/// Reads function symbols from an ELF32/ELF64 file of either byte order (.symtab, else
/// .dynsym) and maps each address to a file offset through the loadable program headers,
/// so uprobes are resolved on the host and the board needs no libelf.
/// </summary>
public sealed class ElfSymbols
{
    private const int EmArm = 40, SttFunc = 2, SttGnuIfunc = 10, ShtSymtab = 2, ShtDynsym = 11, PtLoad = 1;

    private readonly byte[] _data;
    private bool _is64, _big;
    private readonly List<(ulong Vaddr, ulong Offset, ulong FileSize)> _loads = new();

    /// <summary>
    /// Reads <paramref name="data"/> (a file from the board: untrusted). Every offset, count
    /// and size is checked against the file before use; any failure is an
    /// <see cref="ElfException"/> with the file's name.
    /// </summary>
    public ElfSymbols(byte[] data, string name)
    {
        _data = data;
        Name = name;
        try
        {
            (_is64, _big, Machine, Symbols) = Parse(data, name);
        }
        catch (Exception e) when (e is not ElfException)
        {
            // A check this reader lacks: still the file's fault, never a crash of ktap.
            throw new ElfException($"{name}: damaged ELF file ({e.GetType().Name}: {e.Message})");
        }
    }

    private (bool, bool, int, IReadOnlyList<ElfSymbol>) Parse(byte[] data, string name)
    {
        if (data.Length > HostLimits.ElfBytes) throw new ElfException($"{name} is over the limit of {HostLimits.ElfBytes} bytes");
        if (data.Length < 52 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new ElfException($"{name} is not an ELF file");
        _is64 = data[4] switch { 1 => false, 2 => true, _ => throw new ElfException($"{name}: unknown ELF class {data[4]}") };
        _big = data[5] switch { 1 => false, 2 => true, _ => throw new ElfException($"{name}: unknown ELF byte order {data[5]}") };
        var machine = U16(18);
        FixedAddresses = U16(16) == 2; // ET_EXEC
        ReadProgramHeaders();
        return (_is64, _big, machine, ReadSymbols(machine));
    }

    public string Name { get; }
    public bool Is64 => _is64;
    public bool BigEndian => _big;
    /// <summary>e_machine: 3 x86, 62 x86_64, 40 ARM, 20 PowerPC, 183 AArch64.</summary>
    public int Machine { get; }
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    private IReadOnlyList<SdtMarker>? _sdt;
    /// <summary>The file's USDT markers (SdtNotes), read on first use; throws when it has none.</summary>
    public IReadOnlyList<SdtMarker> SdtMarkers => _sdt ??= SdtNotes.Read(_data, this);
    /// <summary>True for an ET_EXEC file (not PIE, not a shared library): its symbol addresses are the run-time addresses.</summary>
    public bool FixedAddresses { get; private set; }

    /// <summary>The function named <paramref name="symbol"/>; throws with a "did you mean" when absent.</summary>
    public ElfSymbol Find(string symbol)
    {
        var hit = Symbols.FirstOrDefault(s => s.Name == symbol)
                  ?? Symbols.FirstOrDefault(s => s.Name.StartsWith(symbol + "@", StringComparison.Ordinal));
        if (hit is not null) return hit;
        var hint = TerminalText.Quote(Suggest.DidYouMean(symbol, Symbols.Select(s => s.Name).Distinct()));
        throw new ElfException(Symbols.Count == 0
            ? $"{Name} has no function symbols (stripped, and no .dynsym)"
            : $"{Name} has no function '{symbol}'{hint}");
    }

    /// <summary>The file offset of a virtual address (inside a PT_LOAD segment's file part).</summary>
    public ulong FileOffset(ulong vaddr)
    {
        foreach (var (v, off, size) in _loads)
            if (vaddr >= v && vaddr - v < size) return vaddr - v + off; // (v + size may wrap)
        throw new ElfException($"{Name}: address 0x{vaddr:x} is in no loadable segment");
    }

    private void ReadProgramHeaders()
    {
        var phoff = Word(_is64 ? 32 : 28);
        int phentsize = U16(_is64 ? 54 : 42), phnum = U16(_is64 ? 56 : 44);
        for (var i = 0; i < phnum; i++)
        {
            var p = At(phoff, i, phentsize, "program header");
            if (U32(p) != PtLoad) continue;
            if (_is64) _loads.Add((U64(p + 16), U64(p + 8), U64(p + 32)));
            else _loads.Add((U32(p + 8), U32(p + 4), U32(p + 16)));
        }
    }

    private List<ElfSymbol> ReadSymbols(int machine)
    {
        var shoff = Word(_is64 ? 40 : 32);
        int shentsize = U16(_is64 ? 58 : 46), shnum = U16(_is64 ? 60 : 48);
        var sections = new List<(uint Type, ulong Offset, ulong Size, uint Link, ulong EntSize)>();
        for (var i = 0; i < shnum; i++)
        {
            var s = At(shoff, i, shentsize, "section header");
            sections.Add(_is64
                ? (U32(s + 4), U64(s + 24), U64(s + 32), U32(s + 40), U64(s + 56))
                : (U32(s + 4), U32(s + 16), U32(s + 20), U32(s + 24), U32(s + 36)));
        }
        // .symtab has everything; a stripped file still has .dynsym with the exported functions.
        var table = sections.FindIndex(s => s.Type == ShtSymtab);
        if (table < 0) table = sections.FindIndex(s => s.Type == ShtDynsym);
        var result = new List<ElfSymbol>();
        if (table < 0) return result;
        var (_, off, size, link, entsize) = sections[table];
        var length = (ulong)_data.Length;
        if (entsize < (_is64 ? 24UL : 16UL) || entsize > 4096 || link >= (uint)sections.Count || off > length || size > length - off)
            throw new ElfException($"{Name}: damaged symbol table");
        var strings = sections[(int)link];
        if (strings.Offset > length || strings.Size > length - strings.Offset)
            throw new ElfException($"{Name}: damaged string table");
        // Many symbols may share one name (or a hostile file may point 100,000 at one huge
        // name): each name offset is decoded once.
        var names = new Dictionary<uint, string>();
        for (ulong at = off; size - (at - off) >= entsize; at += entsize)
        {
            var e = (int)at;
            Need(e, (int)entsize);
            uint nameIndex; byte info; ushort shndx; ulong value, symSize;
            if (_is64) { nameIndex = U32(e); info = _data[e + 4]; shndx = U16(e + 6); value = U64(e + 8); symSize = U64(e + 16); }
            else { nameIndex = U32(e); value = U32(e + 4); symSize = U32(e + 8); info = _data[e + 12]; shndx = U16(e + 14); }
            var type = info & 0xf;
            if ((type != SttFunc && type != SttGnuIfunc) || shndx == 0 || value == 0) continue;
            if (machine == EmArm) value &= ~1UL; // bit 0 marks Thumb code, not part of the address
            if (!names.TryGetValue(nameIndex, out var name)) names[nameIndex] = name = CString(strings.Offset, strings.Size, nameIndex);
            if (name.Length == 0) continue;
            ulong fileOffset;
            try { fileOffset = FileOffset(value); }
            catch (ElfException) { continue; }
            result.Add(new ElfSymbol(name, value, symSize, fileOffset));
        }
        return result;
    }

    // A name inside its string table; one longer than HostLimits.SymbolNameBytes is skipped ("").
    private string CString(ulong table, ulong tableSize, uint index)
    {
        if (index >= tableSize) throw new ElfException($"{Name}: symbol name {index} outside its string table");
        var at = (int)(table + index);
        var span = Math.Min((int)(tableSize - index), HostLimits.SymbolNameBytes + 1);
        var end = Array.IndexOf(_data, (byte)0, at, span);
        if (end < 0) return span > HostLimits.SymbolNameBytes ? "" : throw new ElfException($"{Name}: unterminated symbol name");
        return Encoding.UTF8.GetString(_data, at, end - at);
    }

    // The offset of entry i of a table at `offset` with entries of `size` bytes, inside the file.
    private int At(ulong offset, int i, int size, string what)
    {
        var at = offset + (ulong)i * (ulong)size; // no wrap: i, size < 65536 and offset is checked below
        if (offset > (ulong)_data.Length || at > (ulong)_data.Length || (ulong)size > (ulong)_data.Length - at)
            throw new ElfException($"{Name}: truncated ELF file ({_data.Length} bytes): {what} {i} lies outside it");
        return (int)at;
    }

    private void Need(int at, int count)
    {
        if (at < 0 || count < 0 || (long)at + count > _data.Length)
            throw new ElfException($"{Name}: truncated ELF file ({_data.Length} bytes, needs {at + count})");
    }

    private ushort U16(int at) { Need(at, 2); var s = _data.AsSpan(at, 2); return _big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s); }
    private uint U32(int at) { Need(at, 4); var s = _data.AsSpan(at, 4); return _big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s); }
    private ulong U64(int at) { Need(at, 8); var s = _data.AsSpan(at, 8); return _big ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s); }
    private ulong Word(int at) => _is64 ? U64(at) : U32(at);
}

public sealed class ElfException : KtapException
{
    public ElfException(string message) : base(ExitCodes.ScriptError, message) { }
}
