using System.Buffers.Binary;
using System.Text;

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
    private readonly bool _is64, _big;
    private readonly List<(ulong Vaddr, ulong Offset, ulong FileSize)> _loads = new();

    public ElfSymbols(byte[] data, string name)
    {
        _data = data;
        Name = name;
        if (data.Length < 52 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new ElfException($"{name} is not an ELF file");
        _is64 = data[4] switch { 1 => false, 2 => true, _ => throw new ElfException($"{name}: unknown ELF class {data[4]}") };
        _big = data[5] switch { 1 => false, 2 => true, _ => throw new ElfException($"{name}: unknown ELF byte order {data[5]}") };
        Machine = U16(18);
        ReadProgramHeaders();
        Symbols = ReadSymbols();
    }

    public string Name { get; }
    public bool Is64 => _is64;
    public bool BigEndian => _big;
    /// <summary>e_machine: 3 x86, 62 x86_64, 40 ARM, 20 PowerPC, 183 AArch64.</summary>
    public int Machine { get; }
    public IReadOnlyList<ElfSymbol> Symbols { get; }

    /// <summary>The function named <paramref name="symbol"/>; throws with a "did you mean" when absent.</summary>
    public ElfSymbol Find(string symbol)
    {
        var hit = Symbols.FirstOrDefault(s => s.Name == symbol)
                  ?? Symbols.FirstOrDefault(s => s.Name.StartsWith(symbol + "@", StringComparison.Ordinal));
        if (hit is not null) return hit;
        var hint = Suggest.DidYouMean(symbol, Symbols.Select(s => s.Name).Distinct());
        throw new ElfException(Symbols.Count == 0
            ? $"{Name} has no function symbols (stripped, and no .dynsym)"
            : $"{Name} has no function '{symbol}'{hint}");
    }

    /// <summary>The file offset of a virtual address (inside a PT_LOAD segment's file part).</summary>
    public ulong FileOffset(ulong vaddr)
    {
        foreach (var (v, off, size) in _loads)
            if (vaddr >= v && vaddr < v + size) return vaddr - v + off;
        throw new ElfException($"{Name}: address 0x{vaddr:x} is in no loadable segment");
    }

    private void ReadProgramHeaders()
    {
        var phoff = Word(_is64 ? 32 : 28);
        int phentsize = U16(_is64 ? 54 : 42), phnum = U16(_is64 ? 56 : 44);
        for (var i = 0; i < phnum; i++)
        {
            var p = checked((int)phoff + i * phentsize);
            Need(p, phentsize);
            if (U32(p) != PtLoad) continue;
            if (_is64) _loads.Add((U64(p + 16), U64(p + 8), U64(p + 32)));
            else _loads.Add((U32(p + 8), U32(p + 4), U32(p + 16)));
        }
    }

    private List<ElfSymbol> ReadSymbols()
    {
        var shoff = Word(_is64 ? 40 : 32);
        int shentsize = U16(_is64 ? 58 : 46), shnum = U16(_is64 ? 60 : 48);
        var sections = new List<(uint Type, ulong Offset, ulong Size, uint Link, ulong EntSize)>();
        for (var i = 0; i < shnum; i++)
        {
            var s = checked((int)shoff + i * shentsize);
            Need(s, shentsize);
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
        if (entsize == 0 || (int)link >= sections.Count) throw new ElfException($"{Name}: damaged symbol table");
        var strings = sections[(int)link];
        for (ulong at = off; at + entsize <= off + size; at += entsize)
        {
            var e = checked((int)at);
            Need(e, (int)entsize);
            uint nameIndex; byte info; ushort shndx; ulong value, symSize;
            if (_is64) { nameIndex = U32(e); info = _data[e + 4]; shndx = U16(e + 6); value = U64(e + 8); symSize = U64(e + 16); }
            else { nameIndex = U32(e); value = U32(e + 4); symSize = U32(e + 8); info = _data[e + 12]; shndx = U16(e + 14); }
            var type = info & 0xf;
            if ((type != SttFunc && type != SttGnuIfunc) || shndx == 0 || value == 0) continue;
            if (Machine == EmArm) value &= ~1UL; // bit 0 marks Thumb code, not part of the address
            var name = CString(checked((int)(strings.Offset + nameIndex)));
            if (name.Length == 0) continue;
            ulong fileOffset;
            try { fileOffset = FileOffset(value); }
            catch (ElfException) { continue; }
            result.Add(new ElfSymbol(name, value, symSize, fileOffset));
        }
        return result;
    }

    private string CString(int at)
    {
        Need(at, 1);
        var end = Array.IndexOf(_data, (byte)0, at);
        if (end < 0) throw new ElfException($"{Name}: unterminated symbol name");
        return Encoding.UTF8.GetString(_data, at, end - at);
    }

    private void Need(int at, int count)
    {
        if (at < 0 || count < 0 || at + count > _data.Length)
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
