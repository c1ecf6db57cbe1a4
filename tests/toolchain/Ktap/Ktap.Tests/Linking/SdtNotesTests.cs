using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>
/// The .note.stapsdt reader on real programs: tests/kernel/sdt-markers.c (the program the
/// boards run) built here by each cross compiler of scripts/deps, and compared with what
/// binutils' readelf and nm say about the same file.
/// </summary>
public sealed class SdtNotesTests
{
    public static readonly TheoryData<string> Compilers = new()
    {
        "gcc", "i686-linux-gnu-gcc", "arm-linux-gnueabihf-gcc", "aarch64-linux-gnu-gcc", "powerpc-linux-gnu-gcc",
    };

    [Theory]
    [MemberData(nameof(Compilers))]
    public void ReadsEveryMarkerAsReadelfDoes(string compiler)
    {
        string readelf = "", nmOut = "";
        var data = SdtProgram.Build(compiler, withFile: file =>
        {
            readelf = SdtProgram.Tool(SdtProgram.Binutil(compiler, "readelf"), "-n", file);
            nmOut = SdtProgram.Tool(SdtProgram.Binutil(compiler, "nm"), file);
        });
        var elf = new ElfSymbols(data, compiler);
        var markers = elf.SdtMarkers;
        Assert.Equal(["ktap_test:tick", "ktap_test:hit"], markers.Select(m => m.FullName).Order().Reverse());
        // readelf -n: "Name: tick", "Location: 0x..., Base: ..., Semaphore: 0x...", "Arguments: ..."
        var notes = readelf.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var m in markers)
        {
            var at = notes.FindIndex(l => l == $"Name: {m.Name}");
            Assert.True(at >= 0, $"readelf shows no marker {m.Name}");
            var location = notes[at + 1];
            Assert.Equal(m.Address, Convert.ToUInt64(location.Split(',')[0]["Location: ".Length..], 16));
            Assert.Equal($"Arguments: {string.Join(' ', m.Arguments)}", notes[at + 2]);
            // the marker's file offset is the nop sys/sdt.h put there
            Assert.Equal(Nop(elf.Machine, elf.BigEndian), data.AsSpan((int)m.FileOffset, Nop(elf.Machine, elf.BigEndian).Length).ToArray());
        }
        var hit = markers.Single(m => m.Name == "hit");
        var tick = markers.Single(m => m.Name == "tick");
        Assert.Equal(0UL, tick.SemaphoreOffset);
        // the semaphore: nm's address of ktap_test_hit_semaphore, as a file offset, holding 0
        var nm = nmOut.Split('\n').Single(l => l.EndsWith(" ktap_test_hit_semaphore"));
        Assert.Equal(elf.FileOffset(Convert.ToUInt64(nm.Split(' ')[0], 16)), hit.SemaphoreOffset);
        Assert.Equal(0, BitConverter.ToUInt16(data, (int)hit.SemaphoreOffset));
        Assert.Equal(2, tick.Arguments.Count);
    }

    // The instruction sys/sdt.h puts at a marker: nop (x86), ARM nop (hint), AArch64 nop, PowerPC nop.
    private static byte[] Nop(int machine, bool big) => machine switch
    {
        3 or 62 => [0x90],
        40 => [0x00, 0xf0, 0x20, 0xe3],
        183 => [0x1f, 0x20, 0x03, 0xd5],
        20 => big ? [0x60, 0x00, 0x00, 0x00] : [0x00, 0x00, 0x00, 0x60],
        _ => throw new ArgumentException($"machine {machine}"),
    };

    [Fact]
    public void AMarkerInThumbCodeIsFlagged()
    {
        // arm-linux-gnueabihf-gcc's default is Thumb-2: its nop is 16 bits, where arm uprobes
        // would write a 32-bit ARM breakpoint (measured on qemu-arm-v7: the program crashed).
        var thumb = new ElfSymbols(SdtProgram.Build("arm-linux-gnueabihf-gcc", thumb: true), "t").SdtMarkers;
        Assert.All(thumb, m => Assert.True(m.Thumb));
        var arm = new ElfSymbols(SdtProgram.Build("arm-linux-gnueabihf-gcc"), "t").SdtMarkers;
        Assert.All(arm, m => Assert.False(m.Thumb));
    }

    [Fact]
    public void AFileWithoutNotesSaysSo()
    {
        var elf = new ElfSymbols(ElfSymbolsTests.Build("gcc", "-static"), "/bin/app");
        var e = Assert.Throws<ElfException>(() => elf.SdtMarkers);
        Assert.Equal("/bin/app has no USDT markers (no .note.stapsdt section: built without <sys/sdt.h> probes, or stripped of them)", e.Message);
    }

    [Fact]
    public void APrelinkedFileMovesMarkersAndSemaphoresByTheBasesMove()
    {
        // Prelink moves .stapsdt.base, never the notes: the reader adds the move to both addresses.
        var data = SdtProgram.Build("gcc");
        var before = new ElfSymbols(data, "t").SdtMarkers.Single(m => m.Name == "hit");
        var moved = (byte[])data.Clone();
        var header = SectionHeader(moved, ".stapsdt.base");
        var addr = BinaryPrimitives.ReadUInt64LittleEndian(moved.AsSpan(header + 16, 8));
        BinaryPrimitives.WriteUInt64LittleEndian(moved.AsSpan(header + 16, 8), addr + 0x10);
        var after = new ElfSymbols(moved, "t").SdtMarkers.Single(m => m.Name == "hit");
        Assert.Equal(before.Address + 0x10, after.Address);
        Assert.Equal(before.FileOffset + 0x10, after.FileOffset);
        Assert.Equal(before.SemaphoreOffset + 0x10, after.SemaphoreOffset);
    }

    [Fact]
    public void ADamagedNoteIsAnElfErrorNotACrash()
    {
        var data = SdtProgram.Build("gcc");
        var header = SectionHeader(data, ".note.stapsdt");
        var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(header + 24, 8));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offset + 4, 4), 0x7fff0000); // descsz past the section
        var e = Assert.Throws<ElfException>(() => new ElfSymbols(data, "/bin/t").SdtMarkers);
        Assert.Equal("/bin/t: a note of .note.stapsdt runs past its section", e.Message);
    }

    // The offset of an ELF64 little-endian file's section header named `name`.
    private static int SectionHeader(byte[] data, string name)
    {
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(40, 8));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(58, 2)), shnum = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(60, 2));
        var strndx = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(62, 2));
        var strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(shoff + strndx * shentsize + 24, 8));
        for (var i = 0; i < shnum; i++)
        {
            var h = shoff + i * shentsize;
            var at = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(h, 4));
            if (System.Text.Encoding.ASCII.GetString(data, at, name.Length + 1) == name + "\0") return h;
        }
        throw new InvalidOperationException($"no section {name}");
    }
}

/// <summary>tests/kernel/sdt-markers.c built static with a compiler of scripts/deps.</summary>
internal static class SdtProgram
{
    /// <summary>The program built with <paramref name="compiler"/> as the boards build it (-O0;
    /// ARM code on arm: <paramref name="thumb"/> builds arm-linux-gnueabihf-gcc's default, Thumb;
    /// -O1 puts 64-bit values in register pairs on 32-bit targets); <paramref name="withFile"/>
    /// sees the file before it is deleted (for binutils).</summary>
    public static byte[] Build(string compiler, string optimization = "-O0", Action<string>? withFile = null, bool thumb = false)
    {
        var dir = Directory.CreateTempSubdirectory("ktap-sdt-").FullName;
        // sys/sdt.h is one header for every architecture, installed under the host's multiarch
        // directory (systemtap-sdt-dev): the cross compilers get it through a directory of its own.
        var include = Path.Combine(dir, "include", "sys");
        Directory.CreateDirectory(include);
        var multiarch = Tool("gcc", "-print-multiarch").Trim();
        foreach (var h in new[] { "sdt.h", "sdt-config.h" })
        {
            var from = $"/usr/include/{multiarch}/sys/{h}";
            if (!File.Exists(from)) throw new InvalidOperationException($"{from} is missing: install systemtap-sdt-dev (scripts/deps.sh)");
            File.CreateSymbolicLink(Path.Combine(include, h), from);
        }
        var file = Path.Combine(dir, "sdt-markers");
        string[] mode = compiler.StartsWith("arm-", StringComparison.Ordinal) && !thumb ? ["-marm"] : [];
        var psi = new ProcessStartInfo(compiler, ["-static", optimization, .. mode, "-Wall", "-Wextra", "-Werror", "-idirafter", Path.Combine(dir, "include"),
            "-o", file, Path.Combine(Root(), "tests", "kernel", "sdt-markers.c")]) { RedirectStandardError = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { throw new InvalidOperationException($"{compiler} is not installed: run scripts/deps.sh"); }
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        try
        {
            Assert.True(p.ExitCode == 0, err);
            withFile?.Invoke(file);
            return File.ReadAllBytes(file);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>binutils' tool for the compiler's target: readelf for gcc, arm-linux-gnueabihf-readelf for its gcc.</summary>
    public static string Binutil(string compiler, string tool) => compiler == "gcc" ? tool : compiler[..^3] + tool;

    public static string Tool(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var s = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed");
        return s;
    }

    private static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "tests", "kernel", "sdt-markers.c"))) return d.FullName;
        throw new InvalidOperationException("tests/kernel/sdt-markers.c not found above " + AppContext.BaseDirectory);
    }
}
