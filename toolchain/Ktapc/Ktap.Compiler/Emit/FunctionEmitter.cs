using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Diagnostics;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Emit;

/// <summary>
/// Generates one function's code: registers are a stack (locals at the bottom, temporaries
/// above, freed after each statement), jumps are patched when their target is known, and
/// every instruction records the source line it came from.
/// </summary>
internal sealed partial class FunctionEmitter
{
    private readonly FunctionInfo _info;
    private readonly BundleModel _model;
    private readonly ConstantPool _constants;
    private readonly GlobalTable _globals;
    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly BindingTable _bind;
    private readonly FunctionModel _function = new();
    // Register allocation is the emitter's alone: a local's register, given when it comes
    // into scope. A captured local's register holds its upvalue cell (BOX at the declaration);
    // locals of enclosing functions are reached through this function's upvalues.
    private readonly Dictionary<LocalSymbol, int> _registers = new(ReferenceEqualityComparer.Instance);

    private int _freeReg;
    private int _localsTop;
    private int _maxReg;
    private int _line = 1;
    private bool _registerOverflowReported;
    private readonly List<List<int>> _breakLists = new();
    private readonly Dictionary<string, int> _labels = new(StringComparer.Ordinal);
    private readonly List<(int Pc, string Label)> _gotos = new();

    public FunctionEmitter(FunctionInfo info, BindingTable bind, BundleModel model, ConstantPool constants, GlobalTable globals, SourceText source, DiagnosticBag diagnostics)
    {
        _info = info;
        _bind = bind;
        _model = model;
        _constants = constants;
        _globals = globals;
        _source = source;
        _diagnostics = diagnostics;
    }

    public FunctionModel Emit()
    {
        var syntax = _info.Syntax;
        _line = _source.GetLine(syntax.Span.Start);
        foreach (var p in syntax.Parameters)
        {
            _registers[Declared(p)] = AllocReg();
        }
        _localsTop = _freeReg;
        foreach (var p in syntax.Parameters) BoxIfCaptured(Declared(p)); // the argument becomes the cell's value
        EmitBlockStatements(syntax.Body);
        _line = _source.GetLine(Math.Max(syntax.Span.Start, syntax.Span.End - 1));
        EmitABC(Opcode.RETURN, 0, 1, 0);
        foreach (var (pc, label) in _gotos) PatchJump(pc, _labels[label]);

        _function.Name = syntax.Name != null ? _model.Strings.Intern(syntax.Name) : null;
        _function.ParamCount = syntax.Parameters.Count;
        _function.IsVararg = syntax.IsVararg;
        _function.FrameSize = Math.Max(1, Math.Max(_maxReg, syntax.Parameters.Count));
        _function.FirstLine = _source.GetLine(syntax.Span.Start);
        _function.LastLine = _source.GetLine(Math.Max(syntax.Span.Start, syntax.Span.End - 1));
        _function.Flags = _info.IsMain ? FunctionFlags.Main : _info.Handler != HandlerKind.None ? FunctionFlags.Handler : FunctionFlags.None;
        _function.UpvalueCount = _info.Upvalues.Count;
        if (_info.Upvalues.Count > BundleLayout.MaxUpvalues)
            _diagnostics.Report(Messages.TooManyUpvalues, new TextSpan(syntax.Span.Start, 1),
                syntax.Name ?? "(anonymous)", _info.Upvalues.Count, BundleLayout.MaxUpvalues);
        return _function;
    }

    // ---- closures (docs/vm.md "Closures") ----

    /// <summary>A captured local's register becomes its cell, holding the value it has now.</summary>
    private void BoxIfCaptured(LocalSymbol local)
    {
        if (local.IsCaptured) EmitABC(Opcode.BOX, RegisterOf(local), 0, 0);
    }

    /// <summary>The cell of a captured local into <paramref name="reg"/>: this function's own
    /// (its register) or an enclosing function's (one of this function's upvalues).</summary>
    private void EmitCellTo(LocalSymbol local, int reg)
    {
        if (local.Owner == _info) EmitABC(Opcode.MOVE, reg, RegisterOf(local), 0);
        else EmitABC(Opcode.UPCELL, reg, UpvalueOf(local), 0);
    }

    /// <summary>A function value: LOADFN, or CLOSURE over its upvalues' cells, which go in the
    /// registers after the closure's (fresh temporaries, so a target anywhere is safe).</summary>
    private void EmitFunctionValue(FunctionInfo fn, int target)
    {
        if (fn.Upvalues.Count == 0) { EmitABx(Opcode.LOADFN, target, fn.Index); return; }
        int save = _freeReg;
        int a = AllocRegs(fn.Upvalues.Count + 1);
        for (int i = 0; i < fn.Upvalues.Count; i++) EmitCellTo(fn.Upvalues[i], a + 1 + i);
        EmitABx(Opcode.CLOSURE, a, fn.Index);
        if (a != target) EmitABC(Opcode.MOVE, target, a, 0);
        _freeReg = save;
    }

    private int UpvalueOf(LocalSymbol local)
    {
        int i = _info.UpvalueIndex(local);
        return i >= 0 ? i : throw new InvalidOperationException($"'{local.Name}' is not an upvalue of function {_info.Index}");
    }

    /// <summary>Reads a local of any function into <paramref name="target"/>.</summary>
    private void EmitLoadLocal(LocalSymbol local, int target)
    {
        if (local.Owner != _info) EmitABC(Opcode.GETUPVAL, target, UpvalueOf(local), 0);
        else if (local.IsCaptured) EmitABC(Opcode.GETCELL, target, RegisterOf(local), 0);
        else if (RegisterOf(local) != target) EmitABC(Opcode.MOVE, target, RegisterOf(local), 0);
    }

    /// <summary>Writes <paramref name="reg"/> to a local of any function.</summary>
    private void EmitStoreLocal(LocalSymbol local, int reg)
    {
        if (local.Owner != _info) EmitABC(Opcode.SETUPVAL, reg, UpvalueOf(local), 0);
        else if (local.IsCaptured) EmitABC(Opcode.SETCELL, RegisterOf(local), reg, 0);
        else if (RegisterOf(local) != reg) EmitABC(Opcode.MOVE, RegisterOf(local), reg, 0);
    }

    // ---- registers ----

    private int AllocReg() => AllocRegs(1);

    private int AllocRegs(int n)
    {
        int r = _freeReg;
        _freeReg += n;
        if (_freeReg > Instruction.MaxRegisters)
        {
            if (!_registerOverflowReported)
            {
                _registerOverflowReported = true;
                _diagnostics.Report(Messages.TooManyRegisters, _info.Syntax.Span.Length > 0 ? new TextSpan(_info.Syntax.Span.Start, 1) : _info.Syntax.Span,
                    _info.Syntax.Name ?? (_info.IsMain ? "main chunk" : "(anonymous)"), Instruction.MaxRegisters);
            }
            // Keep generating (into a scratch register) so the remaining errors still get reported.
            _freeReg = Instruction.MaxRegisters;
            _maxReg = Instruction.MaxRegisters;
            return Instruction.MaxRegisters - n >= 0 ? Instruction.MaxRegisters - n : 0;
        }
        if (_freeReg > _maxReg) _maxReg = _freeReg;
        return r;
    }

    // ---- instructions ----

    private int Pc => _function.Code.Count;

    private int Add(uint instruction)
    {
        _function.Code.Add(instruction);
        _function.Lines.Add(_line);
        return _function.Code.Count - 1;
    }

    private int EmitABC(Opcode op, int a, int b, int c) => Add(Instruction.ABC(op, Clamp(a, Instruction.MaxA), Clamp(b, Instruction.MaxBC), Clamp(c, Instruction.MaxBC)));

    private int EmitABx(Opcode op, int a, int bx)
    {
        if (bx > Instruction.MaxBx)
        {
            _diagnostics.Report(Messages.TooManyConstants, new TextSpan(_source.Length > 0 ? _source.Length - 1 : 0, 0), Instruction.MaxBx);
            bx = 0;
        }
        return Add(Instruction.ABx(op, Clamp(a, Instruction.MaxA), bx));
    }

    // Operands only go out of range after a limit error was reported; clamping keeps the encoder quiet.
    private static int Clamp(int v, int max) => v < 0 ? 0 : v > max ? max : v;

    private int EmitJump() => Add(Instruction.AsBx(Opcode.JMP, 0, 0));

    private void PatchJump(int pc, int target) => SetJumpOffset(pc, target - (pc + 1));

    private void PatchHere(List<int> jumps)
    {
        foreach (var j in jumps) PatchJump(j, Pc);
    }

    private void SetJumpOffset(int pc, int offset)
    {
        if (offset > Instruction.MaxBx - Instruction.SBxBias || offset < -Instruction.SBxBias)
        {
            _diagnostics.Report(Messages.JumpTooFar, new TextSpan(_info.Syntax.Span.Start, 1), Instruction.SBxBias);
            offset = 0;
        }
        var old = _function.Code[pc];
        _function.Code[pc] = Instruction.AsBx(Instruction.Op(old), Instruction.A(old), offset);
    }

    private void EmitJumpBack(Opcode op, int a, int target)
    {
        int pc = Add(Instruction.AsBx(op, a, 0));
        SetJumpOffset(pc, target - (pc + 1));
    }

    private void SetLine(Node node) => _line = _source.GetLine(node.Span.Start);

    private void EmitLoadConstant(int reg, int k) => EmitABx(Opcode.LOADK, reg, k);

    /// <summary>The local a declaration names (the binder's table).</summary>
    private LocalSymbol Declared(Param p) => _bind.LocalOf(p) ?? throw new InvalidOperationException($"'{p.Name}' at {p.Span} was not declared by the binder");

    /// <summary>The register of a local in scope.</summary>
    private int RegisterOf(LocalSymbol local) =>
        _registers.TryGetValue(local, out var r) ? r : throw new InvalidOperationException($"local '{local.Name}' has no register yet");

    /// <summary>The local a name refers to when its value is in a register of this function
    /// (so instructions may use that register directly); null for a global, a built-in, a
    /// captured local (its register holds the cell) or an enclosing function's local.</summary>
    private LocalSymbol? LocalOf(Expr e) =>
        e is NameExpr n && _bind.SymbolOf(n) is LocalSymbol { IsCaptured: false } l && l.Owner == _info ? l : null;
}
