using Ktap.Syntax;

namespace Ktap.Binding;

/// <summary>The binder's result: the annotated tree, every function and the global slots.</summary>
public sealed class BoundScript(ScriptSyntax syntax, IReadOnlyList<FunctionInfo> functions, GlobalTable globals)
{
    public ScriptSyntax Syntax { get; } = syntax;
    /// <summary>By function index; [0] is the main chunk.</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; } = functions;
    public GlobalTable Globals { get; } = globals;
}
