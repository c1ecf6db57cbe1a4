using System.CommandLine;
using Ktap.Profiles;

namespace Ktap.Cli;

/// <summary>`ktapc targets`: every target profile with its aliases, byte order, word size and registers.</summary>
public static class TargetsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("targets", "List the target profiles: names, aliases, byte order, word size, registers.");
        command.SetAction(_ => Run(context));
        return command;
    }

    public static int Run(CliContext context)
    {
        var o = context.Out;
        foreach (var p in TargetProfiles.All)
        {
            var regs = p.Registers;
            o.WriteLine($"{p.Name}: {p.Description}");
            o.WriteLine($"  aliases      {string.Join(", ", p.Aliases)}");
            o.WriteLine($"  byte order   {(p.ByteOrder == ByteOrder.Big ? "big-endian" : "little-endian")}");
            o.WriteLine($"  word size    {p.WordSize} bytes");
            o.WriteLine($"  arch number  {(byte)p.Arch}");
            o.WriteLine($"  registers    {string.Join(" ", regs.Registers.Select(r => r.Name))}");
            o.WriteLine($"  arguments    {string.Join(" ", regs.ArgumentRegisters.Select((r, i) => $"$arg{i + 1}={r}"))}");
            o.WriteLine($"  return       {regs.ReturnRegister}, stack pointer {regs.StackPointer}");
            o.WriteLine($"  syscalls     {SyscallConventions.EnterTracepoint("NAME")}: arg1 = number, arg2.. = arguments; absent: {string.Join(" ", p.Syscalls.Absent.Order(StringComparer.Ordinal))}");
        }
        return ExitCodes.Success;
    }
}
