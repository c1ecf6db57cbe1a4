namespace Ktap.Profiles;

/// <summary>
/// How one target's kernel exposes system calls as tracepoints, as data the binder uses:
/// the tracepoint names, the argument layout of their events and the syscalls the
/// architecture's table lacks (so `syscalls:sys_enter_open` can be refused on a target
/// that has no `open`, with a message naming the target).
/// </summary>
/// <remarks>
/// Layout of `syscalls:sys_enter_NAME` events (kernel/trace/trace_syscalls.c): field 1 is
/// `__syscall_nr`, fields 2.. are the syscall's arguments in declaration order; scripts read
/// them as arg1 (the number), arg2, arg3, ... . `syscalls:sys_exit_NAME`: arg1 is the number,
/// arg2 the return value. The tracepoint name is the SYSCALL_DEFINE name, which is not always
/// the syscall table's name (i386's mmap2 is `sys_enter_mmap_pgoff`).
/// </remarks>
public sealed record SyscallConventions(
    IReadOnlyCollection<string> Absent,
    string Notes)
{
    public const string Subsystem = "syscalls";
    public const string EnterPrefix = "sys_enter_";
    public const string ExitPrefix = "sys_exit_";
    /// <summary>Event field holding the syscall number, on entry and exit.</summary>
    public const int NumberArg = 1;
    /// <summary>Event field holding the syscall's first argument (entry events).</summary>
    public const int FirstArgumentArg = 2;
    /// <summary>Event field holding the return value (exit events).</summary>
    public const int ReturnValueArg = 2;
    /// <summary>Most arguments a syscall has (fields arg2..arg7 of an entry event).</summary>
    public const int MaxArguments = 6;

    public static string EnterTracepoint(string syscall) => $"{Subsystem}:{EnterPrefix}{syscall}";
    public static string ExitTracepoint(string syscall) => $"{Subsystem}:{ExitPrefix}{syscall}";

    /// <summary>The syscall named by a `syscalls:sys_enter_X` / `sys_exit_X` event name, or null.</summary>
    public static string? SyscallOf(string eventName)
    {
        if (eventName.StartsWith(EnterPrefix, StringComparison.Ordinal)) return eventName[EnterPrefix.Length..];
        if (eventName.StartsWith(ExitPrefix, StringComparison.Ordinal)) return eventName[ExitPrefix.Length..];
        return null;
    }

    /// <summary>False when the target's syscall table has no such syscall (no tracepoint exists).</summary>
    public bool Has(string syscall) => !Absent.Contains(syscall);
}
