using Ktap.Bundle;
using Ktap.Catalog;
using Ktap.Output;
using Ktap.Tool.Symbols;

namespace Ktap.Tool.Linking;

/// <summary>
/// Resolves a bundle's kernel symbol literals (`vfs_read`) against the board's kallsyms:
/// each KSYMS relocation's constant gets the symbol's address and the relocations are
/// dropped, so the bundle written after linking is format 1 again (docs/bundle-format.md).
/// </summary>
public static class KernelSymbolLinker
{
    /// <summary>Patches <paramref name="model"/>; returns the problems found (nothing is patched then).</summary>
    public static IReadOnlyList<string> Link(BundleModel model, KernelSymbols kallsyms, string boardName)
    {
        var errors = new List<string>();
        var addresses = new List<(int Constant, ulong Address)>();
        foreach (var (constant, name) in model.KernelSymbols)
        {
            var found = kallsyms.Addresses(name);
            if (found.Count == 1)
            {
                addresses.Add((constant, found[0]));
                continue;
            }
            errors.Add(found.Count == 0
                ? $"`{name}`: no kernel function '{name}' on {boardName}{TerminalText.Quote(Suggest.DidYouMean(name, kallsyms.Names))} (a symbol literal names a text symbol of /proc/kallsyms)"
                : $"`{name}`: {found.Count} kernel functions are named '{name}' on {boardName} (at {string.Join(", ", found.Take(4).Select(a => $"0x{a:x}"))}{(found.Count > 4 ? ", ..." : "")}): a symbol literal must name one");
        }
        if (errors.Count > 0) return errors;
        // Addresses are unsigned; script numbers are i64 with the same bits (0xffffffff81... is negative).
        foreach (var (constant, address) in addresses) model.Constants[constant] = Constant.Number(unchecked((long)Word(model, address)));
        model.KernelSymbols.Clear();
        return errors;
    }

    // A 32-bit board's kallsyms addresses fit in 32 bits; the number is that address, as
    // kprobe's arg1 on the same board gives it (zero-extended).
    private static ulong Word(BundleModel model, ulong address) => model.Target.WordSize == 4 ? address & 0xFFFFFFFF : address;
}
