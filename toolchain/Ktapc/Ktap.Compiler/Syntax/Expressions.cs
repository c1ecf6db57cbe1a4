using Ktap.Text;

namespace Ktap.Syntax;

// The syntax tree of expressions. Nodes are plain classes with the span they cover;
// the binder fills in the few fields marked "set by the binder".

public abstract class Node
{
    protected Node(TextSpan span) => Span = span;
    public TextSpan Span { get; }
}

public abstract class Expr : Node
{
    protected Expr(TextSpan span) : base(span) { }
}

public sealed class NilExpr(TextSpan span) : Expr(span);
public sealed class BoolExpr(TextSpan span, bool value) : Expr(span) { public bool Value { get; } = value; }
public sealed class NumberExpr(TextSpan span, long value) : Expr(span) { public long Value { get; } = value; }
public sealed class StringExpr(TextSpan span, byte[] value) : Expr(span) { public byte[] Value { get; } = value; }
/// <summary>`name`: a kernel symbol's address, resolved when linking for a board.</summary>
public sealed class SymbolExpr(TextSpan span, string name) : Expr(span) { public string Name { get; } = name; }
public sealed class VarargExpr(TextSpan span) : Expr(span);
/// <summary>Stands where an expression was missing or unreadable; the parser has reported it.</summary>
public sealed class ErrorExpr(TextSpan span) : Expr(span);

public sealed class FunctionExpr(TextSpan span, FunctionBody body) : Expr(span) { public FunctionBody Body { get; } = body; }

public enum FieldKind { Positional, Named, Keyed }

public sealed class TableField(FieldKind kind, Expr? key, string? name, Expr value)
{
    public FieldKind Kind { get; } = kind;
    public Expr? Key { get; } = key;
    public string? Name { get; } = name;
    public Expr Value { get; } = value;
}

public sealed class TableExpr(TextSpan span, IReadOnlyList<TableField> fields) : Expr(span)
{
    public IReadOnlyList<TableField> Fields { get; } = fields;
}

public sealed class NameExpr(TextSpan span, string name) : Expr(span)
{
    public string Name { get; } = name;
}

public sealed class IndexExpr(TextSpan span, Expr target, Expr key) : Expr(span)
{
    public Expr Target { get; } = target;
    public Expr Key { get; } = key;
}

/// <summary>`a.b`. When `a` is a library (ansi, timer) the binder resolves it to a built-in.</summary>
public sealed class MemberExpr(TextSpan span, Expr target, string name, TextSpan nameSpan) : Expr(span)
{
    public Expr Target { get; } = target;
    public string Name { get; } = name;
    public TextSpan NameSpan { get; } = nameSpan;
}

public sealed class CallExpr(TextSpan span, Expr callee, IReadOnlyList<Expr> arguments) : Expr(span)
{
    public Expr Callee { get; } = callee;
    public IReadOnlyList<Expr> Arguments { get; } = arguments;
}

public sealed class MethodCallExpr(TextSpan span, Expr target, string method, TextSpan methodSpan, IReadOnlyList<Expr> arguments) : Expr(span)
{
    public Expr Target { get; } = target;
    public string Method { get; } = method;
    public TextSpan MethodSpan { get; } = methodSpan;
    public IReadOnlyList<Expr> Arguments { get; } = arguments;
}

public sealed class ParenExpr(TextSpan span, Expr inner) : Expr(span) { public Expr Inner { get; } = inner; }

public enum BinaryOp { Or, And, Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, Concat, Add, Sub, Mul, Div, Mod, Pow }
public enum UnaryOp { Not, Negate }

public sealed class BinaryExpr(TextSpan span, BinaryOp op, Expr left, Expr right, TextSpan opSpan) : Expr(span)
{
    public BinaryOp Op { get; } = op;
    public Expr Left { get; } = left;
    public Expr Right { get; } = right;
    public TextSpan OpSpan { get; } = opSpan;
}

public sealed class UnaryExpr(TextSpan span, UnaryOp op, Expr operand) : Expr(span)
{
    public UnaryOp Op { get; } = op;
    public Expr Operand { get; } = operand;
}

/// <summary>arg1 .. arg9.</summary>
public sealed class EventArgExpr(TextSpan span, int index) : Expr(span) { public int Index { get; } = index; }
public sealed class ArgEventExpr(TextSpan span) : Expr(span);
public sealed class ArgNameExpr(TextSpan span) : Expr(span);
