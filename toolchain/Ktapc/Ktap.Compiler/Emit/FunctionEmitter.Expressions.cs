using Ktap.Binding;
using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Emit;

internal sealed partial class FunctionEmitter
{
    private static int ConstantRK(int k) => k + Instruction.RKConstantBit;

    /// <summary>The constant index of a literal expression, or -1.</summary>
    private int ConstantOf(Expr e)
    {
        if (ConstantFolder.TryFold(e, out var n)) return _constants.Number(n);
        return e switch
        {
            StringExpr s => _constants.String(s.Value),
            SymbolExpr s => _constants.KernelSymbol(s.Name),
            NilExpr => _constants.Nil(),
            BoolExpr b => _constants.Bool(b.Value),
            _ => -1,
        };
    }

    /// <summary>An RK operand: a constant when it fits in the operand, else a register.</summary>
    private int ExprToRK(Expr e)
    {
        int k = ConstantOf(e);
        if (k >= 0 && k < Instruction.MaxBC - Instruction.RKConstantBit + 1) return ConstantRK(k);
        return ExprToAnyReg(e);
    }

    /// <summary>A register holding the value: a local's own register, or a new temporary.</summary>
    private int ExprToAnyReg(Expr e)
    {
        if (LocalOf(e) is { } local) return RegisterOf(local);
        if (e is ParenExpr p && LocalOf(p.Inner) is { } l2) return RegisterOf(l2);
        int r = AllocReg();
        ExprToReg(e, r);
        return r;
    }

    /// <summary>Evaluates one value into register <paramref name="target"/>.</summary>
    private void ExprToReg(Expr e, int target)
    {
        int savedLine = _line;
        SetLine(e);
        int k = ConstantOf(e);
        if (k >= 0 && e is not NilExpr && e is not BoolExpr) { EmitLoadConstant(target, k); _line = savedLine; return; }
        switch (e)
        {
            case NilExpr: EmitABC(Opcode.LOADNIL, target, 1, 0); break;
            case BoolExpr b: EmitABC(Opcode.LOADBOOL, target, b.Value ? 1 : 0, 0); break;
            case VarargExpr: EmitABC(Opcode.VARARG, target, 2, 0); break;
            case FunctionExpr f: EmitFunctionValue(_bind.FunctionOf(f.Body), target); break;
            case TableExpr t: EmitTable(t, target); break;
            case NameExpr n: EmitName(n, target); break;
            case MemberExpr m:
                if (_bind.IsEventField(m)) EmitABx(Opcode.EVFIELD, target, _model.Strings.Intern(m.Name));
                else if (_bind.BuiltinOf(m) is { } builtin) EmitABx(Opcode.LOADBUILTIN, target, builtin.Info.Id);
                else
                {
                    int save = _freeReg;
                    int obj = ExprToAnyReg(m.Target);
                    EmitABC(Opcode.GETTABLE, target, obj, ConstantRK(_constants.String(m.Name)));
                    _freeReg = save;
                }
                break;
            case IndexExpr ix:
            {
                int save = _freeReg;
                int obj = ExprToAnyReg(ix.Target);
                int key = ExprToRK(ix.Key);
                EmitABC(Opcode.GETTABLE, target, obj, key);
                _freeReg = save;
                break;
            }
            case CallExpr or MethodCallExpr:
            {
                // Results land at the call's base; reuse the target when it is the topmost temporary.
                int save = _freeReg;
                int bas = target >= _localsTop && target == _freeReg - 1 ? target : AllocReg();
                EmitCall(e, bas, 1);
                if (bas != target) EmitABC(Opcode.MOVE, target, bas, 0);
                _freeReg = save;
                break;
            }
            case ParenExpr p: ExprToReg(p.Inner, target); break;
            case BinaryExpr b: EmitBinary(b, target); break;
            case UnaryExpr u:
            {
                int save = _freeReg;
                int r = ExprToAnyReg(u.Operand);
                EmitABC(u.Op == UnaryOp.Not ? Opcode.NOT : Opcode.UNM, target, r, 0);
                _freeReg = save;
                break;
            }
            case EventArgExpr ea: EmitABC(Opcode.EVARG, target, ea.Index, 0); break;
            case ArgEventExpr: EmitABC(Opcode.EVINFO, target, 0, 0); break;
            case ArgNameExpr: EmitABC(Opcode.EVINFO, target, 1, 0); break;
        }
        _line = savedLine;
    }

    private void EmitName(NameExpr n, int target)
    {
        switch (_bind.SymbolOf(n))
        {
            case LocalSymbol local:
                EmitLoadLocal(local, target);
                break;
            case GlobalSymbol g:
                EmitABx(Opcode.GETGLOBAL, target, g.Slot);
                break;
            case BuiltinSymbol b when b.Info.Id == Builtins.ScriptArgs.Id:
                // `arg` is the script's argument table, made by a hidden built-in.
                EmitABx(Opcode.LOADBUILTIN, target, b.Info.Id);
                EmitABC(Opcode.CALL, target, 1, 2);
                break;
            case BuiltinSymbol b:
                EmitABx(Opcode.LOADBUILTIN, target, b.Info.Id);
                break;
        }
    }

    private void EmitTable(TableExpr t, int target)
    {
        // A call or `...` as the last positional field keeps all its values (SETLIST). The
        // table is built in a fresh register so that the values can follow it at once.
        var fields = t.Fields;
        bool open = Binder.KeepsAllValues(t);
        int start = _freeReg, table = target;
        if (open)
        {
            if (target != _freeReg - 1) table = AllocReg();
            fields = fields.Take(fields.Count - 1).ToList();
        }
        EmitABC(Opcode.NEWTABLE, table, 0, 0);
        long position = EmitFields(fields, table);
        if (open)
        {
            int save = _freeReg;
            int got = EmitMulti(t.Fields[^1].Value, AllocReg(), -1);
            EmitABC(Opcode.SETLIST, table, got < 0 ? 0 : got, (int)(position - 1));
            _freeReg = save;
            if (table != target) EmitABC(Opcode.MOVE, target, table, 0);
            _freeReg = start;
        }
    }

    /// <summary>The fields one SETTABLE each; returns the next free array position.</summary>
    private long EmitFields(IReadOnlyList<TableField> fields, int target)
    {
        long position = 1;
        foreach (var field in fields)
        {
            int save = _freeReg;
            int key = field.Kind switch
            {
                FieldKind.Positional => ConstantRK(_constants.Number(position++)),
                FieldKind.Named => ConstantRK(_constants.String(field.Name!)),
                _ => ExprToRK(field.Key!),
            };
            if (key - Instruction.RKConstantBit >= Instruction.MaxBC - Instruction.RKConstantBit + 1)
            {
                int r = AllocReg();
                EmitLoadConstant(r, key - Instruction.RKConstantBit);
                key = r;
            }
            int value = ExprToRK(field.Value);
            EmitABC(Opcode.SETTABLE, target, key, value);
            _freeReg = save;
        }
        return position;
    }

    private static Opcode ArithmeticOpcode(BinaryOp op) => op switch
    {
        BinaryOp.Add => Opcode.ADD, BinaryOp.Sub => Opcode.SUB, BinaryOp.Mul => Opcode.MUL,
        BinaryOp.Div => Opcode.DIV, BinaryOp.Mod => Opcode.MOD, _ => Opcode.POW,
    };

    private void EmitBinary(BinaryExpr b, int target)
    {
        int save = _freeReg;
        switch (b.Op)
        {
            case BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div or BinaryOp.Mod or BinaryOp.Pow:
            {
                int l = ExprToRK(b.Left);
                int r = ExprToRK(b.Right);
                EmitABC(ArithmeticOpcode(b.Op), target, l, r);
                break;
            }
            case BinaryOp.Concat:
            {
                var operands = new List<Expr>();
                FlattenConcat(b, operands);
                int first = AllocRegs(operands.Count);
                for (int i = 0; i < operands.Count; i++) ExprToReg(operands[i], first + i);
                EmitABC(Opcode.CONCAT, target, first, first + operands.Count - 1);
                break;
            }
            case BinaryOp.And or BinaryOp.Or:
            {
                int l = ExprToAnyReg(b.Left);
                EmitABC(Opcode.TESTSET, target, l, b.Op == BinaryOp.Or ? 1 : 0);
                int skip = EmitJump();
                ExprToReg(b.Right, target);
                PatchJump(skip, Pc);
                break;
            }
            default: // comparisons as values
            {
                var (op, a, l, r) = Comparison(b, jumpWhenTrue: true);
                EmitABC(op, a, l, r);
                EmitJumpOffset(1);
                EmitABC(Opcode.LOADBOOL, target, 0, 1);
                EmitABC(Opcode.LOADBOOL, target, 1, 0);
                break;
            }
        }
        _freeReg = save;
    }

    private void EmitJumpOffset(int offset) => Add(Instruction.AsBx(Opcode.JMP, 0, offset));

    private static void FlattenConcat(Expr e, List<Expr> into)
    {
        if (e is BinaryExpr { Op: BinaryOp.Concat } c) { FlattenConcat(c.Left, into); FlattenConcat(c.Right, into); }
        else into.Add(e);
    }

    /// <summary>
    /// A comparison test: the instruction after it (a JMP) runs exactly when the comparison's
    /// truth equals <paramref name="jumpWhenTrue"/>. `a &gt; b` is `b &lt; a` with the operands swapped.
    /// </summary>
    private (Opcode Op, int A, int Left, int Right) Comparison(BinaryExpr b, bool jumpWhenTrue)
    {
        int l = ExprToRK(b.Left);
        int r = ExprToRK(b.Right);
        int want = jumpWhenTrue ? 1 : 0;
        return b.Op switch
        {
            BinaryOp.Equal => (Opcode.EQ, want, l, r),
            BinaryOp.NotEqual => (Opcode.EQ, 1 - want, l, r),
            BinaryOp.Less => (Opcode.LT, want, l, r),
            BinaryOp.LessEqual => (Opcode.LE, want, l, r),
            BinaryOp.Greater => (Opcode.LT, want, r, l),
            _ => (Opcode.LE, want, r, l),
        };
    }

    private static bool IsComparison(BinaryOp op) =>
        op is BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Greater or BinaryOp.GreaterEqual;

    /// <summary>Emits a test of <paramref name="e"/>; returns the jumps taken when its truth is <paramref name="jumpWhen"/> (to be patched).</summary>
    private List<int> CondJump(Expr e, bool jumpWhen)
    {
        int save = _freeReg;
        var jumps = new List<int>();
        switch (e)
        {
            case ParenExpr p: return CondJump(p.Inner, jumpWhen);
            case UnaryExpr { Op: UnaryOp.Not } n: return CondJump(n.Operand, !jumpWhen);
            case NilExpr or BoolExpr { Value: false }:
                if (!jumpWhen) jumps.Add(EmitJump());
                return jumps;
            case NumberExpr or StringExpr or BoolExpr { Value: true } or TableExpr or FunctionExpr:
                if (jumpWhen) jumps.Add(EmitJump());
                return jumps;
            case BinaryExpr { Op: BinaryOp.And } a:
                if (!jumpWhen)
                {
                    jumps.AddRange(CondJump(a.Left, false));
                    jumps.AddRange(CondJump(a.Right, false));
                    return jumps;
                }
                else
                {
                    var leftFalse = CondJump(a.Left, false);
                    jumps.AddRange(CondJump(a.Right, true));
                    PatchHere(leftFalse);
                    return jumps;
                }
            case BinaryExpr { Op: BinaryOp.Or } o:
                if (jumpWhen)
                {
                    jumps.AddRange(CondJump(o.Left, true));
                    jumps.AddRange(CondJump(o.Right, true));
                    return jumps;
                }
                else
                {
                    var leftTrue = CondJump(o.Left, true);
                    jumps.AddRange(CondJump(o.Right, false));
                    PatchHere(leftTrue);
                    return jumps;
                }
            case BinaryExpr b when IsComparison(b.Op):
            {
                SetLine(b);
                var (op, a, l, r) = Comparison(b, jumpWhen);
                EmitABC(op, a, l, r);
                jumps.Add(EmitJump());
                _freeReg = save;
                return jumps;
            }
        }
        int reg = ExprToAnyReg(e);
        EmitABC(Opcode.TEST, reg, 0, jumpWhen ? 1 : 0);
        jumps.Add(EmitJump());
        _freeReg = save;
        return jumps;
    }
}
