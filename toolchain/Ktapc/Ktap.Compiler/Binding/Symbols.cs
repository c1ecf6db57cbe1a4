using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Binding;

/// <summary>What a name refers to, decided by the binder.</summary>
public abstract class Symbol(string name)
{
    public string Name { get; } = name;
}

/// <summary>A local variable or parameter: lives in a register of its function.</summary>
public sealed class LocalSymbol(string name, FunctionInfo owner, TextSpan declaration) : Symbol(name)
{
    public FunctionInfo Owner { get; } = owner;
    public TextSpan Declaration { get; } = declaration;
    public bool IsRead { get; set; }
    /// <summary>A nested function uses it: it lives in an upvalue cell, shared by reference.</summary>
    public bool IsCaptured { get; set; }
}

/// <summary>A global slot: names never declared local, and the main chunk's top-level locals.</summary>
public sealed class GlobalSymbol(string name, int slot) : Symbol(name)
{
    public int Slot { get; } = slot;
}

/// <summary>A built-in function of ktap_builtins.def.</summary>
public sealed class BuiltinSymbol(BuiltinInfo info) : Symbol(info.Name)
{
    public BuiltinInfo Info { get; } = info;
}

public enum HandlerKind { None, Trace, TraceEnd, Tick, Profile }

/// <summary>Per-function facts the binder gathers and code generation uses.</summary>
public sealed class FunctionInfo(FunctionBody syntax, FunctionInfo? parent, int index, HandlerKind handler)
{
    public FunctionBody Syntax { get; } = syntax;
    public FunctionInfo? Parent { get; } = parent;
    /// <summary>Index in the bundle's function table.</summary>
    public int Index { get; } = index;
    public HandlerKind Handler { get; } = handler;
    public bool IsMain => Parent == null;
    /// <summary>The `trace` handler this function is (lexically) inside, if any: where event data is valid.</summary>
    public FunctionInfo? TraceHandler => Handler == HandlerKind.Trace ? this : Handler != HandlerKind.None ? null : Parent?.TraceHandler;
    /// <summary>The events this handler serves (handlers only).</summary>
    public List<BoundEvent> Events { get; } = new();
    /// <summary>Locals of enclosing functions this function uses, directly or for a function
    /// nested in it, in the order of first use: upvalue i of its closures.</summary>
    public List<LocalSymbol> Upvalues { get; } = new();
    /// <summary>The index of an enclosing function's local among the upvalues, or -1.</summary>
    public int UpvalueIndex(LocalSymbol local) => Upvalues.IndexOf(local);
}

/// <summary>One event definition of a handler, resolved for the target.</summary>
public sealed record BoundEvent(
    EventKind Kind,
    string Spec,
    string? Target,
    string? Filter,
    ulong Value,
    IReadOnlyList<FetchArgModel> FetchArgs)
{
    /// <summary>Field names known at compile time (probes: their fetch-args), or null when unknown (tracepoints).</summary>
    public IReadOnlyList<string>? KnownFields =>
        Kind is EventKind.Kprobe or EventKind.Kretprobe or EventKind.Uprobe or EventKind.Uretprobe
            or EventKind.Software or EventKind.Hardware or EventKind.Watchpoint // perf counters and watchpoints have no fields
            ? FetchArgs.Select(f => f.Name).ToList() : null;
}

/// <summary>The script's global slots, numbered in order of first appearance.</summary>
public sealed class GlobalTable
{
    private readonly Dictionary<string, GlobalSymbol> _byName = new(StringComparer.Ordinal);
    public List<GlobalSymbol> Slots { get; } = new();

    public GlobalSymbol GetOrAdd(string name)
    {
        if (_byName.TryGetValue(name, out var g)) return g;
        g = new GlobalSymbol(name, Slots.Count);
        _byName.Add(name, g);
        Slots.Add(g);
        return g;
    }
}
