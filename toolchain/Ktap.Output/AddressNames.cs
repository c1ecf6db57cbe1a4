using Ktap.Bytecode;

namespace Ktap.Output;

/// <summary>
/// Names a kernel address as "symbol+0xoff", or null when the address is not in the table's
/// text. The host builds one from the board's /proc/kallsyms (ktap run); without one (ktap
/// replay, a board that gave no table) addresses print as the board named them, else in hex.
/// </summary>
public interface IAddressNames
{
    string? Name(ulong address);
}

/// <summary>
/// Applies an address table to a decoded record before it is printed: every stack frame is
/// named from the table (the kernel sends addresses only), and a histogram key that is a
/// number inside the kernel's text is shown as its symbol (language.md §5: "keys that are
/// kernel addresses shown as symbols"). Everything else is left as it came.
/// </summary>
public static class AddressNaming
{
    public static Record Apply(Record r, IAddressNames? names, IAddressNames? userNames = null)
    {
        if (names is null && userNames is null) return r;
        return r switch
        {
            PrintRecord p => p with { Values = p.Values.Select(v => Stack(v, names, userNames)).ToList() },
            PrintfRecord p => p with { Values = p.Values.Select(v => Stack(v, names, userNames)).ToList() },
            DynamicPrintfRecord d => d with { Values = d.Values.Select(v => Stack(v, names, userNames)).ToList() },
            BacktraceRecord b => b with { Stack = Stack(b.Stack, names, userNames) },
            HistogramRecord h => h with { Rows = h.Rows.Select(row => (Key(row.Key, names, userNames), row.Count)).ToList() },
            _ => r,
        };
    }

    /// <summary>True when the bundle calls a built-in whose output carries kernel addresses (so a table is worth fetching).</summary>
    public static bool BundleNeedsNames(Ktap.Bundle.BundleModel model)
    {
        var wanted = BuiltinTable.All.Where(b => b.Name is "backtrace" or "print_backtrace" or "histogram")
            .Select(b => b.Id).ToHashSet();
        return model.Functions.Any(f => f.Code.Any(i => Instruction.Op(i) == Opcode.LOADBUILTIN && wanted.Contains(Instruction.Bx(i))));
    }

    /// <summary>True when the bundle calls ustack or print_ustack (user names are worth reading ELF files for).</summary>
    public static bool BundleNeedsUserNames(Ktap.Bundle.BundleModel model)
    {
        var wanted = BuiltinTable.All.Where(b => b.Name is "ustack" or "print_ustack").Select(b => b.Id).ToHashSet();
        return model.Functions.Any(f => f.Code.Any(i => Instruction.Op(i) == Opcode.LOADBUILTIN && wanted.Contains(Instruction.Bx(i))));
    }

    // A kernel stack is named from kallsyms, a user stack only from the user names: a user
    // address never gets a kernel symbol (nor the other way round).
    private static RecordValue Stack(RecordValue v, IAddressNames? names, IAddressNames? userNames)
    {
        var table = v.Tag switch { ValueTag.Stack => names, ValueTag.UserStack => userNames, _ => null };
        if (table is null || v.Frames is null) return v;
        return v with { Frames = v.Frames.Select(f => table.Name(f.Address) is { } n ? f with { Symbol = n } : f).ToList() };
    }

    private static RecordValue Key(RecordValue v, IAddressNames? names, IAddressNames? userNames) =>
        v.Tag == ValueTag.Number && names is not null && names.Name((ulong)v.Number) is { } n ? RecordValue.Str(n) : Stack(v, names, userNames);
}
