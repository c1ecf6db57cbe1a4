namespace Ktap.Profiles;

/// <summary>
/// The registry of targets. Adding a target is adding one profile here, its
/// runtime/arch/&lt;dir&gt;/ktap_regs.def and its TargetArch number (docs/targets.md).
/// </summary>
public static class TargetProfiles
{
    public static readonly TargetProfile X86 = new(
        "x86", new[] { "i686", "i386", "x86_32" }, TargetArch.X86, ByteOrder.Little, 4, "x86",
        "32-bit x86 (i686), little-endian; kernel built with -mregparm=3")
    {
        Syscalls = new(
            // Debian 6.1 i386: socket calls exist as direct syscalls since 4.3 except accept, send, recv
            // (only through socketcall); 64-bit-only names are absent.
            Absent: Set("accept", "send", "recv", "newfstatat", "arch_prctl"),
            Notes: "i386 ABI: also has socketcall, ipc, waitpid, llseek, stat64, mmap_pgoff (mmap2)"),
    };

    public static readonly TargetProfile X86_64 = new(
        "x86_64", new[] { "amd64", "x64" }, TargetArch.X86_64, ByteOrder.Little, 8, "x86_64",
        "64-bit x86, little-endian")
    {
        Syscalls = new(
            // 32-bit-only and multiplexed calls are not in the x86_64 table.
            Absent: Set("socketcall", "ipc", "waitpid", "llseek", "mmap_pgoff", "stat64", "lstat64",
                "fstat64", "fstatat64", "fcntl64", "sigprocmask", "sigaction", "sigsuspend", "send", "recv",
                "nice", "sgetmask", "ssetmask", "signal", "oldumount", "old_readdir", "old_select", "old_mmap"),
            Notes: "x86_64 ABI: open, stat, fork and the direct socket calls are present"),
    };

    public static readonly TargetProfile ArmV7 = new(
        "arm-v7", new[] { "arm", "armhf", "armv7", "armv7l" }, TargetArch.ArmV7, ByteOrder.Little, 4, "arm",
        "ARMv7 hard-float (EABI), little-endian, 32-bit")
    {
        Syscalls = new(
            // EABI kernels without OABI compat (Debian armhf) drop the OABI-only entries of
            // arch/arm/tools/syscall.tbl: time, stime, alarm, utime, socketcall, ipc, old select/mmap/readdir.
            Absent: Set("time", "time32", "stime", "stime32", "alarm", "utime", "utime32", "socketcall", "ipc",
                "old_select", "old_mmap", "old_readdir", "oldumount", "newfstatat", "arch_prctl"),
            Notes: "ARM EABI: open is present (unlike arm64); direct socket calls; mmap2 is mmap_pgoff"),
    };

    public static readonly TargetProfile PowerPC = new(
        "powerpc", new[] { "ppc", "ppc32", "powerpc32" }, TargetArch.PowerPC, ByteOrder.Big, 4, "powerpc",
        "32-bit PowerPC, big-endian")
    {
        Syscalls = new(
            Absent: Set("newfstatat", "arch_prctl"),
            Notes: "PowerPC 32 ABI: has socketcall, ipc and the direct socket calls; open is present"),
    };

    public static readonly TargetProfile Arm64 = new(
        "arm64", new[] { "aarch64", "arm64-v8", "armv8" }, TargetArch.Arm64, ByteOrder.Little, 8, "arm64",
        "64-bit ARM (AArch64), little-endian")
    {
        Syscalls = new(
            // arm64 uses the generic table (include/uapi/asm-generic/unistd.h): only the *at,
            // *2/*4, p* and rt_* forms of the old calls exist, no multiplexers, no 32-bit variants.
            Absent: Set("open", "creat", "stat", "lstat", "access", "mkdir", "rmdir", "unlink", "rename",
                "link", "symlink", "readlink", "chmod", "chown", "lchown", "mknod", "utime", "utimes",
                "futimesat", "pipe", "dup2", "poll", "select", "epoll_create", "epoll_wait", "inotify_init",
                "eventfd", "signalfd", "fork", "vfork", "getpgrp", "pause", "time", "alarm", "getdents",
                "uselib", "ustat", "sysfs", "socketcall", "ipc", "waitpid", "llseek", "mmap_pgoff",
                "stat64", "lstat64", "fstat64", "fstatat64", "fcntl64", "sigprocmask", "sigaction",
                "sigsuspend", "sigpending", "send", "recv", "nice", "sgetmask", "ssetmask", "signal",
                "oldumount", "old_readdir", "old_select", "old_mmap", "arch_prctl"),
            Notes: "arm64 (asm-generic) ABI: no open/stat/fork/pipe/poll: openat, newfstatat, clone, pipe2, ppoll; direct socket calls"),
    };

    /// <summary>Every target, in architecture-number order.</summary>
    public static IReadOnlyList<TargetProfile> All { get; } = new[] { X86, X86_64, ArmV7, PowerPC, Arm64 };

    /// <summary>The profile named or aliased <paramref name="nameOrAlias"/> (case-insensitive), or null.</summary>
    public static TargetProfile? Find(string nameOrAlias) =>
        All.FirstOrDefault(p => p.Name.Equals(nameOrAlias, StringComparison.OrdinalIgnoreCase)
            || p.Aliases.Any(a => a.Equals(nameOrAlias, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The profile of a bundle header's arch number, or null.</summary>
    public static TargetProfile? FindByArch(TargetArch arch) => All.FirstOrDefault(p => p.Arch == arch);

    /// <summary>Every accepted name and alias, for help texts and "did you mean".</summary>
    public static IReadOnlyList<string> Names { get; } = All.SelectMany(p => p.Aliases.Prepend(p.Name)).ToArray();

    /// <summary>The known names closest to an unknown one (edit distance at most 2, or a shared prefix).</summary>
    public static IReadOnlyList<string> Suggest(string unknown)
    {
        var u = unknown.ToLowerInvariant();
        return Names
            .Select(n => (Name: n, Distance: EditDistance(u, n.ToLowerInvariant())))
            .Where(x => x.Distance <= 2 || (u.Length >= 3 && x.Name.StartsWith(u, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).ToArray();
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static IReadOnlyCollection<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.Ordinal);
}
