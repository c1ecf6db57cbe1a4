using Ktap.Text;

namespace Ktap.Syntax;

public abstract class Stmt : Node
{
    protected Stmt(TextSpan span) : base(span) { }
}

public sealed class Block(TextSpan span, IReadOnlyList<Stmt> statements) : Node(span)
{
    public IReadOnlyList<Stmt> Statements { get; } = statements;
}

public sealed class Param(string name, TextSpan span)
{
    public string Name { get; } = name;
    public TextSpan Span { get; } = span;
}

/// <summary>A function's parameters and body: a named or anonymous function, a handler or the main chunk.</summary>
public sealed class FunctionBody(TextSpan span, string? name, IReadOnlyList<Param> parameters, bool isVararg, Block body)
{
    public TextSpan Span { get; } = span;
    public string? Name { get; } = name;
    public IReadOnlyList<Param> Parameters { get; } = parameters;
    public bool IsVararg { get; } = isVararg;
    public Block Body { get; } = body;
}

public sealed class AssignStmt(TextSpan span, IReadOnlyList<Expr> targets, IReadOnlyList<Expr> values) : Stmt(span)
{
    public IReadOnlyList<Expr> Targets { get; } = targets;
    public IReadOnlyList<Expr> Values { get; } = values;
}

public enum CompoundOp { Add, Aggregate }

/// <summary>`var += exp` or `var &lt;&lt;&lt; exp`.</summary>
public sealed class CompoundAssignStmt(TextSpan span, CompoundOp op, Expr target, Expr value, TextSpan opSpan) : Stmt(span)
{
    public CompoundOp Op { get; } = op;
    public Expr Target { get; } = target;
    public Expr Value { get; } = value;
    public TextSpan OpSpan { get; } = opSpan;
}

public sealed class CallStmt(TextSpan span, Expr call) : Stmt(span) { public Expr Call { get; } = call; }

public sealed class IfStmt(TextSpan span, IReadOnlyList<(Expr Condition, Block Body)> branches, Block? elseBody) : Stmt(span)
{
    public IReadOnlyList<(Expr Condition, Block Body)> Branches { get; } = branches;
    public Block? ElseBody { get; } = elseBody;
}

public sealed class WhileStmt(TextSpan span, Expr condition, Block body) : Stmt(span)
{
    public Expr Condition { get; } = condition;
    public Block Body { get; } = body;
}

public sealed class RepeatStmt(TextSpan span, Block body, Expr condition) : Stmt(span)
{
    public Block Body { get; } = body;
    public Expr Condition { get; } = condition;
}

public sealed class NumericForStmt(TextSpan span, Param variable, Expr start, Expr limit, Expr? step, Block body) : Stmt(span)
{
    public Param Variable { get; } = variable;
    public Expr Start { get; } = start;
    public Expr Limit { get; } = limit;
    public Expr? Step { get; } = step;
    public Block Body { get; } = body;
}

public sealed class GenericForStmt(TextSpan span, IReadOnlyList<Param> variables, IReadOnlyList<Expr> values, Block body) : Stmt(span)
{
    public IReadOnlyList<Param> Variables { get; } = variables;
    public IReadOnlyList<Expr> Values { get; } = values;
    public Block Body { get; } = body;
}

/// <summary>`function Name(...) {}`: assigns a global (or a visible local of that name).</summary>
public sealed class FunctionStmt(TextSpan span, NameExpr name, FunctionBody function) : Stmt(span)
{
    public NameExpr Name { get; } = name;
    public FunctionBody Function { get; } = function;
}

public sealed class LocalFunctionStmt(TextSpan span, Param name, FunctionBody function) : Stmt(span)
{
    public Param Name { get; } = name;
    public FunctionBody Function { get; } = function;
}

public sealed class LocalStmt(TextSpan span, IReadOnlyList<Param> names, IReadOnlyList<Expr> values) : Stmt(span)
{
    public IReadOnlyList<Param> Names { get; } = names;
    public IReadOnlyList<Expr> Values { get; } = values;
}

public sealed class ReturnStmt(TextSpan span, IReadOnlyList<Expr> values) : Stmt(span) { public IReadOnlyList<Expr> Values { get; } = values; }
public sealed class BreakStmt(TextSpan span) : Stmt(span);

public sealed class GotoStmt(TextSpan span, string label, TextSpan labelSpan) : Stmt(span)
{
    public string Label { get; } = label;
    public TextSpan LabelSpan { get; } = labelSpan;
}

public sealed class LabelStmt(TextSpan span, string name) : Stmt(span) { public string Name { get; } = name; }

/// <summary>`trace EVENTDEF [/FILTER/] { }`: the raw texts are resolved by the binder.</summary>
public sealed class TraceStmt(TextSpan span, Token events, Token? filter, FunctionBody handler) : Stmt(span)
{
    public Token Events { get; } = events;
    public Token? Filter { get; } = filter;
    public FunctionBody Handler { get; } = handler;
}

public sealed class TraceEndStmt(TextSpan span, FunctionBody handler) : Stmt(span) { public FunctionBody Handler { get; } = handler; }

public sealed class TimerStmt(TextSpan span, bool isProfile, Token interval, FunctionBody handler) : Stmt(span)
{
    public bool IsProfile { get; } = isProfile;
    public Token Interval { get; } = interval;
    public FunctionBody Handler { get; } = handler;
}

/// <summary>The whole script: the main chunk's body.</summary>
public sealed class ScriptSyntax(FunctionBody main)
{
    public FunctionBody Main { get; } = main;
}
