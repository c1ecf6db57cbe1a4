using Ktap.Bundle;
using Ktap.Catalog;
using Ktap.Output;

namespace Ktap.Tool.Linking;

/// <summary>
/// Links `probe:/path:GLOB` (uprobe or uretprobe): one event per function of the file whose
/// name matches, valued with its file offset and spelt with its name (the module gives that
/// name as argname). Functions that share an address (aliases) are one event, named by the
/// shortest matching name, so a call fires the handler once.
/// </summary>
public static class UprobeGlob
{
    /// <summary>One definition may match at most this many functions: the module's own cap on
    /// one tracepoint glob (KT_TP_MAX_MATCHES, kernel/tracepoint.c).</summary>
    public const int MaxFunctions = 2048;

    public static bool IsGlob(string symbol) => symbol.IndexOfAny(['*', '?']) >= 0;

    /// <summary>Patches model.Events[index] (and appends); returns the problems found.</summary>
    public static IReadOnlyList<string> Link(BundleModel model, int index, string glob, ElfSymbols elf)
    {
        var e = model.Events[index];
        var path = e.Target!;
        var matched = elf.Symbols.Where(s => Glob.Matches(glob, s.Name))
            .GroupBy(s => s.FileOffset)
            .Select(g => g.OrderBy(s => s.Name.Length).ThenBy(s => s.Name, StringComparer.Ordinal).First())
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        if (matched.Count == 0)
        {
            var names = elf.Symbols.Select(s => s.Name).Distinct(StringComparer.Ordinal);
            var why = elf.Symbols.Count == 0 ? " (it has no function symbols: stripped, and no .dynsym)" : TerminalText.Quote(Suggest.DidYouMean(glob, names));
            return [$"{e.Spec}: no function of {path} matches '{glob}'{why} (ktap list probe:{path}:{glob})"];
        }
        if (matched.Count > MaxFunctions)
            return [EventExpansion.TooMany(e.Spec, glob, matched.Count, "functions", path, MaxFunctions)];
        for (var k = 0; k < matched.Count; k++)
            EventExpansion.Place(model, index, k, e with { Spec = EventExpansion.Respell(e.Spec, path, matched[k].Name), Value = matched[k].FileOffset });
        return [];
    }
}
