using Ktap.Binding.Events;
using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Binding;

/// <summary>
/// Resolves names and checks the rules that need more than syntax (language.md §2-§5):
/// locals vs globals vs built-ins, library members, arity, break/goto, `&lt;&lt;&lt;`, event
/// data outside trace handlers, captured locals (closures), unused locals, and the event definitions
/// against the target. It annotates the tree for code generation.
/// </summary>
public sealed partial class Binder
{
    private readonly DiagnosticBag _diagnostics;
    private readonly EventDefinitionBinder _events;
    private readonly GlobalTable _globals = new();
    private readonly BindingTable _table = new();
    private readonly List<FunctionInfo> _functions = new();

    // Names not declared local: decided after the whole script is seen (a global if the
    // script assigns it anywhere, else a built-in if there is one, else a nil global).
    private readonly List<(NameExpr Name, FunctionInfo Function, bool IsCallee)> _freeNames = new();
    private readonly HashSet<string> _assignedGlobals = new(StringComparer.Ordinal);
    private readonly List<(MemberExpr Member, FunctionInfo Function, bool IsCallee)> _freeMembers = new();
    private readonly List<(CallExpr Call, FunctionInfo Function)> _calls = new();
    // Values assigned to each variable, for the compile-time "<<< needs a ptable" check.
    private readonly Dictionary<object, List<Expr>> _assignments = new();
    private readonly List<(Expr Object, TextSpan OpSpan)> _aggregateTargets = new();

    private Scope _scope = null!;
    private FunctionInfo _function = null!;
    private int _loopDepth;
    private List<HashSet<string>> _labelScopes = new();
    private HashSet<string> _functionLabels = new(StringComparer.Ordinal);

    private Binder(TargetProfile target, DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        _events = new EventDefinitionBinder(target, diagnostics);
    }

    public static BoundScript Bind(ScriptSyntax script, TargetProfile target, DiagnosticBag diagnostics)
    {
        var binder = new Binder(target, diagnostics);
        var main = binder.NewFunction(script.Main, null, HandlerKind.None);
        binder.BindFunction(main);
        binder.ResolveFreeNames();
        binder.CheckCalls();
        binder.CheckAggregates();
        return new BoundScript(script, binder._functions, binder._globals, binder._table);
    }

    private FunctionInfo NewFunction(FunctionBody body, FunctionInfo? parent, HandlerKind handler)
    {
        var info = new FunctionInfo(body, parent, _functions.Count, handler);
        _functions.Add(info);
        _table.BindFunction(body, info);
        return info;
    }

    private void BindFunction(FunctionInfo info)
    {
        var (savedScope, savedFunction, savedLoops) = (_scope, _function, _loopDepth);
        var (savedLabelScopes, savedLabels) = (_labelScopes, _functionLabels);
        _function = info;
        _loopDepth = 0;
        _labelScopes = new();
        _functionLabels = new(StringComparer.Ordinal);
        _scope = new Scope(info.IsMain ? null : savedScope, info);
        foreach (var p in info.Syntax.Parameters)
        {
            var local = new LocalSymbol(p.Name, info, p.Span);
            _table.Declare(p, local);
            _scope.Declare(local);
        }
        BindBlock(info.Syntax.Body, newScope: false);
        EndScope();
        (_scope, _function, _loopDepth) = (savedScope, savedFunction, savedLoops);
        (_labelScopes, _functionLabels) = (savedLabelScopes, savedLabels);
    }

    private void EndScope()
    {
        foreach (var local in _scope.Checked)
            if (!local.IsRead && !local.Name.StartsWith('_'))
                _diagnostics.Report(Messages.UnusedLocal, local.Declaration, local.Name);
    }

    private void BindBlock(Block block, bool newScope = true)
    {
        if (newScope) _scope = new Scope(_scope, _function);
        // Labels of this block are visible to gotos anywhere inside it, before or after them.
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in block.Statements)
            if (s is LabelStmt l)
            {
                if (!_functionLabels.Add(l.Name)) _diagnostics.Report(Messages.DuplicateLabel, l.Span, l.Name);
                labels.Add(l.Name);
            }
        _labelScopes.Add(labels);
        foreach (var s in block.Statements) BindStatement(s);
        _labelScopes.RemoveAt(_labelScopes.Count - 1);
        if (newScope)
        {
            EndScope();
            _scope = _scope.Parent!;
        }
    }

    /// <summary>True in the main chunk's outermost scope, where locals become global slots.</summary>
    private bool AtTopLevel => _function.IsMain && _scope.Parent == null;

    private Symbol DeclareLocal(Param p, bool checkUse)
    {
        if (AtTopLevel)
        {
            var g = _globals.GetOrAdd(p.Name);
            _assignedGlobals.Add(p.Name);
            _scope.Declare(g);
            return g;
        }
        var local = new LocalSymbol(p.Name, _function, p.Span);
        _table.Declare(p, local);
        _scope.Declare(local);
        if (checkUse) _scope.Checked.Add(local);
        return local;
    }

    private Symbol? LookupLocal(string name, TextSpan span)
    {
        for (var s = _scope; s != null; s = s.Parent)
        {
            var sym = s.LookupHere(name);
            if (sym == null) continue;
            if (sym is LocalSymbol local && local.Owner != _function) Capture(local);
            return sym;
        }
        return null;
    }

    /// <summary>
    /// A local of an enclosing function used here: it becomes a cell (boxed where it is
    /// declared), and every function from this one out to (not including) its owner carries
    /// it as an upvalue, so each closure can hand the cell to the closures it makes.
    /// </summary>
    private void Capture(LocalSymbol local)
    {
        local.IsCaptured = true;
        for (var f = _function; f != null && f != local.Owner; f = f.Parent)
        {
            if (f.Upvalues.Contains(local)) break; // its parents have it already
            f.Upvalues.Add(local);
        }
    }

    private void RecordAssignment(object variable, Expr? value)
    {
        if (value == null) return;
        if (!_assignments.TryGetValue(variable, out var list)) _assignments[variable] = list = new();
        list.Add(value);
    }
}
