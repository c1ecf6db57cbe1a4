using System.Buffers.Binary;
using System.Text;

namespace Ktap.Tool.Linking;

/// <summary>
/// One USDT marker of an ELF file: where its nop is in the file (what a uprobe needs), its
/// semaphore's file offset (0: none; what uprobe's ref_ctr_offset needs) and the argument
/// specs as the compiler wrote them ("-4@%edx", "8@[sp, 24]").
/// </summary>
public sealed record SdtMarker(string Provider, string Name, ulong Address, ulong FileOffset, ulong SemaphoreOffset, IReadOnlyList<string> Arguments)
{
    public string FullName => $"{Provider}:{Name}";

    /// <summary>ARM only: the marker's nop is a 16-bit Thumb nop. Linux's arm uprobes write
    /// a 32-bit ARM breakpoint wherever they are put, so a Thumb marker cannot be probed:
    /// the breakpoint would overwrite the next instruction too (the program crashes).</summary>
    public bool Thumb { get; init; }
}

/// <summary>
/// Reads the `.note.stapsdt` notes of an ELF file (the layout of systemtap's sys/sdt.h:
/// owner "stapsdt", type 3, a descriptor of three words — marker address, the address of
/// `.stapsdt.base` at link time, semaphore address — then provider, name and argument text,
/// each NUL-terminated). Addresses become file offsets through the loadable segments of
/// <see cref="ElfSymbols"/>; when the file was prelinked (`.stapsdt.base` now lies elsewhere
/// than the note says) both addresses move by the same amount first, as systemtap does.
/// The file comes from the board: every offset is checked, failures are ElfExceptions.
/// </summary>
public static class SdtNotes
{
    private const uint ShtNote = 7, NoteTypeStapsdt = 3;
    private const int EmArm = 40;
    private const int MaxMarkers = 65536; // a hostile file's notes cannot cost more than this

    public static IReadOnlyList<SdtMarker> Read(byte[] data, ElfSymbols elf)
    {
        try
        {
            return new Reader(data, elf).Markers();
        }
        catch (Exception e) when (e is not ElfException)
        {
            throw new ElfException($"{elf.Name}: damaged .note.stapsdt ({e.GetType().Name}: {e.Message})");
        }
    }

    private sealed class Reader(byte[] data, ElfSymbols elf)
    {
        private readonly bool _is64 = elf.Is64, _big = elf.BigEndian;

        public List<SdtMarker> Markers()
        {
            var sections = Sections();
            var notes = sections.Where(s => s.Name == ".note.stapsdt" && s.Type == ShtNote).ToList();
            if (notes.Count == 0)
                throw new ElfException($"{elf.Name} has no USDT markers (no .note.stapsdt section: built without <sys/sdt.h> probes, or stripped of them)");
            var baseSection = sections.FirstOrDefault(s => s.Name == ".stapsdt.base");
            var result = new List<SdtMarker>();
            foreach (var note in notes)
            {
                var (off, size) = Inside(note.Offset, note.Size, ".note.stapsdt");
                var end = off + size;
                var at = off;
                while (end - at >= 12)
                {
                    uint namesz = U32(at), descsz = U32(at + 4), type = U32(at + 8);
                    var nameAt = at + 12;
                    var descAt = nameAt + Align4(namesz);
                    var next = descAt + Align4(descsz);
                    if (namesz > end - nameAt || Align4(namesz) > end - nameAt || descsz > end - descAt || next > end)
                        throw new ElfException($"{elf.Name}: a note of .note.stapsdt runs past its section");
                    if (type == NoteTypeStapsdt && namesz == 8 && Encoding.ASCII.GetString(data, (int)nameAt, 7) == "stapsdt")
                    {
                        if (result.Count >= MaxMarkers) throw new ElfException($"{elf.Name}: more than {MaxMarkers} USDT markers");
                        result.Add(Marker(descAt, descsz, baseSection));
                    }
                    at = next;
                }
            }
            return result;
        }

        private SdtMarker Marker(ulong at, uint size, Section? baseSection)
        {
            var word = _is64 ? 8u : 4u;
            if (size < 3 * word) throw new ElfException($"{elf.Name}: a .note.stapsdt note of {size} bytes is too short");
            ulong pc = Word(at), linkBase = Word(at + word), semaphore = Word(at + 2 * word);
            var texts = new List<string>();
            var p = at + 3 * word;
            var end = at + size;
            while (texts.Count < 3 && p < end)
            {
                var zero = Array.IndexOf(data, (byte)0, (int)p, (int)(end - p));
                if (zero < 0) break;
                texts.Add(Encoding.UTF8.GetString(data, (int)p, zero - (int)p));
                p = (ulong)zero + 1;
            }
            if (texts.Count < 2) throw new ElfException($"{elf.Name}: a .note.stapsdt note without provider and name");
            // Prelinked: the base moved by the same amount as every marker and semaphore.
            if (baseSection is { } b && linkBase != 0 && b.Address != linkBase)
            {
                pc += b.Address - linkBase;
                if (semaphore != 0) semaphore += b.Address - linkBase;
            }
            var name = $"{texts[0]}:{texts[1]}";
            ulong fileOffset, semaphoreOffset = 0;
            try { fileOffset = elf.FileOffset(pc); }
            catch (ElfException) { throw new ElfException($"{elf.Name}: marker {name} at 0x{pc:x} is in no loadable segment"); }
            if (semaphore != 0)
            {
                try { semaphoreOffset = elf.FileOffset(semaphore); }
                catch (ElfException) { throw new ElfException($"{elf.Name}: the semaphore of marker {name} at 0x{semaphore:x} is not in the file's loadable data"); }
            }
            var args = texts.Count > 2 ? SplitArguments(texts[2]) : [];
            // sys/sdt.h puts a "nop" at the marker: in Thumb code that is 0xbf00.
            var thumb = elf.Machine == EmArm && fileOffset + 2 <= (ulong)data.Length &&
                        (_big ? data[fileOffset] == 0xbf && data[fileOffset + 1] == 0 : data[fileOffset] == 0 && data[fileOffset + 1] == 0xbf);
            return new SdtMarker(texts[0], texts[1], pc, fileOffset, semaphoreOffset, args) { Thumb = thumb };
        }

        // Specs are separated by spaces, but an ARM or AArch64 memory operand has one inside
        // its brackets: "-4@r3 -8@[r7, #8]" is two specs.
        private static List<string> SplitArguments(string text)
        {
            var result = new List<string>();
            int depth = 0, start = 0;
            for (var i = 0; i <= text.Length; i++)
            {
                var c = i < text.Length ? text[i] : ' ';
                if (c == '[') depth++;
                else if (c == ']') depth = Math.Max(0, depth - 1);
                else if (c == ' ' && depth == 0)
                {
                    if (i > start) result.Add(text[start..i]);
                    start = i + 1;
                }
            }
            return result;
        }

        private sealed record Section(string Name, uint Type, ulong Address, ulong Offset, ulong Size);

        private List<Section> Sections()
        {
            var shoff = Word(_is64 ? 40UL : 32UL);
            int shentsize = U16(_is64 ? 58UL : 46UL), shnum = U16(_is64 ? 60UL : 48UL), shstrndx = U16(_is64 ? 62UL : 50UL);
            var raw = new List<(uint NameIndex, uint Type, ulong Address, ulong Offset, ulong Size)>();
            for (var i = 0; i < shnum; i++)
            {
                var s = shoff + (ulong)i * (ulong)shentsize;
                Inside(s, (ulong)shentsize, "section header");
                raw.Add(_is64
                    ? (U32(s), U32(s + 4), U64(s + 16), U64(s + 24), U64(s + 32))
                    : (U32(s), U32(s + 4), U32(s + 12), U32(s + 16), U32(s + 20)));
            }
            if (shstrndx >= raw.Count) return [];
            var (strOff, strSize) = Inside(raw[shstrndx].Offset, raw[shstrndx].Size, "section name table");
            return raw.Select(r => new Section(Name(strOff, strSize, r.NameIndex), r.Type, r.Address, r.Offset, r.Size)).ToList();
        }

        private string Name(ulong table, ulong size, uint index)
        {
            if (index >= size) return "";
            var at = (int)(table + index);
            var zero = Array.IndexOf(data, (byte)0, at, (int)(size - index));
            return zero < 0 ? "" : Encoding.ASCII.GetString(data, at, zero - at);
        }

        private (ulong, ulong) Inside(ulong offset, ulong size, string what)
        {
            if (offset > (ulong)data.Length || size > (ulong)data.Length - offset)
                throw new ElfException($"{elf.Name}: truncated ELF file ({data.Length} bytes): {what} lies outside it");
            return (offset, size);
        }

        private static uint Align4(uint n) => (uint)(((ulong)n + 3) & ~3UL);
        private ushort U16(ulong at) { Inside(at, 2, "a field"); var s = data.AsSpan((int)at, 2); return _big ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s); }
        private uint U32(ulong at) { Inside(at, 4, "a field"); var s = data.AsSpan((int)at, 4); return _big ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s); }
        private ulong U64(ulong at) { Inside(at, 8, "a field"); var s = data.AsSpan((int)at, 8); return _big ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s); }
        private ulong Word(ulong at) => _is64 ? U64(at) : U32(at);
    }
}
