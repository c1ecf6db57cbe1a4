using System.Globalization;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Text;

namespace Ktap.Binding.Events;

/// <summary>
/// `watchpoint:SYMBOL:LEN:ACCESS` and `watchpoint:0xADDR:LEN:ACCESS` (language.md §3): a
/// hardware watchpoint on LEN bytes (1, 2, 4, 8) of kernel data, hit on reads (r), writes
/// (w) or both (rw). The EVENTS item carries "LEN:ACCESS" as its target (the loader's
/// table, core/watchpoint.c) and the address as its value: the address as written, or 0
/// for a symbol, which `ktap run` resolves against the board's kallsyms
/// (Ktap.Tool.Linking.WatchpointLink). The symbol stays in the spec, as an unresolved
/// uprobe's does.
/// </summary>
public static partial class Watchpoint
{
    public const string Prefix = "watchpoint";

    /// <summary>A spec split into its parts; Symbol is null for an address.</summary>
    public sealed record Parts(string Where, string? Symbol, ulong Address, int Length, string Access);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]*$")]
    private static partial Regex SymbolName();

    /// <summary>"vm_swappiness:4:w" → parts, or null when it does not have three ':'-separated parts.</summary>
    public static (string Where, string Len, string Access)? Split(string rest)
    {
        var p = rest.Split(':');
        return p.Length == 3 && p.All(x => x.Length > 0) ? (p[0], p[1], p[2]) : null;
    }

    /// <summary>The symbol a linked spec names (`watchpoint:vm_swappiness:4:w` → vm_swappiness), or null for an address.</summary>
    public static string? SymbolOf(string spec)
    {
        var def = spec.Split(' ', 2)[0];
        if (!def.StartsWith(Prefix + ":", StringComparison.Ordinal)) return null;
        return Split(def[(Prefix.Length + 1)..]) is { } s && SymbolName().IsMatch(s.Where) ? s.Where : null;
    }

    public static BoundEvent? Bind(string text, string rest, int restStart, string? filter, TargetProfile target, DiagnosticBag diagnostics)
    {
        if (Split(rest) is not { } parts)
        {
            diagnostics.Report(Messages.WatchpointSpec, new TextSpan(restStart - Prefix.Length - 1, Prefix.Length + 1 + Math.Max(1, rest.Length)),
                Prefix + ":" + rest);
            return null;
        }
        int lenStart = restStart + parts.Where.Length + 1, accessStart = lenStart + parts.Len.Length + 1;
        bool ok = true;
        int length = parts.Len switch { "1" => 1, "2" => 2, "4" => 4, "8" => 8, _ => 0 };
        if (length == 0)
        {
            diagnostics.Report(Messages.WatchpointLength, new TextSpan(lenStart, parts.Len.Length), parts.Len);
            ok = false;
        }
        if (parts.Access is not ("r" or "w" or "rw"))
        {
            diagnostics.Report(Messages.WatchpointAccess, new TextSpan(accessStart, parts.Access.Length), parts.Access);
            ok = false;
        }
        else if (parts.Access == "r" && target.Arch is TargetArch.X86 or TargetArch.X86_64)
        {
            // The debug registers' R/W field has write and read-or-write, no read alone
            // (Intel SDM vol. 3, 18.2.4); the kernel refuses HW_BREAKPOINT_R with -EINVAL.
            diagnostics.Report(Messages.WatchpointReadOnX86, new TextSpan(accessStart, 1), target.Name);
            ok = false;
        }
        ulong address = 0;
        var where = parts.Where;
        var whereSpan = new TextSpan(restStart, where.Length);
        if (where.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!ulong.TryParse(where[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address) || where.Length == 2)
            {
                diagnostics.Report(Messages.WatchpointWhere, whereSpan, where);
                return null;
            }
            string? why = address == 0 ? "it is 0"
                : target.WordSize == 4 && address > uint.MaxValue ? $"{target.Name} addresses are 32 bits"
                : length != 0 && address % (ulong)length != 0 ? $"it is not a multiple of the length {length}"
                : null;
            if (why is not null)
            {
                diagnostics.Report(Messages.WatchpointAddress, whereSpan, where, why);
                return null;
            }
        }
        else if (!SymbolName().IsMatch(where))
        {
            diagnostics.Report(Messages.WatchpointWhere, whereSpan, where);
            return null;
        }
        if (!ok) return null;
        return new BoundEvent(EventKind.Watchpoint, text, $"{length}:{parts.Access}", filter, address, Array.Empty<FetchArgModel>());
    }
}
