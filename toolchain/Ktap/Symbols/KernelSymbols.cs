using System.Globalization;
using Ktap.Output;

namespace Ktap.Tool.Symbols;

/// <summary>A kallsyms text or the cache of one is not usable.</summary>
public sealed class KallsymsException(string message) : Exception(message);

/// <summary>
/// The board's kernel text symbols from /proc/kallsyms ("ADDR TYPE NAME [module]" lines), or
/// its data symbols for watchpoints (<see cref="ParseData"/>), looked up by name with <see cref="Addresses"/>,
/// sorted by address: a frame is named after the nearest text symbol at or below it, as
/// "name+0xoff" ("name+0xoff [module]" for a module's). The text comes from the board and is
/// untrusted: its size, line count and name lengths are checked before anything is kept; a
/// line that does not parse is skipped (kallsyms has no other format, a line like that is
/// the board's invention), names keep only printable ASCII. Addresses are named only inside
/// the text: below the first text symbol, or more than <see cref="HostLimits.KallsymsGap"/>
/// past the last one or past any symbol followed by a gap that large, they stay numbers
/// (a histogram key 5 must not become "_stext-...").
/// </summary>
public sealed class KernelSymbols : IAddressNames
{
    private readonly ulong[] _addresses;
    private readonly string[] _names;

    private KernelSymbols(ulong[] addresses, string[] names)
    {
        _addresses = addresses;
        _names = names;
    }

    public int Count => _addresses.Length;

    private Dictionary<string, List<(ulong Address, bool Module)>>? _byName;

    /// <summary>
    /// The distinct addresses of the symbols named <paramref name="name"/>; empty when there
    /// is none. Several: statics of one name in different files. With
    /// <paramref name="modules"/> a module's symbol counts too (named without its " [module]"):
    /// kernel symbol literals take them; watchpoints take the kernel's own only.
    /// </summary>
    public IReadOnlyList<ulong> Addresses(string name, bool modules = true) =>
        ByName().TryGetValue(name, out var found)
            ? found.Where(f => modules || !f.Module).Select(f => f.Address).Distinct().ToList()
            : [];

    /// <summary>Every symbol name once (for "did you mean").</summary>
    public IEnumerable<string> Names => ByName().Keys;

    // Built on first use: naming stack frames, the common use, never needs it.
    private Dictionary<string, List<(ulong Address, bool Module)>> ByName()
    {
        if (_byName is not null) return _byName;
        var map = new Dictionary<string, List<(ulong, bool)>>(StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            var n = _names[i];
            var space = n.IndexOf(' '); // "name [module]"
            if (space >= 0) n = n[..space];
            if (!map.TryGetValue(n, out var list)) map[n] = list = new List<(ulong, bool)>(1);
            if (!list.Contains((_addresses[i], space >= 0))) list.Add((_addresses[i], space >= 0));
        }
        return _byName = map;
    }

    public static KernelSymbols Parse(string text) => Parse(text, data: false);

    /// <summary>Data symbols (types d D b B r R: initialised, zeroed and read-only data), for watchpoints.</summary>
    public static KernelSymbols ParseData(string text) => Parse(text, data: true);

    private static KernelSymbols Parse(string text, bool data)
    {
        if (text.Length > HostLimits.KallsymsBytes)
            throw new KallsymsException($"/proc/kallsyms is over the limit of {HostLimits.KallsymsBytes} bytes");
        var list = new List<(ulong Address, string Name)>();
        int zero = 0, lines = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            if (raw.IsEmpty) continue;
            if (++lines > HostLimits.KallsymsSymbols)
                throw new KallsymsException($"/proc/kallsyms has over {HostLimits.KallsymsSymbols} symbols");
            if (!TryLine(raw, data, out var address, out var name)) continue;
            if (address == 0) { zero++; continue; }
            list.Add((address, name));
        }
        // kptr_restrict (not root, or 2): every address reads as 0, nothing can be named.
        if (list.Count == 0)
            throw new KallsymsException(zero > 0
                ? "/proc/kallsyms shows every address as 0 (kptr_restrict): ktap needs root on the board to name kernel addresses"
                : $"/proc/kallsyms has no {(data ? "data" : "text")} symbols");
        list.Sort((a, b) => a.Address.CompareTo(b.Address));
        return new KernelSymbols(list.Select(s => s.Address).ToArray(), list.Select(s => s.Name).ToArray());
    }

    private static bool TryLine(ReadOnlySpan<char> line, bool data, out ulong address, out string name)
    {
        address = 0; name = "";
        int sp1 = line.IndexOf(' ');
        if (sp1 <= 0 || sp1 > 16 || line.Length < sp1 + 4 || line[sp1 + 2] != ' ') return false;
        if (!ulong.TryParse(line[..sp1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address)) return false;
        char type = line[sp1 + 1];
        if (data ? type is not ('d' or 'D' or 'b' or 'B' or 'r' or 'R')
                 : type is not ('t' or 'T' or 'w' or 'W')) return false; // text (and weak) symbols only, or data
        var rest = line[(sp1 + 3)..];
        string? module = null;
        int tab = rest.IndexOf('\t');
        if (tab >= 0)
        {
            var m = rest[(tab + 1)..].Trim();
            rest = rest[..tab];
            if (m.Length < 3 || m[0] != '[' || m[^1] != ']' || !Clean(m[1..^1])) return false;
            module = m.ToString();
        }
        if (rest.IsEmpty || rest.Length > HostLimits.KallsymsNameChars || !Clean(rest)) return false;
        name = module is null ? rest.ToString() : rest.ToString() + " " + module;
        return true;
    }

    // Symbol and module names are C identifiers plus '.', '$' (clang's .llvm.N, $x); nothing
    // that could steer a terminal or break the "name+0xoff" layout.
    private static bool Clean(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '$')) return false;
        return true;
    }

    /// <summary>The kernel's own names (module symbols left out), for "did you mean".</summary>
    public IEnumerable<string> KernelNames => _names.Where(n => !n.Contains(' '));

    public string? Name(ulong address)
    {
        int lo = 0, hi = _addresses.Length - 1, at = -1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (_addresses[mid] <= address) { at = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (at < 0) return null;
        ulong off = address - _addresses[at];
        if (off >= HostLimits.KallsymsGap) return null;
        string name = _names[at];
        int space = name.IndexOf(' ');
        return space < 0
            ? $"{name}+0x{off:x}"
            : $"{name[..space]}+0x{off:x}{name[space..]}";
    }
}
