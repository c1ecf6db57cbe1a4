namespace Ktap.Binding;

/// <summary>A lexical scope: names declared in one block (or a function's parameters).</summary>
internal sealed class Scope(Scope? parent, FunctionInfo function)
{
    private Dictionary<string, Symbol>? _symbols;
    public Scope? Parent { get; } = parent;
    public FunctionInfo Function { get; } = function;
    public List<LocalSymbol> Locals { get; } = new();
    /// <summary>Locals declared with local/var (not parameters or loop variables): checked for use.</summary>
    public List<LocalSymbol> Checked { get; } = new();

    public void Declare(Symbol symbol)
    {
        (_symbols ??= new(StringComparer.Ordinal))[symbol.Name] = symbol;
        if (symbol is LocalSymbol l) Locals.Add(l);
    }

    public Symbol? LookupHere(string name) => _symbols != null && _symbols.TryGetValue(name, out var s) ? s : null;
}
