using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Binding;

public sealed partial class Binder
{
    private void BindExpression(Expr expression, bool isCallee = false)
    {
        switch (expression)
        {
            case NameExpr n:
            {
                var sym = LookupLocal(n.Name, n.Span);
                if (sym is LocalSymbol local) local.IsRead = true;
                if (sym != null) _table.Bind(n, sym);
                else _freeNames.Add((n, _function, isCallee));
                break;
            }
            case MemberExpr m:
                if (m.Target is NameExpr t && LookupLocal(t.Name, t.Span) == null &&
                    (Builtins.Libraries.Contains(t.Name) || t.Name == "args"))
                    _freeMembers.Add((m, _function, isCallee));
                else BindExpression(m.Target);
                break;
            case IndexExpr ix: BindExpression(ix.Target); BindExpression(ix.Key); break;
            case CallExpr call:
                BindExpression(call.Callee, isCallee: true);
                foreach (var a in call.Arguments) BindExpression(a);
                _calls.Add((call, _function));
                break;
            case MethodCallExpr mc:
                BindExpression(mc.Target);
                foreach (var a in mc.Arguments) BindExpression(a);
                break;
            case BinaryExpr b: BindExpression(b.Left); BindExpression(b.Right); break;
            case UnaryExpr u: BindExpression(u.Operand); break;
            case ParenExpr p: BindExpression(p.Inner); break;
            case FunctionExpr f: BindFunction(NewFunction(f.Body, _function, HandlerKind.None)); break;
            case TableExpr table:
                foreach (var field in table.Fields)
                {
                    if (field.Key != null) BindExpression(field.Key);
                    BindExpression(field.Value);
                }
                if (table.Fields.Count > 0 && table.Fields[^1] is { Kind: FieldKind.Positional } last && IsMultiValued(last.Value) &&
                    !KeepsAllValues(table))
                    _diagnostics.Report(Messages.ConstructorKeepsOneValue, last.Value.Span, Instruction.MaxBC + 1);
                break;
            case VarargExpr v:
                if (!_function.Syntax.IsVararg) _diagnostics.Report(Messages.VarargOutsideVararg, v.Span);
                break;
            case EventArgExpr ea: CheckEventData(ea, "arg" + ea.Index); break;
            case ArgEventExpr ae: CheckEventData(ae, "argevent"); break;
            case ArgNameExpr an: CheckEventData(an, "argname"); break;
        }
    }

    /// <summary>
    /// A call or `...` as the last positional field keeps all its values (SETLIST), when the
    /// position before it fits SETLIST's 9-bit operand C: at most 512 positional fields.
    /// </summary>
    public static bool KeepsAllValues(TableExpr t) =>
        t.Fields.Count > 0 && t.Fields[^1] is { Kind: FieldKind.Positional } last && IsMultiValued(last.Value) &&
        t.Fields.Count(f => f.Kind == FieldKind.Positional) - 1 <= Instruction.MaxBC;

    private void CheckEventData(Expr e, string what)
    {
        if (_function.TraceHandler == null) _diagnostics.Report(Messages.EventDataOutsideTrace, e.Span, what);
    }
}
