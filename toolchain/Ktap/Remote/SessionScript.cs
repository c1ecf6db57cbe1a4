using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>
/// The POSIX shell script that runs one ktap session on the board through a single exec
/// channel (docs/ktap.md, "The session on the board"): the bundle arrives on stdin and is
/// written to /dev/ktap; records stream back on stdout; a line on stdin (or the workload's
/// end) writes "stop", which ends the session in order; EOF on stdin without that line (the
/// connection dropped) closes /dev/ktap without "stop", and the module removes the probes.
/// Markers on stderr start with "@ktap:".
/// </summary>
public static class SessionScript
{
    public const string Armed = "@ktap:armed", NoDevice = "@ktap:nodev", Refused = "@ktap:refused ", WorkloadExit = "@ktap:workload-exit ";
    public const int NoDeviceStatus = 97, RefusedStatus = 98, OpenFailedStatus = 96, FactsChangedStatus = 95;
    public const string FactsChanged = "@ktap:facts-changed";

    public const string Device = "/dev/ktap";

    /// <param name="expect">The kernel release and machine the host linked for (from an earlier
    /// run's cache); when the board differs the script exits before touching the device.</param>
    public static string Build(int bundleLength, IReadOnlyList<string> workload, string device = Device, (string Release, string Machine)? expect = null)
    {
        var lines = new List<string>();
        if (expect is { } e)
            lines.Add($"[ \"$(uname -r)\" = {Shell.Quote(e.Release)} ] && [ \"$(uname -m)\" = {Shell.Quote(e.Machine)} ] || {{ echo '{FactsChanged}' >&2; exit {FactsChangedStatus}; }}");
        lines.AddRange(new[]
        {
            // (not `exec 3<>DEV 2>/dev/null`: exec would keep stderr redirected for the whole script)
            $"[ -e {Shell.Quote(device)} ] || {{ echo '{NoDevice}' >&2; exit {NoDeviceStatus}; }}",
            $"exec 3<>{Shell.Quote(device)} || exit {OpenFailedStatus}",
            "exec 4<&0",
            // The bundle: exactly its length from stdin, in one write(); a refused bundle fails
            // that write and reading the device then gives the module's message. dd, not head:
            // busybox head exits 0 after a failed write, and the message was then read as
            // records ("a record of 1651470960 bytes": the text "prob...").
            // The write that arms the probes is itself traced (its sys_exit_write): run dd as
            // "busybox dd" where there is a busybox, so that its comm is not a workload's "dd".
            "if command -v busybox >/dev/null 2>&1; then w='busybox dd'; else w=dd; fi",
            $"if ! $w bs={bundleLength} count=1 iflag=fullblock <&4 >&3 2>/dev/null; then {{ printf '{Refused}'; cat <&3; }} >&2; exit {RefusedStatus}; fi",
            $"echo '{Armed}' >&2",
            "cat <&3 4<&- & r=$!",
        });
        if (workload.Count > 0)
        {
            lines.Add($"{string.Join(' ', workload.Select(Shell.Quote))} 3>&- 4>&- </dev/null >&2 & p=$!");
            lines.Add("{ if read -r _ <&4; then printf stop >&3; else kill $r $p 2>/dev/null; fi; } 2>/dev/null & w=$!");
            lines.Add($"wait $p; s=$?; echo \"{WorkloadExit}$s\" >&2; printf stop >&3 2>/dev/null");
        }
        else
        {
            lines.Add("{ if read -r _ <&4; then printf stop >&3; else kill $r 2>/dev/null; fi; } 2>/dev/null & w=$!");
        }
        lines.Add("wait $r");
        lines.Add("kill $w 2>/dev/null");
        lines.Add("exit 0");
        return string.Join('\n', lines);
    }
}
