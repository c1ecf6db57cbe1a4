using Ktap.Syntax;

namespace Ktap.Binding;

/// <summary>The binder's result: the syntax tree (unchanged), what the binder decided about
/// its nodes (<see cref="Table"/>), every function and the global slots.</summary>
public sealed class BoundScript(ScriptSyntax syntax, IReadOnlyList<FunctionInfo> functions, GlobalTable globals, BindingTable table)
{
    public ScriptSyntax Syntax { get; } = syntax;
    public BindingTable Table { get; } = table;
    /// <summary>By function index; [0] is the main chunk.</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; } = functions;
    public GlobalTable Globals { get; } = globals;
}
