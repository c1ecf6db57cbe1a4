using System.Diagnostics;
using Ktap.Tool;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>
/// Symbol resolution on real ELF files: tiny programs built here by each cross compiler of
/// scripts/deps (ELF32/ELF64, little and big endian), and this machine's libc.
/// </summary>
public sealed class ElfSymbolsTests
{
    // A function whose first bytes are "KTAP!!": its file offset must point at them.
    private const string Source = """
        __asm__(".text\n.globl ktap_probe_me\n.type ktap_probe_me, %function\nktap_probe_me:\n.byte 0x4b,0x54,0x41,0x50,0x21,0x21\n.size ktap_probe_me, 6\n");
        void _start(void) { for (;;) ; }
        """;

    private static byte[] Build(string compiler) => Build(compiler, "-static");

    /// <summary>The test program (ktap_probe_me, 6 bytes, then _start) built with these link
    /// flags (-static; -fPIE -pie for a PIE); also used by UserSymbolsTests.</summary>
    internal static byte[] Build(string compiler, params string[] linkFlags)
    {
        var dir = Directory.CreateTempSubdirectory("ktap-elf-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "t.c"), Source);
            var psi = new ProcessStartInfo(compiler, ["-nostdlib", .. linkFlags, "-O1", "-o", Path.Combine(dir, "t"), Path.Combine(dir, "t.c")])
            { RedirectStandardError = true };
            Process p;
            try { p = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"{compiler} is not installed: run scripts/deps.sh"); }
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            return File.ReadAllBytes(Path.Combine(dir, "t"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("gcc", true, false, 62)]
    [InlineData("i686-linux-gnu-gcc", false, false, 3)]
    [InlineData("arm-linux-gnueabihf-gcc", false, false, 40)]
    [InlineData("powerpc-linux-gnu-gcc", false, true, 20)]
    public void ResolvesAFunctionToItsFileOffset(string compiler, bool is64, bool big, int machine)
    {
        var data = Build(compiler);
        var elf = new ElfSymbols(data, compiler);
        Assert.Equal(is64, elf.Is64);
        Assert.Equal(big, elf.BigEndian);
        Assert.Equal(machine, elf.Machine);
        var sym = elf.Find("ktap_probe_me");
        Assert.Equal(6UL, sym.Size);
        Assert.Equal("KTAP!!"u8.ToArray(), data.AsSpan((int)sym.FileOffset, 6).ToArray());
        Assert.NotEqual(sym.Address, sym.FileOffset); // the mapping did something: vaddr is not the offset
    }

    [Fact]
    public void ReadsTheDynamicSymbolsOfThisMachinesLibc()
    {
        var path = "/lib/x86_64-linux-gnu/libc.so.6";
        var data = File.ReadAllBytes(path);
        var elf = new ElfSymbols(data, path);
        var malloc = elf.Find("malloc");
        var nm = Tool("nm", "-D", "--defined-only", path).Split('\n').First(l => l.EndsWith(" malloc@@GLIBC_2.2.5") || l.EndsWith(" malloc"));
        Assert.Equal(Convert.ToUInt64(nm.Split(' ')[0], 16), malloc.Address);
        Assert.True(malloc.FileOffset < (ulong)data.Length);
    }

    [Fact]
    public void MissingSymbolSuggestsTheClosest()
    {
        var elf = new ElfSymbols(Build("gcc"), "/bin/app");
        var e = Assert.Throws<ElfException>(() => elf.Find("ktap_probe_mee"));
        Assert.Equal(ExitCodes.ScriptError, e.ExitCode);
        Assert.Equal("/bin/app has no function 'ktap_probe_mee' (did you mean 'ktap_probe_me'?)", e.Message);
    }

    [Fact]
    public void NotAnElfFileSaysSo()
    {
        var e = Assert.Throws<ElfException>(() => new ElfSymbols("#!/bin/sh\necho this is a script, not a program\n"u8.ToArray(), "/bin/x"));
        Assert.Equal("/bin/x is not an ELF file", e.Message);
    }

    [Fact]
    public void TruncatedFileSaysSo()
    {
        var data = Build("gcc");
        var e = Assert.Throws<ElfException>(() => new ElfSymbols(data[..200], "/bin/t"));
        Assert.StartsWith("/bin/t: truncated ELF file (200 bytes", e.Message);
    }

    private static string Tool(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var s = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return s;
    }
}
