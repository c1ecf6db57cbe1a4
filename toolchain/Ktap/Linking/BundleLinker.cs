using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Catalog;
using Ktap.Tool.Symbols;

namespace Ktap.Tool.Linking;

/// <summary>
/// The host-side link step against one board: tracepoint names and globs and the
/// `args.NAME` fields of their handlers are checked against the board's event catalog
/// (<see cref="EventCheck"/>, shared with Ktap.Targets), hardware perf events against its
/// PMU (<see cref="PmuCheck"/>), watchpoints against its breakpoints and data symbols
/// (<see cref="WatchpointLink"/>), uprobe symbols (globs: <see cref="UprobeGlob"/>) and USDT markers are resolved to ELF file offsets (EVENTS value) from the board's files,
/// kernel symbol literals to addresses from its kallsyms (<see cref="KernelSymbolLinker"/>).
/// </summary>
public sealed class BundleLinker
{
    private readonly EventCatalog _catalog;
    private readonly Func<string, ElfSymbols> _readElf;
    private readonly Dictionary<string, ElfSymbols> _elfCache = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string>? _perfDevices;
    private readonly Func<KernelSymbols>? _kallsyms;
    private readonly Func<KernelSymbols>? _dataSymbols;

    /// <param name="perfDevices">The board's perf devices (CatalogStore.PerfDevices); null when the script has no hardware events or watchpoints.</param>
    /// <param name="kallsyms">The board's kernel symbols, asked for only when the bundle has symbol literals.</param>
    /// <param name="dataSymbols">Reads the board's kallsyms data symbols (KernelSymbolStore.LoadData); null when the script has no watchpoints.</param>
    public BundleLinker(EventCatalog catalog, Func<string, ElfSymbols> readElf, IReadOnlyList<string>? perfDevices = null,
        Func<KernelSymbols>? kallsyms = null, Func<KernelSymbols>? dataSymbols = null)
    {
        _catalog = catalog;
        _readElf = readElf;
        _perfDevices = perfDevices;
        _kallsyms = kallsyms;
        _dataSymbols = dataSymbols;
    }

    /// <summary>The sdt events of the last <see cref="Link"/> whose marker has a semaphore, with
    /// its file offset: the module is told them before the bundle ("sdt-sem", docs/kernel-module.md).</summary>
    public IReadOnlyList<(int Event, ulong Offset)> Semaphores { get; private set; } = [];

    /// <summary>Hints of the last <see cref="Link"/> that do not stop the run (KTAP3022).</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>Checks and patches <paramref name="model"/>; returns every problem found (empty: linked).</summary>
    public IReadOnlyList<string> Link(BundleModel model, string boardName)
    {
        var errors = new List<string>();
        for (var i = 0; i < model.Events.Count; i++)
        {
            var e = model.Events[i];
            if (e.Kind is not (EventKind.Uprobe or EventKind.Uretprobe) || e.Value != 0 || e.Target is not { } path) continue;
            var symbol = UprobeSymbol(e.Spec, path);
            if (symbol is null) continue;
            try
            {
                if (UprobeGlob.IsGlob(symbol)) errors.AddRange(UprobeGlob.Link(model, i, symbol, Elf(path)));
                else model.Events[i] = e with { Value = Elf(path).Find(symbol).FileOffset };
            }
            catch (ElfException x)
            {
                errors.Add($"{e.Spec}: {x.Message}");
            }
        }
        var semaphores = new List<(int Event, ulong Offset)>();
        for (int i = 0, count = model.Events.Count; i < count; i++)
        {
            var e = model.Events[i];
            if (e.Kind != EventKind.Sdt || e.Value != 0 || e.Target is not { } path) continue;
            try
            {
                errors.AddRange(SdtLinker.Link(model, i, Elf(path), semaphores));
            }
            catch (ElfException x)
            {
                errors.Add($"{e.Spec}: {x.Message}");
            }
        }
        Semaphores = semaphores;
        if (model.KernelSymbols.Count > 0) errors.AddRange(LinkKernelSymbols(model, boardName));
        if (_perfDevices is not null) errors.AddRange(PmuCheck.Check(model, _perfDevices, boardName));
        if (model.Events.Any(e => e.Kind == EventKind.Watchpoint))
            errors.AddRange(WatchpointLink.Link(model, _perfDevices ?? [],
                _dataSymbols ?? (() => throw new KallsymsException("no kallsyms reader was given")), boardName));
        var warnings = new List<string>();
        foreach (var p in EventCheck.Check(model, _catalog))
            (p.IsWarning ? warnings : errors).Add(Describe(p, boardName));
        Warnings = warnings;
        return errors;
    }

    private static string Describe(EventProblem p, string boardName) => p.Kind switch
    {
        EventProblemKind.UnknownTracepoint =>
            $"{p.Subject}: no such tracepoint on {boardName}{p.DidYouMean} (ktap list --board {boardName} to see them)",
        EventProblemKind.UnknownField =>
            $"args.{p.Subject}: {p.Events} on {boardName} has no field '{p.Subject}'{p.DidYouMean} (ktap list --fields --board {boardName} {p.Events})",
        EventProblemKind.UnknownFilterField =>
            $"/{p.Subject} .../: {p.Events} on {boardName} has no field '{p.Subject}'{p.DidYouMean}; the filter would match nothing (ktap list --fields --board {boardName} {p.Events})",
        EventProblemKind.FilterStringOnPointer => Messages.FilterStringOnPointer.Render([p.Subject, p.Events, p.Detail]),
        EventProblemKind.FilterValueType => Messages.FilterValueType.Render([p.Subject, p.Events, p.Detail,
            FieldKinds.Of(p.Detail ?? "") == FieldValueKind.String ? "a number" : "a string"]),
        _ => Messages.UserStringAtSyscallEntry.Render([p.Events]),
    };

    private IReadOnlyList<string> LinkKernelSymbols(BundleModel model, string boardName)
    {
        if (_kallsyms is null) return [$"the script's kernel symbol literals need {boardName}'s /proc/kallsyms, which this link step was not given"];
        try
        {
            return KernelSymbolLinker.Link(model, _kallsyms(), boardName);
        }
        catch (KallsymsException x)
        {
            return [$"kernel symbol literals cannot be resolved: {x.Message}"];
        }
    }

    private ElfSymbols Elf(string path)
    {
        if (!_elfCache.TryGetValue(path, out var elf)) _elfCache[path] = elf = _readElf(path);
        return elf;
    }

    /// <summary>"probe:/bin/app:main%return $arg1" → main (null when the spec names an offset).</summary>
    public static string? UprobeSymbol(string spec, string path)
    {
        var at = spec.IndexOf(path + ":", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = spec[(at + path.Length + 1)..];
        var end = rest.IndexOfAny([' ', '\t', '/']);
        var symbol = end < 0 ? rest : rest[..end];
        if (symbol.EndsWith("%return", StringComparison.Ordinal)) symbol = symbol[..^"%return".Length];
        if (symbol.Length == 0 || char.IsAsciiDigit(symbol[0])) return null;
        return symbol;
    }
}
