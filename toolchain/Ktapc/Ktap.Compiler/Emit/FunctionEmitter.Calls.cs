using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Emit;

internal sealed partial class FunctionEmitter
{
    /// <summary>
    /// Evaluates a list of values into consecutive registers from the free register.
    /// <paramref name="want"/> values are produced (nil-padded, extras evaluated and dropped),
    /// or all of them when -1; returns true when the last one is open (a call or ... keeping all results).
    /// </summary>
    private bool ExprListToRegs(IReadOnlyList<Expr> values, int want)
    {
        int a = _freeReg;
        int count = values.Count;
        for (int i = 0; i < count; i++)
        {
            var v = values[i];
            bool last = i == count - 1;
            if (last && Binder.IsMultiValued(v) && (want < 0 || want > i))
            {
                int n = want < 0 ? -1 : want - i;
                int r = AllocReg();
                int got = EmitMulti(v, r, n);
                if (n < 0)
                {
                    if (got < 0) return true;
                    // a built-in with an instruction of its own leaves a fixed count: the list
                    // is closed, so no B=0 consumer follows an instruction that sets no top
                    _freeReg = r;
                    AllocRegs(got);
                    return false;
                }
                _freeReg = a + want;
                if (_freeReg > _maxReg) AllocRegs(0);
                return false;
            }
            ExprToReg(v, AllocReg());
        }
        if (want >= 0)
        {
            if (count < want)
            {
                int first = a + count;
                AllocRegs(want - count);
                EmitABC(Opcode.LOADNIL, first, want - count, 0);
            }
            _freeReg = a + want;
        }
        return false;
    }

    /// <summary>
    /// A call or `...` producing <paramref name="n"/> results (-1: all) from register <paramref name="at"/>.
    /// Returns how many values it left when that count is fixed, or -1 when it is open (top marks the end).
    /// </summary>
    private int EmitMulti(Expr e, int at, int n)
    {
        if (e is VarargExpr) { EmitABC(Opcode.VARARG, at, n < 0 ? 0 : n + 1, 0); return n; }
        return EmitCall(e, at, n);
    }

    /// <summary>
    /// Emits a call with its function at <paramref name="bas"/>; results -1 means keep all. Returns the
    /// number of values left from <paramref name="bas"/>, or -1 when they are open (CALL C=0).
    /// </summary>
    private int EmitCall(Expr e, int bas, int results)
    {
        int savedLine = _line;
        SetLine(e);
        if (e is CallExpr call && Binder.CalledBuiltin(call, _bind) is { } builtin &&
            EmitBuiltinCall(call, builtin, bas, results, out int produced))
        {
            _line = savedLine;
            return produced;
        }
        _freeReg = bas + 1;
        IReadOnlyList<Expr> args;
        if (e is MethodCallExpr mc)
        {
            int obj;
            if (LocalOf(mc.Target) is { } local) obj = RegisterOf(local);
            else ExprToReg(mc.Target, obj = AllocReg()); // straight into bas + 1
            EmitABC(Opcode.SELF, bas, obj, ConstantRK(_constants.String(mc.Method)));
            _freeReg = bas + 2;
            args = mc.Arguments;
        }
        else
        {
            var c = (CallExpr)e;
            ExprToReg(c.Callee, bas);
            args = c.Arguments;
        }
        int argBase = _freeReg;
        bool open = ExprListToRegs(args, -1);
        int argCount = _freeReg - (bas + 1);
        if (argCount + 1 > Instruction.MaxBC) _diagnostics.Report(Messages.TooManyArguments, e.Span, Instruction.MaxBC - 1);
        SetLine(e);
        EmitABC(Opcode.CALL, bas, open ? 0 : argCount + 1, results < 0 ? 0 : results + 1);
        _freeReg = bas + Math.Max(results, 0);
        if (_freeReg > _maxReg) _maxReg = _freeReg;
        _ = argBase;
        _line = savedLine;
        return results;
    }

    /// <summary>
    /// The built-ins with instructions of their own. False: compile as an ordinary call. Their
    /// result count is always fixed (<paramref name="produced"/>: print and printf none, ptable()
    /// one, pairs(t) three), even where the caller would keep all results.
    /// </summary>
    private bool EmitBuiltinCall(CallExpr call, BuiltinInfo builtin, int bas, int results, out int produced)
    {
        produced = results;
        if (builtin.Id == Builtins.Print.Id)
        {
            _freeReg = bas;
            int first = EmitSingleValues(call.Arguments);
            EmitABC(Opcode.PRINT, first, call.Arguments.Count, 0);
            NilResults(bas, results);
            if (results < 0) produced = 0;
            return true;
        }
        if (builtin.Id == Builtins.Printf.Id && call.Arguments.Count > 0 && call.Arguments[0] is StringExpr format)
        {
            _freeReg = bas;
            var values = call.Arguments.Skip(1).ToList();
            int first = EmitSingleValues(values);
            _model.Formats.Add(new FormatModel(FormatKind.Printf, values.Count, format.Value, _line));
            EmitABC(Opcode.PRINTF, first, values.Count, _model.Formats.Count - 1);
            NilResults(bas, results);
            if (results < 0) produced = 0;
            return true;
        }
        if (builtin.Id == Builtins.Ptable.Id && call.Arguments.Count == 0)
        {
            _freeReg = bas;
            AllocReg();
            EmitABC(Opcode.NEWPTABLE, bas, 0, 0);
            if (results > 1) { AllocRegs(results - 1); EmitABC(Opcode.LOADNIL, bas + 1, results - 1, 0); }
            if (results < 0) produced = 1;
            _freeReg = bas + produced;
            return true;
        }
        if (builtin.Id == Builtins.Len.Id && call.Arguments.Count == 1)
        {
            // len(x) is the LEN instruction (there is no '#' operator: '#' starts a comment).
            _freeReg = bas;
            AllocReg();
            int save = _freeReg;
            int r = ExprToAnyReg(call.Arguments[0]);
            EmitABC(Opcode.LEN, bas, r, 0);
            _freeReg = save;
            NilExtra(bas, results, ref produced);
            return true;
        }
        if (builtin.Id == Builtins.Pairs.Id && call.Arguments.Count == 1)
        {
            // pairs(t) is the triple (next, t, nil) of a generic for.
            _freeReg = bas;
            AllocRegs(3);
            EmitABx(Opcode.LOADBUILTIN, bas, Builtins.Next.Id);
            ExprToReg(call.Arguments[0], bas + 1);
            EmitABC(Opcode.LOADNIL, bas + 2, 1, 0);
            if (results < 0) produced = 3;
            _freeReg = bas + produced;
            if (results > 3) { AllocRegs(0); EmitABC(Opcode.LOADNIL, bas + 3, results - 3, 0); }
            return true;
        }
        return false;
    }

    /// <summary>After a one-value instruction at <paramref name="bas"/>: nil for the further results wanted.</summary>
    private void NilExtra(int bas, int results, ref int produced)
    {
        if (results > 1) { AllocRegs(results - 1); EmitABC(Opcode.LOADNIL, bas + 1, results - 1, 0); }
        if (results < 0) produced = 1;
        _freeReg = bas + produced;
    }

    /// <summary>Each value into its own register (calls truncated to one value); returns the first register.</summary>
    private int EmitSingleValues(IReadOnlyList<Expr> values)
    {
        int first = _freeReg;
        if (values.Count == 0) AllocReg(); // operand A must still name a register of the frame
        foreach (var v in values) ExprToReg(v, AllocReg());
        if (values.Count + 1 > Instruction.MaxBC) _diagnostics.Report(Messages.TooManyArguments, values[0].Span, Instruction.MaxBC - 1);
        return first;
    }

    private void NilResults(int bas, int results)
    {
        if (results > 0)
        {
            _freeReg = bas;
            AllocRegs(results);
            EmitABC(Opcode.LOADNIL, bas, results, 0);
        }
        _freeReg = bas + Math.Max(results, 0);
    }
}
