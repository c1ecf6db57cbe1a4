using Ktap.Syntax;

namespace Ktap.Emit;

/// <summary>
/// Folds pure integer arithmetic on literals (64-bit, wrapping like the VM). Anything that
/// would be a runtime error (division or modulo by zero, a negative exponent) is left for
/// the VM, so the script fails at run time exactly as the unfolded code would.
/// </summary>
public static class ConstantFolder
{
    public static bool TryFold(Expr e, out long value)
    {
        value = 0;
        switch (e)
        {
            case NumberExpr n: value = n.Value; return true;
            case ParenExpr p: return TryFold(p.Inner, out value);
            case UnaryExpr { Op: UnaryOp.Negate } u:
                if (!TryFold(u.Operand, out var v)) return false;
                value = unchecked(-v);
                return true;
            case BinaryExpr b when b.Op is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div or BinaryOp.Mod or BinaryOp.Pow:
                if (!TryFold(b.Left, out var l) || !TryFold(b.Right, out var r)) return false;
                return TryApply(b.Op, l, r, out value);
        }
        return false;
    }

    public static bool TryApply(BinaryOp op, long l, long r, out long value)
    {
        value = 0;
        switch (op)
        {
            case BinaryOp.Add: value = unchecked(l + r); return true;
            case BinaryOp.Sub: value = unchecked(l - r); return true;
            case BinaryOp.Mul: value = unchecked(l * r); return true;
            case BinaryOp.Div:
                if (r == 0 || (l == long.MinValue && r == -1)) return false;
                value = l / r; return true;
            case BinaryOp.Mod:
                if (r == 0 || (l == long.MinValue && r == -1)) return false;
                value = l % r; return true;
            case BinaryOp.Pow:
                if (r < 0) return false;
                value = Power(l, r); return true;
        }
        return false;
    }

    /// <summary>Integer power by squaring, wrapping on overflow.</summary>
    public static long Power(long b, long e)
    {
        long result = 1;
        unchecked
        {
            while (e > 0)
            {
                if ((e & 1) != 0) result *= b;
                b *= b;
                e >>= 1;
            }
        }
        return result;
    }
}
