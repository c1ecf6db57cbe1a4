using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Tool.Boards;

namespace Ktap.Tool.Linking;

/// <summary>
/// The host-side link step against one board: tracepoint names and globs and the
/// `args.NAME` fields of their handlers are checked against the board's event catalog, and
/// uprobe symbols are resolved to ELF file offsets (EVENTS value) from the board's files.
/// </summary>
public sealed class BundleLinker
{
    private readonly EventCatalog _catalog;
    private readonly Func<string, ElfSymbols> _readElf;
    private readonly Dictionary<string, ElfSymbols> _elfCache = new(StringComparer.Ordinal);

    public BundleLinker(EventCatalog catalog, Func<string, ElfSymbols> readElf)
    {
        _catalog = catalog;
        _readElf = readElf;
    }

    /// <summary>Checks and patches <paramref name="model"/>; returns every problem found (empty: linked).</summary>
    public IReadOnlyList<string> Link(BundleModel model, string boardName)
    {
        var errors = new List<string>();
        var fieldsByHandler = new Dictionary<int, HashSet<string>?>();
        for (var i = 0; i < model.Events.Count; i++)
        {
            var e = model.Events[i];
            switch (e.Kind)
            {
                case EventKind.Tracepoint:
                {
                    var pattern = e.Target ?? e.Spec;
                    var matched = _catalog.Match(pattern);
                    if (matched.Count == 0)
                    {
                        errors.Add($"{pattern}: no such tracepoint on {boardName}{Suggest.DidYouMean(pattern, _catalog.Events.Keys)} (ktap list --board {boardName} to see them)");
                        fieldsByHandler[e.Handler] = null; // do not also report its fields
                        break;
                    }
                    var fields = matched.SelectMany(m => _catalog.Events[m]).Select(f => f.Name);
                    if (!fieldsByHandler.TryGetValue(e.Handler, out var set))
                        fieldsByHandler[e.Handler] = new HashSet<string>(fields, StringComparer.Ordinal);
                    else
                        set?.UnionWith(fields);
                    break;
                }
                case EventKind.Kprobe or EventKind.Kretprobe or EventKind.FtraceFunction:
                    fieldsByHandler[e.Handler] = null; // fields are fetch-args, checked by the compiler
                    break;
                case EventKind.Uprobe or EventKind.Uretprobe:
                    fieldsByHandler[e.Handler] = null;
                    if (e.Value == 0 && e.Target is { } path)
                    {
                        var symbol = UprobeSymbol(e.Spec, path);
                        if (symbol is null) break;
                        try
                        {
                            var elf = Elf(path);
                            model.Events[i] = e with { Value = elf.Find(symbol).FileOffset };
                        }
                        catch (ElfException x)
                        {
                            errors.Add($"{e.Spec}: {x.Message}");
                        }
                    }
                    break;
                default:
                    fieldsByHandler[e.Handler] = null;
                    break;
            }
        }
        foreach (var (handler, fields) in fieldsByHandler)
        {
            if (fields is null || handler < 0 || handler >= model.Functions.Count) continue;
            foreach (var name in FieldsUsed(model, model.Functions[handler]))
                if (!fields.Contains(name))
                {
                    var events = string.Join(", ", model.Events.Where(e => e.Handler == handler).Select(e => e.Target ?? e.Spec));
                    errors.Add($"args.{name}: {events} on {boardName} has no field '{name}'{Suggest.DidYouMean(name, fields)} (ktap list --fields --board {boardName} {events})");
                }
        }
        return errors;
    }

    private ElfSymbols Elf(string path)
    {
        if (!_elfCache.TryGetValue(path, out var elf)) _elfCache[path] = elf = _readElf(path);
        return elf;
    }

    /// <summary>The names of `args.NAME` reads (EVFIELD) in a handler's code.</summary>
    public static IEnumerable<string> FieldsUsed(BundleModel model, FunctionModel function) =>
        function.Code.Where(i => Instruction.Op(i) == Opcode.EVFIELD)
            .Select(i => model.Strings.GetText(Instruction.Bx(i))).Distinct(StringComparer.Ordinal);

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
