using Ktap.Profiles;

namespace Ktap.Binding.Events;

/// <summary>
/// Where function argument N is at a probe's entry, on top of ktap_regs.def's argument
/// registers: the first stack slot holding an argument, and whether user space passes
/// arguments in registers at all (i386 user code is cdecl: all on the stack).
/// </summary>
public static class CallingConvention
{
    /// <summary>$stackN index of the first argument that is not in a register.</summary>
    public static int FirstStackArgumentSlot(TargetArch arch) => arch switch
    {
        TargetArch.X86 or TargetArch.X86_64 => 1, // $stack0 is the return address
        TargetArch.PowerPC => 2,                  // back chain and LR save word come first
        _ => 0,                                   // arm: lr holds the return address
    };

    public static IReadOnlyList<string> ArgumentRegisters(TargetProfile target, bool userSpace) =>
        userSpace && target.Arch == TargetArch.X86 ? Array.Empty<string>() : target.Registers.ArgumentRegisters;
}
