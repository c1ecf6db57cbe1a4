using Ktap.Binding;
using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Emit;

internal sealed partial class FunctionEmitter
{
    /// <summary>A block in its own scope: its locals' registers are released at the end.</summary>
    private void EmitBlock(Block block)
    {
        var (savedFree, savedTop) = (_freeReg, _localsTop);
        EmitBlockStatements(block);
        (_freeReg, _localsTop) = (savedFree, savedTop);
    }

    private void EmitBlockStatements(Block block)
    {
        foreach (var s in block.Statements)
        {
            SetLine(s);
            EmitStatement(s);
            _freeReg = _localsTop; // temporaries die with their statement
        }
    }

    /// <summary>Makes the registers from <paramref name="first"/> up to the free register locals.</summary>
    private void CommitLocals() => _localsTop = _freeReg;

    private void EmitStatement(Stmt statement)
    {
        switch (statement)
        {
            case LocalStmt l: EmitLocal(l); break;
            case AssignStmt a: EmitAssign(a); break;
            case CompoundAssignStmt c: EmitCompound(c); break;
            case CallStmt call: EmitCall(call.Call, AllocReg(), 0); break;
            case IfStmt i: EmitIf(i); break;
            case WhileStmt w:
            {
                int start = Pc;
                var exit = CondJump(w.Condition, jumpWhen: false);
                EmitLoopBody(w.Body, exit, () => EmitJumpBack(Opcode.JMP, 0, start));
                break;
            }
            case RepeatStmt r:
            {
                int start = Pc;
                var breaks = new List<int>();
                _breakLists.Add(breaks);
                var (savedFree, savedTop) = (_freeReg, _localsTop);
                EmitBlockStatements(r.Body);
                SetLine(r.Condition);
                var again = CondJump(r.Condition, jumpWhen: false);
                foreach (var j in again) PatchJump(j, start);
                (_freeReg, _localsTop) = (savedFree, savedTop);
                _breakLists.RemoveAt(_breakLists.Count - 1);
                PatchHere(breaks);
                break;
            }
            case NumericForStmt f: EmitNumericFor(f); break;
            case GenericForStmt g: EmitGenericFor(g); break;
            case FunctionStmt fs:
            {
                int r = AllocReg();
                EmitFunctionValue(_bind.FunctionOf(fs.Function), r);
                StoreTo(fs.Name, r);
                break;
            }
            case LocalFunctionStmt lf:
            {
                if (_bind.LocalOf(lf.Name) is { } local)
                {
                    int r = AllocReg();
                    _registers[local] = r;
                    CommitLocals();
                    if (local.IsCaptured)
                    {
                        // the function may call itself through its own upvalue: the cell exists
                        // (nil) before the closure is made over it, and then receives it
                        EmitABC(Opcode.LOADNIL, r, 1, 0);
                        BoxIfCaptured(local);
                        int t = AllocReg();
                        EmitFunctionValue(_bind.FunctionOf(lf.Function), t);
                        EmitStoreLocal(local, t);
                    }
                    else EmitFunctionValue(_bind.FunctionOf(lf.Function), r);
                }
                else
                {
                    int r = AllocReg();
                    EmitFunctionValue(_bind.FunctionOf(lf.Function), r);
                    EmitABx(Opcode.SETGLOBAL, r, _globals.GetOrAdd(lf.Name.Name).Slot);
                }
                break;
            }
            case ReturnStmt ret: EmitReturn(ret); break;
            case BreakStmt:
                if (_breakLists.Count > 0) _breakLists[^1].Add(EmitJump());
                break;
            case GotoStmt g: _gotos.Add((EmitJump(), g.Label)); break;
            case LabelStmt label: _labels[label.Name] = Pc; break;
            case TraceStmt or TraceEndStmt or TimerStmt:
                break; // handlers are functions of their own; the main chunk has nothing to run for them
        }
    }

    private void EmitLoopBody(Block body, List<int> exitJumps, Action emitBackEdge)
    {
        var breaks = new List<int>();
        _breakLists.Add(breaks);
        EmitBlock(body);
        emitBackEdge();
        _breakLists.RemoveAt(_breakLists.Count - 1);
        PatchHere(exitJumps);
        PatchHere(breaks);
    }

    private void EmitIf(IfStmt s)
    {
        var exits = new List<int>();
        for (int i = 0; i < s.Branches.Count; i++)
        {
            var (cond, body) = s.Branches[i];
            SetLine(cond);
            var next = CondJump(cond, jumpWhen: false);
            _freeReg = _localsTop;
            EmitBlock(body);
            if (i < s.Branches.Count - 1 || s.ElseBody != null) exits.Add(EmitJump());
            PatchHere(next);
        }
        if (s.ElseBody != null) EmitBlock(s.ElseBody);
        PatchHere(exits);
    }

    private void EmitNumericFor(NumericForStmt f)
    {
        var (savedFree, savedTop) = (_freeReg, _localsTop);
        int a = AllocRegs(3);
        ExprToReg(f.Start, a);
        ExprToReg(f.Limit, a + 1);
        if (f.Step != null) ExprToReg(f.Step, a + 2);
        else EmitLoadConstant(a + 2, _constants.Number(1));
        _freeReg = a + 3;
        CommitLocals();
        SetLine(f);
        int prep = Add(Instruction.AsBx(Opcode.FORPREP, a, 0));
        int bodyStart = Pc;
        _registers[Declared(f.Variable)] = AllocReg();
        CommitLocals();
        BoxIfCaptured(Declared(f.Variable)); // a fresh cell every iteration, as in Lua
        var breaks = new List<int>();
        _breakLists.Add(breaks);
        EmitBlock(f.Body);
        _breakLists.RemoveAt(_breakLists.Count - 1);
        PatchJump(prep, Pc);
        SetLine(f);
        EmitJumpBack(Opcode.FORLOOP, a, bodyStart);
        PatchHere(breaks);
        (_freeReg, _localsTop) = (savedFree, savedTop);
    }

    private void EmitGenericFor(GenericForStmt g)
    {
        var (savedFree, savedTop) = (_freeReg, _localsTop);
        int a = _freeReg;
        ExprListToRegs(g.Values, 3);
        _freeReg = a + 3;
        CommitLocals();
        SetLine(g);
        int toCall = EmitJump();
        int bodyStart = Pc;
        foreach (var v in g.Variables) _registers[Declared(v)] = AllocReg();
        CommitLocals();
        foreach (var v in g.Variables) BoxIfCaptured(Declared(v)); // fresh cells every iteration
        // A script-function iterator is called in the three registers after the control ones.
        if (g.Variables.Count < 3) { int save = _freeReg; AllocRegs(3 - g.Variables.Count); _freeReg = save; }
        var breaks = new List<int>();
        _breakLists.Add(breaks);
        EmitBlock(g.Body);
        _breakLists.RemoveAt(_breakLists.Count - 1);
        PatchJump(toCall, Pc);
        SetLine(g);
        EmitABC(Opcode.TFORCALL, a, 0, g.Variables.Count);
        EmitJumpBack(Opcode.TFORLOOP, a + 2, bodyStart);
        PatchHere(breaks);
        (_freeReg, _localsTop) = (savedFree, savedTop);
    }

    private void EmitReturn(ReturnStmt ret)
    {
        if (ret.Values.Count == 0) { EmitABC(Opcode.RETURN, 0, 1, 0); return; }
        if (ret.Values.Count == 1 && !Binder.IsMultiValued(ret.Values[0]))
        {
            int r = ExprToAnyReg(ret.Values[0]);
            EmitABC(Opcode.RETURN, r, 2, 0);
            return;
        }
        int a = _freeReg;
        if (ret.Values.Count == 1 && ret.Values[0] is CallExpr or MethodCallExpr && EmitTailCall(ret.Values[0], a)) return;
        bool open = ExprListToRegs(ret.Values, -1);
        // closed: the values are a.._freeReg-1 (a fixed-count built-in last may leave 0..3 of them)
        EmitABC(Opcode.RETURN, a, open ? 0 : _freeReg - a + 1, 0);
    }

    /// <summary>
    /// `return f(...)`: the call keeping all results becomes TAILCALL, which replaces this
    /// function's frame (Lua's proper tail call), so tail recursion runs in constant depth.
    /// A parenthesised call is a ParenExpr (one value) and never gets here. False when the
    /// call compiled to an instruction of its own (print, ptable, len, pairs): those return
    /// their fixed values with an ordinary RETURN.
    /// </summary>
    private bool EmitTailCall(Expr call, int a)
    {
        _freeReg = a;
        int r = AllocReg();
        int got = EmitCall(call, r, -1);
        int last = Pc - 1;
        if (got < 0 && Instruction.Op(_function.Code[last]) == Opcode.CALL && Instruction.A(_function.Code[last]) == r)
        {
            var insn = _function.Code[last];
            _function.Code[last] = Instruction.ABC(Opcode.TAILCALL, r, Instruction.B(insn), 0);
            return true;
        }
        // a fixed count (got >= 0) of values from r, or an open one (a CALL C=0 cannot fail
        // to be last when got < 0): the ordinary return of them
        EmitABC(Opcode.RETURN, r, got < 0 ? 0 : got + 1, 0);
        return true;
    }

    private void EmitLocal(LocalStmt l)
    {
        int a = _freeReg;
        ExprListToRegs(l.Values, l.Names.Count);
        _freeReg = a + l.Names.Count;
        if (l.Names.All(n => _bind.LocalOf(n) != null))
        {
            for (int i = 0; i < l.Names.Count; i++) _registers[Declared(l.Names[i])] = a + i;
            CommitLocals();
            // after all values are computed: `local x = x` reads the outer x, and each
            // execution of the declaration (a loop body) makes new cells
            for (int i = 0; i < l.Names.Count; i++) BoxIfCaptured(Declared(l.Names[i]));
            return;
        }
        // Top-level locals of the main chunk are global slots.
        for (int i = 0; i < l.Names.Count; i++)
        {
            if (_bind.LocalOf(l.Names[i]) is { } local) { _registers[local] = a + i; continue; }
            EmitABx(Opcode.SETGLOBAL, a + i, _globals.GetOrAdd(l.Names[i].Name).Slot);
        }
        CommitLocals();
        for (int i = 0; i < l.Names.Count; i++)
            if (_bind.LocalOf(l.Names[i]) is { } local) BoxIfCaptured(local);
    }

    private void EmitAssign(AssignStmt s)
    {
        if (s.Targets.Count == 1 && s.Values.Count == 1)
        {
            EmitStoreSingle(s.Targets[0], s.Values[0]);
            return;
        }
        // General case: evaluate the targets' tables and keys, then all values, then store.
        var prepared = s.Targets.Select(PrepareTarget).ToList();
        int a = _freeReg;
        ExprListToRegs(s.Values, s.Targets.Count);
        for (int i = 0; i < s.Targets.Count; i++) StorePrepared(s.Targets[i], prepared[i], a + i);
    }

    private (int Table, int Key) PrepareTarget(Expr target) => target switch
    {
        IndexExpr ix => (ExprToAnyReg(ix.Target), ExprToRK(ix.Key)),
        MemberExpr m => (ExprToAnyReg(m.Target), ConstantRK(_constants.String(m.Name))),
        _ => (-1, -1),
    };

    private void StorePrepared(Expr target, (int Table, int Key) p, int valueReg)
    {
        if (target is IndexExpr or MemberExpr) EmitABC(Opcode.SETTABLE, p.Table, p.Key, valueReg);
        else StoreTo(target, valueReg);
    }

    private void EmitStoreSingle(Expr target, Expr value)
    {
        switch (target)
        {
            case NameExpr when LocalOf(target) is { } local:
                // Constructors and and/or write their target before reading all operands: go through a temporary.
                if (value is TableExpr || value is BinaryExpr { Op: BinaryOp.And or BinaryOp.Or })
                {
                    int t = ExprToAnyReg(value);
                    if (t != RegisterOf(local)) EmitABC(Opcode.MOVE, RegisterOf(local), t, 0);
                }
                else ExprToReg(value, RegisterOf(local));
                break;
            case NameExpr n:
                StoreTo(n, ExprToAnyReg(value));
                break;
            case IndexExpr or MemberExpr:
            {
                var p = PrepareTarget(target);
                EmitABC(Opcode.SETTABLE, p.Table, p.Key, ExprToRK(value));
                break;
            }
        }
    }

    private void StoreTo(Expr target, int reg)
    {
        if (target is not NameExpr n) return;
        switch (_bind.SymbolOf(n))
        {
            case LocalSymbol local:
                EmitStoreLocal(local, reg);
                break;
            case GlobalSymbol g:
                EmitABx(Opcode.SETGLOBAL, reg, g.Slot);
                break;
        }
    }

    private void EmitCompound(CompoundAssignStmt c)
    {
        if (c.Op == CompoundOp.Aggregate)
        {
            var p = PrepareTarget(c.Target);
            EmitABC(Opcode.AGGREGATE, p.Table, p.Key, ExprToRK(c.Value));
            return;
        }
        switch (c.Target)
        {
            case NameExpr n when LocalOf(n) is { } local:
                EmitABC(Opcode.ADD, RegisterOf(local), RegisterOf(local), ExprToRK(c.Value));
                break;
            case NameExpr n when _bind.SymbolOf(n) is LocalSymbol local:
            {
                // a cell or an upvalue: read, add, write back (plain addition, as on a local;
                // not atomic across CPUs, unlike `g += n` on a global)
                int t = AllocReg();
                EmitLoadLocal(local, t);
                EmitABC(Opcode.ADD, t, t, ExprToRK(c.Value));
                EmitStoreLocal(local, t);
                break;
            }
            case NameExpr n when _bind.SymbolOf(n) is GlobalSymbol g:
                EmitABx(Opcode.ADDGLOBAL, ExprToAnyReg(c.Value), g.Slot);
                break;
            case MemberExpr m when _bind.IsEventField(m) || _bind.BuiltinOf(m) != null:
            case NameExpr:
                _diagnostics.Report(Messages.CannotAssign, c.Target.Span);
                break;
            case IndexExpr or MemberExpr:
            {
                var p = PrepareTarget(c.Target);
                EmitABC(Opcode.INCRTABLE, p.Table, p.Key, ExprToRK(c.Value));
                break;
            }
        }
    }
}
