using System.Globalization;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>Which tasks a session traces (docs/ktap.md, "Scope").</summary>
public abstract record SessionScope
{
    /// <summary>Every task (`-a`, and a session without a workload).</summary>
    public sealed record System : SessionScope;
    /// <summary>The workload (`-- CMD`) and its descendants: the default with a workload.</summary>
    public sealed record Workload : SessionScope;
    /// <summary>One running process and its threads (`-p PID`).</summary>
    public sealed record Process(int Pid) : SessionScope;

    public static readonly SessionScope Everything = new System(), WorkloadTree = new Workload();
}

/// <summary>
/// The POSIX shell script that runs one ktap session on the board through a single exec
/// channel (docs/ktap.md, "The session on the board"): the bundle arrives on stdin and is
/// written to /dev/ktap; records stream back on stdout; a line on stdin (or the workload's
/// end) writes "stop", which ends the session in order; EOF on stdin without that line (the
/// connection dropped) closes /dev/ktap without "stop", and the module removes the probes.
/// Markers on stderr start with "@ktap:".
///
/// Nothing the script does after arming should be what the probes see. So every process it
/// needs (the workload, the record reader, the stdin watcher) is started before the bundle
/// is written, each stopping itself (SIGSTOP) as its first act; after arming one `kill -CONT`
/// releases them, and each goes straight to its own exec (the workload, cat) or read (the
/// watcher). The workload is then a task whose first traced instruction after arming is its
/// exec of CMD, and its pid is known before arming: it is the scope given to the module
/// ("scope PID children", docs/kernel-module.md). Ending the session by any way ends the
/// workload too: the watcher signals its process group (it runs under setsid where the
/// board has one).
/// </summary>
public static class SessionScript
{
    public const string Armed = "@ktap:armed", NoDevice = "@ktap:nodev", Refused = "@ktap:refused ", WorkloadExit = "@ktap:workload-exit ";
    /// <summary>The watcher is ending the session (the host's stop line or a dropped connection):
    /// sent before it signals the workload, so a workload status after it is not the workload's own end.</summary>
    public const string Ending = "@ktap:ending";
    public const int NoDeviceStatus = 97, RefusedStatus = 98, OpenFailedStatus = 96, FactsChangedStatus = 95;
    public const string FactsChanged = "@ktap:facts-changed";
    public const string NoProcess = "@ktap:noprocess";
    public const int NoProcessStatus = 94, HelperFailedStatus = 93;

    public const string Device = "/dev/ktap";

    /// <param name="expect">The kernel release and machine the host linked for (from an earlier
    /// run's cache); when the board differs the script exits before touching the device.</param>
    /// <param name="scope">Null: the workload's tree when there is a workload, else everything.</param>
    /// <param name="cpu">`-C N`: only CPU N's events (the module's "cpu N" command); null: every CPU.</param>
    /// <param name="timestamps">`-T`: the module frames each record with its time (the "time" command).</param>
    /// <param name="sdtSemaphores">USDT markers with a semaphore: bundle event index and the
    /// semaphore's file offset, one "sdt-sem EVENT OFFSET" command each (kernel/sdt.c).</param>
    public static string Build(int bundleLength, IReadOnlyList<string> workload, string device = Device, (string Release, string Machine)? expect = null,
        SessionScope? scope = null, int? cpu = null, bool timestamps = false, IReadOnlyList<(int Event, ulong Offset)>? sdtSemaphores = null)
    {
        scope ??= workload.Count > 0 ? SessionScope.WorkloadTree : SessionScope.Everything;
        if (scope is SessionScope.Workload && workload.Count == 0)
            throw new ArgumentException("a workload scope needs a workload", nameof(scope));
        if (scope is SessionScope.Process && workload.Count > 0)
            throw new ArgumentException("-p PID takes no workload", nameof(scope));
        var lines = new List<string>();
        if (expect is { } e)
            lines.Add($"[ \"$(uname -r)\" = {Shell.Quote(e.Release)} ] && [ \"$(uname -m)\" = {Shell.Quote(e.Machine)} ] || {{ echo '{FactsChanged}' >&2; exit {FactsChangedStatus}; }}");
        // (not `exec 3<>DEV 2>/dev/null`: exec would keep stderr redirected for the whole script)
        lines.Add($"[ -e {Shell.Quote(device)} ] || {{ echo '{NoDevice}' >&2; exit {NoDeviceStatus}; }}");
        if (scope is SessionScope.Process { Pid: var pid })
            lines.Add($"[ -d /proc/{pid.ToString(CultureInfo.InvariantCulture)} ] || {{ echo '{NoProcess}' >&2; exit {NoProcessStatus}; }}");
        lines.AddRange(new[]
        {
            $"exec 3<>{Shell.Quote(device)} || exit {OpenFailedStatus}",
            "exec 4<&0",
            // The bundle: exactly its length from stdin, in one write(); a refused bundle fails
            // that write and reading the device then gives the module's message. dd, not head:
            // busybox head exits 0 after a failed write, and the message was then read as
            // records ("a record of 1651470960 bytes": the text "prob...").
            // The write that arms the probes is itself traced (its sys_exit_write): run dd as
            // "busybox dd" where there is a busybox, so that its comm is not a workload's "dd".
            "if command -v busybox >/dev/null 2>&1; then d='busybox dd'; else d=dd; fi",
            // stopped PID: wait (shell built-ins only) until PID stopped itself; false if it died
            "stopped() { while read -r _ _ t _ <\"/proc/$1/stat\"; do case $t in T) return 0 ;; Z|X) return 1 ;; esac; done 2>/dev/null; return 1; }",
            // The record reader: stopped until the session is armed, then cat.
            "sh -c 'kill -STOP $$ && exec cat' ktap <&3 4<&- & r=$!",
        });
        var helpers = "$r $w";
        if (workload.Count > 0)
        {
            // The workload in its own session and process group (setsid execs in place: the
            // pid stays the workload's), stopped before its exec until the session is armed.
            lines.Add("if command -v setsid >/dev/null 2>&1; then g=setsid; else g=; fi");
            lines.Add($"$g sh -c 'kill -STOP $$ && exec \"$@\"' ktap {string.Join(' ', workload.Select(Shell.Quote))} 3>&- 4>&- </dev/null >&2 & p=$!");
            lines.Add("if [ -n \"$g\" ]; then k=-$p; else k=$p; fi");
            helpers = "$r $w $p";
        }
        else
        {
            lines.Add("k=");
        }
        // The watcher of stdin: a line is the host's stop (Ctrl-C, the duration, the stream's
        // end); EOF is a dropped connection (the reader is killed: the device closes without
        // "stop"). Either way the workload's group is ended.
        lines.Add($"sh -c 'kill -STOP $$; if read -r _; then printf stop >&3; else kill $1; fi 2>/dev/null; echo {Ending} >&2; [ -z \"$2\" ] || kill -TERM $2 2>/dev/null' ktap $r \"$k\" <&4 & w=$!");
        if (scope is SessionScope.Process { Pid: var traced })
        {
            lines.Add(ProcessWatcher(traced));
            helpers += " $x";
        }
        lines.Add($"fail() {{ kill -9 {helpers} 2>/dev/null; {{ printf '{Refused}'; cat <&3; }} >&2; exit {RefusedStatus}; }}");
        lines.Add($"for h in {helpers}; do stopped $h || {{ kill -9 {helpers} 2>/dev/null; echo 'ktap: a session helper did not start' >&2; exit {HelperFailedStatus}; }}; done");
        var scopeLine = scope switch
        {
            SessionScope.Workload => "scope $p children",
            SessionScope.Process { Pid: var n } => $"scope {n.ToString(CultureInfo.InvariantCulture)}",
            _ when workload.Count > 0 => "scope $p all", // traces everything; names the workload for cpid()
            _ => null,
        };
        if (scopeLine is not null)
            lines.Add($"printf '%s\\n' \"{scopeLine}\" >&3 2>/dev/null || fail");
        if (cpu is { } only)
            lines.Add($"printf 'cpu %s\\n' {only.ToString(CultureInfo.InvariantCulture)} >&3 2>/dev/null || fail");
        if (timestamps)
            lines.Add("printf 'time\\n' >&3 2>/dev/null || fail");
        foreach (var (ev, offset) in sdtSemaphores ?? [])
            lines.Add($"printf 'sdt-sem %s %s\\n' {ev.ToString(CultureInfo.InvariantCulture)} {offset.ToString(CultureInfo.InvariantCulture)} >&3 2>/dev/null || fail");
        lines.Add($"$d bs={bundleLength} count=1 iflag=fullblock <&4 >&3 2>/dev/null || fail");
        lines.Add($"echo '{Armed}' >&2");
        lines.Add($"kill -CONT {helpers}");
        if (workload.Count > 0)
            lines.Add($"wait $p; s=$?; echo \"{WorkloadExit}$s\" >&2; printf stop >&3 2>/dev/null");
        lines.Add("wait $r");
        lines.Add(scope is SessionScope.Process ? "kill $w $x 2>/dev/null" : "kill $w 2>/dev/null");
        lines.Add("exit 0");
        return string.Join('\n', lines);
    }

    /// <summary>
    /// `-p PID`: the session ends when PID exits, as perf's and bpftrace's do. A helper (started
    /// and stopped before arming like the others) polls /proc/PID/stat with shell built-ins
    /// every half second and writes "stop" once PID is gone, a zombie, or another process
    /// that reuses its number (its start time, field 22, differs); the reader then sees
    /// trace_end's records and EOF, and the script ends as after a workload. The sleeps close
    /// the device (3>&-): a watcher killed at the end leaves no open /dev/ktap behind.
    /// </summary>
    private static string ProcessWatcher(int pid)
    {
        var p = pid.ToString(CultureInfo.InvariantCulture);
        // f PID: its state and start time (fields after the command name, which may hold spaces
        // and parentheses); false when it has no live process
        const string probe = "f() { read -r l <\"/proc/$1/stat\" || return 1; set -- ${l##*) }; case $1 in Z|X) return 1 ;; esac; t=${20}; } 2>/dev/null";
        return $"sh -c '{probe}; f {p}; s=$t; kill -STOP $$; while f {p} && [ \"$t\" = \"$s\" ]; do sleep 0.5 3>&- 2>/dev/null || sleep 1 3>&-; done; printf stop >&3' ktap <&- 4<&- & x=$!";
    }
}
