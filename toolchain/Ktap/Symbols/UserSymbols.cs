using Ktap.Output;
using Ktap.Tool.Linking;

namespace Ktap.Tool.Symbols;

/// <summary>
/// Names user addresses (ustack frames) as "symbol+0xoff" from the function symbols of the
/// session's executables read from the board. Only ET_EXEC files (not PIE, not shared
/// libraries) are used: their symbol addresses are where the code runs. A PIE executable or
/// a shared library is loaded at an address only the process's mappings tell, which the
/// board does not send: their frames stay in hex. An address inside no sized function
/// symbol stays in hex too (never the nearest name, which would be a guess).
/// </summary>
public sealed class UserSymbols : IAddressNames
{
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly string[] _names;

    public UserSymbols(IEnumerable<ElfSymbols> files)
    {
        var list = files.Where(f => f.FixedAddresses)
            .SelectMany(f => f.Symbols)
            .Where(s => s.Size > 0 && s.Address + s.Size > s.Address) // no empty or wrapping range
            .GroupBy(s => s.Address).Select(g => g.OrderByDescending(s => s.Size).ThenBy(s => s.Name, StringComparer.Ordinal).First())
            .OrderBy(s => s.Address).ToList();
        _starts = list.Select(s => s.Address).ToArray();
        _ends = list.Select(s => s.Address + s.Size).ToArray();
        _names = list.Select(s => s.Name).ToArray();
    }

    public int Count => _names.Length;

    public string? Name(ulong address)
    {
        var i = Array.BinarySearch(_starts, address);
        if (i < 0) i = ~i - 1;
        // overlapping symbols: look back a few for one that contains the address
        for (var j = i; j >= 0 && j > i - 8; j--)
            if (address >= _starts[j] && address < _ends[j]) return $"{_names[j]}+0x{address - _starts[j]:x}";
        return null;
    }
}
