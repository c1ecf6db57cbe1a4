using System.Text;
using Ktap.Profiles;
using Ktap.Tool.Linking;

namespace Ktap.Tool.Remote;

/// <summary>Host-side checks of a ktapvm.ko before it is sent: ELF machine, class, byte order, vermagic.</summary>
public sealed record ModuleFile(string Path, byte[] Data, int Machine, bool Is64, bool BigEndian, string? VerMagic)
{
    public static ModuleFile Read(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KtapException(ExitCodes.Failure, $"cannot read the module {path}: {e.Message} (build it: scripts/build-module.sh FLAVOUR, e.g. 6.1-amd64)");
        }
        var elf = new ElfSymbols(data, path);
        return new ModuleFile(path, data, elf.Machine, elf.Is64, elf.BigEndian, FindVerMagic(data));
    }

    /// <summary>The kernel release the module was built for (first word of its vermagic).</summary>
    public string? KernelRelease => VerMagic?.Split(' ')[0];

    public static int MachineOf(TargetArch arch) => arch switch
    {
        TargetArch.X86 => 3, TargetArch.X86_64 => 62, TargetArch.ArmV7 => 40, TargetArch.PowerPC => 20, TargetArch.Arm64 => 183, _ => -1,
    };

    /// <summary>Refuses a module for another architecture, word size, byte order or kernel release.</summary>
    public void CheckFor(TargetProfile target, string release, string boardName)
    {
        if (Machine != MachineOf(target.Arch) || Is64 != (target.WordSize == 8) || BigEndian != (target.ByteOrder == ByteOrder.Big))
            throw new KtapException(ExitCodes.TargetMismatch,
                $"{Path} is an ELF{(Is64 ? 64 : 32)} {(BigEndian ? "big" : "little")}-endian module for machine {Machine}, board {boardName} is {target.Name}: build the module for the board (scripts/build-module.sh)");
        if (KernelRelease is { } built && built != release)
            throw new KtapException(ExitCodes.TargetMismatch,
                $"{Path} was built for kernel {built}, board {boardName} runs {release}: build it against the board's kernel headers");
    }

    private static string? FindVerMagic(byte[] data)
    {
        var key = "vermagic="u8;
        var at = data.AsSpan().IndexOf(key);
        if (at < 0) return null;
        var start = at + key.Length;
        var end = Array.IndexOf(data, (byte)0, start);
        return end < 0 ? null : Encoding.ASCII.GetString(data, start, end - start).Trim();
    }
}
