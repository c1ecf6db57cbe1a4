using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>A hand-built bundle that uses every section and item kind, for I/O tests.</summary>
internal static class SampleBundles
{
    public const long BigNumber = 0x1122334455667788;

    public static BundleModel Create(TargetProfile target)
    {
        var m = new BundleModel(target) { SourceName = "trace.kp", CompilerVersion = 0x000102 };
        var countName = m.Strings.Intern("count");
        var fieldName = m.Strings.Intern("filename");
        m.Constants.Add(Constant.Nil);
        m.Constants.Add(Constant.Bool(true));
        m.Constants.Add(Constant.Bool(false));
        m.Constants.Add(Constant.Number(-5));
        m.Constants.Add(Constant.Number(BigNumber));
        m.Constants.Add(Constant.String(m.Strings.Intern("hello\n")));
        m.Globals.Add("count");

        var main = new FunctionModel { Name = m.Strings.Intern("main"), FrameSize = 2, FirstLine = 1, LastLine = 9, Flags = FunctionFlags.Main };
        Emit(main, Instruction.ABx(Opcode.LOADK, 0, 3), 1);
        Emit(main, Instruction.ABx(Opcode.SETGLOBAL, 0, 0), 1);
        Emit(main, Instruction.ABC(Opcode.RETURN, 0, 1, 0), 9);
        var handler = new FunctionModel { Name = null, ParamCount = 1, IsVararg = true, FrameSize = 4, FirstLine = 3, LastLine = 7, Flags = FunctionFlags.Handler };
        Emit(handler, Instruction.ABx(Opcode.GETGLOBAL, 1, 0), 4);
        Emit(handler, Instruction.ABC(Opcode.ADD, 1, 1, Instruction.RKConstantBit + 4), 4);
        Emit(handler, Instruction.ABx(Opcode.EVFIELD, 2, fieldName), 5);
        Emit(handler, Instruction.ABC(Opcode.PRINTF, 2, 1, 0), 6);
        Emit(handler, Instruction.AsBx(Opcode.JMP, 0, -1), 7);
        Emit(handler, Instruction.ABC(Opcode.RETURN, 0, 1, 0), 7);
        m.Functions.Add(main);
        m.Functions.Add(handler);
        m.MainFunction = 0;
        _ = countName;

        var regs = target.Registers;
        var arg1 = target.FindRegister(regs.ArgumentRegisters[0])!.Number;
        m.Events.Add(new EventModel(EventKind.Tracepoint, 1, "syscalls:sys_enter_open /pid == 1/", "syscalls:sys_enter_open", "common_pid == 1", 0, new FetchArgModel[0]));
        m.Events.Add(new EventModel(EventKind.Kprobe, 1, "probe:do_sys_open+4 dfd=%di", "do_sys_open", null, 4, new[]
        {
            new FetchArgModel("dfd", FetchSource.Register, FetchType.S32, arg1, 0),
            new FetchArgModel("name", FetchSource.Memory, FetchType.String, arg1, -16),
        }));
        m.Events.Add(new EventModel(EventKind.Kretprobe, 1, "probe:do_sys_open%return", "do_sys_open", null, 0, new[]
        {
            new FetchArgModel("ret", FetchSource.ReturnValue, FetchType.S64, 0, 0),
            new FetchArgModel("s3", FetchSource.StackSlot, FetchType.U64, 0, 3),
        }));
        m.Events.Add(new EventModel(EventKind.Tick, 1, "tick-1s", null, null, 1_000_000_000, new FetchArgModel[0]));
        m.Events.Add(new EventModel(EventKind.TraceEnd, 1, "trace_end", null, null, 0, new FetchArgModel[0]));
        m.Formats.Add(new FormatModel(FormatKind.Printf, 1, "%s\n"u8.ToArray(), 6));
        m.Formats.Add(new FormatModel(FormatKind.Print, 2, null, 8));
        m.Arguments = new List<string> { "trace.kp", "a b", "42" };
        m.Limits.Add((LimitKey.InstructionsPerRun, 100_000));
        m.Limits.Add((LimitKey.SessionMemory, 1UL << 33));
        return m;
    }

    private static void Emit(FunctionModel f, uint instruction, int line)
    {
        f.Code.Add(instruction);
        f.Lines.Add(line);
    }
}
