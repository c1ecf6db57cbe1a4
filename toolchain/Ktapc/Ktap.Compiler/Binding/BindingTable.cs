using Ktap.Syntax;

namespace Ktap.Binding;

/// <summary>
/// What the binder decided about syntax nodes, kept beside the tree instead of written into
/// it: the syntax tree stays immutable (a parse can be bound twice, or by another binder),
/// and the emitter reads the binding from here. Keyed by node identity.
/// </summary>
public sealed class BindingTable
{
    private readonly Dictionary<NameExpr, Symbol> _names = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Param, LocalSymbol> _locals = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MemberExpr, BuiltinSymbol> _libraryMembers = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<MemberExpr> _eventFields = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<FunctionBody, FunctionInfo> _functions = new(ReferenceEqualityComparer.Instance);

    /// <summary>The local, global or built-in a name refers to; null when it was not bound.</summary>
    public Symbol? SymbolOf(NameExpr name) => _names.GetValueOrDefault(name);

    /// <summary>The local a parameter, loop variable or `local` name declares; null for a
    /// top-level `local` of the main chunk, which is a global slot.</summary>
    public LocalSymbol? LocalOf(Param declaration) => _locals.GetValueOrDefault(declaration);

    /// <summary>The built-in of `lib.member` (ansi, timer, ...); null for other member accesses.</summary>
    public BuiltinSymbol? BuiltinOf(MemberExpr member) => _libraryMembers.GetValueOrDefault(member);

    /// <summary>True for `args.NAME`: a field of the current event, read by name.</summary>
    public bool IsEventField(MemberExpr member) => _eventFields.Contains(member);

    /// <summary>The function a body (main chunk, handler, named or anonymous function) became.</summary>
    public FunctionInfo FunctionOf(FunctionBody body) =>
        _functions.TryGetValue(body, out var f) ? f : throw new InvalidOperationException($"function body at {body.Span} was not bound");

    internal void Bind(NameExpr name, Symbol symbol) => _names[name] = symbol;
    internal void Declare(Param declaration, LocalSymbol local) => _locals[declaration] = local;
    internal void Undeclare(Param declaration) => _locals.Remove(declaration);
    internal void BindLibraryMember(MemberExpr member, BuiltinSymbol builtin) => _libraryMembers[member] = builtin;
    internal void MarkEventField(MemberExpr member) => _eventFields.Add(member);
    internal void BindFunction(FunctionBody body, FunctionInfo info) => _functions[body] = info;
}
