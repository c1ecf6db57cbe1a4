using System.Globalization;
using Ktap.Output;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>How a session ended.</summary>
/// <param name="WorkloadExit">The workload's exit status when it ended by itself (before the
/// session was ended from the host, by exit() or by a dropped connection); null otherwise.</param>
public sealed record SessionResult(SessionSummary? Summary, int? WorkloadExit, bool Stopped);

/// <summary>
/// Runs one session on the board: sends the bundle, streams records into the output as they
/// arrive, and ends the session in order on Ctrl-C, at the duration, or when the workload
/// exits. A dropped connection is reported with its exit code.
/// </summary>
public static class SessionRunner
{
    public static SessionResult Run(BoardConnection connection, byte[] bundle, IReadOnlyList<string> workload, TimeSpan? duration,
        ISessionOutput output, TextWriter err, CancellationToken interrupt, string device = SessionScript.Device,
        (string Release, string Machine)? expect = null, SessionScope? scope = null, Action? onArmed = null, int? cpu = null,
        bool endAfterMain = false, bool timestamps = false, IReadOnlyList<(int Event, ulong Offset)>? sdtSemaphores = null)
    {
        using var process = connection.Start(SessionScript.Build(bundle.Length, workload, device, expect, scope, cpu, timestamps, sdtSemaphores), "the session ran");
        var armed = new ManualResetEventSlim();
        string? refused = null, noDevice = null;
        int? workloadExit = null;
        var ending = false; // the watcher signalled the workload: its status is ours, not its own
        // Everything on stderr comes from the board: lines are bounded, markers are parsed
        // without trusting them, and what is shown is escaped (TerminalText).
        var stderr = Task.Run(() =>
        {
            var reader = new BoundedLines(process.ErrorOutput);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line == SessionScript.Armed) { armed.Set(); onArmed?.Invoke(); }
                else if (line == SessionScript.NoDevice || line == SessionScript.FactsChanged) noDevice ??= line;
                else if (line == SessionScript.NoProcess) { } // the exit status says it: NoSuchProcess
                else if (line == SessionScript.Ending) ending = true;
                else if (line.StartsWith(SessionScript.Refused, StringComparison.Ordinal)) refused = line[SessionScript.Refused.Length..];
                else if (refused is not null) { if (refused.Length < HostLimits.MessageChars) refused += "\n" + line; }
                else if (line.StartsWith(SessionScript.WorkloadExit, StringComparison.Ordinal))
                {
                    if (int.TryParse(line.AsSpan(SessionScript.WorkloadExit.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var code)) workloadExit = ending ? null : code;
                    else lock (err) err.WriteLine($"ktap: the board sent a bad workload exit status: {TerminalText.Quote(line)}");
                }
                else lock (err) err.WriteLine(TerminalText.Line(line)); // the workload's output and the board's messages
            }
        });

        try
        {
            process.Input.Write(bundle);
            process.Input.Flush();
        }
        // The script ended early (the board refused a command before reading the bundle):
        // its status and message tell why. SSH.NET says so with an SshException, or with an
        // InvalidOperationException once the command has finished (seen in ktap-e2e's -C 7).
        catch (Exception e) when (e is Renci.SshNet.Common.SshException or InvalidOperationException or ObjectDisposedException or IOException) { }

        // Ask the board to stop once (Ctrl-C or the duration), only after the bundle was taken:
        // before that, the line could be read as part of the bundle.
        var stopOnce = 0;
        void Stop()
        {
            if (Interlocked.Exchange(ref stopOnce, 1) != 0) return;
            Task.Run(() =>
            {
                while (!armed.Wait(100)) if (process.IsCompleted) return;
                try
                {
                    process.Input.Write("stop\n"u8);
                    process.Input.Flush();
                }
                catch (Exception) { /* the session already ended */ }
            });
        }
        // A script with no probe and no workload ends after its main chunk (ktap 0.4): main ran
        // inside the bundle's write, so "armed" means it is done; stop then runs trace_end.
        if (endAfterMain) Stop();
        using var onInterrupt = interrupt.Register(Stop);
        using var timer = duration is { } d ? new Timer(_ => Stop(), null, d, Timeout.InfiniteTimeSpan) : null;

        var buffer = new byte[64 * 1024];
        Exception? decodeFailure = null;
        var reading = Task.Run(() =>
        {
            int n;
            while ((n = process.Output.Read(buffer)) > 0)
            {
                try { output.Write(buffer.AsSpan(0, n)); }
                catch (Exception e) { decodeFailure = e; return; }
                // exit() in a handler ended the session on the board; the stream stays open
                // while the workload runs, so end it (and the workload) from here
                if (output.Ended) Stop();
            }
        });
        while (!reading.Wait(200))
            if (connection.LostReason is { } lost) throw SshFailures.Lost(connection.Endpoint, "the session ran", lost);
        // The records ended: the session stopped on the board (exit() in a handler, or the
        // workload's end, or our stop). Say stop anyway: the board's watcher then ends a
        // workload that still runs, and the script can end (docs/ktap.md).
        var stoppedByUs = Volatile.Read(ref stopOnce) != 0;
        if (decodeFailure is null) Stop();
        if (decodeFailure is not null)
        {
            // The output cannot be trusted any more, but the board's session must not stay
            // armed: end it in order (stop, then EOF), drain briefly, and only then report.
            Abort(process, armed.Wait(TimeSpan.FromMilliseconds(500)), buffer);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(decodeFailure);
        }
        reading.GetAwaiter().GetResult();
        // stderr to its end before Wait: SshCommand.EndExecute drains what is left into its
        // Error property, which would race this reader for the last lines.
        for (var waited = 0; !stderr.Wait(200) && waited < 25; waited++)
            if (connection.LostReason is { } lost) throw SshFailures.Lost(connection.Endpoint, "the session ran", lost);
        var status = process.Wait();
        if (status == SessionScript.FactsChangedStatus)
            throw new FactsChangedException();
        if (status == SessionScript.NoProcessStatus && scope is SessionScope.Process { Pid: var pid })
            throw new KtapException(ExitCodes.NoSuchProcess, $"no process {pid} on {connection.Endpoint.Host} (-p PID: a process id on the board)");
        if (status == SessionScript.HelperFailedStatus)
            throw new KtapException(ExitCodes.Failure, $"the session on {connection.Endpoint.Host} could not start its helper processes (see the message above)");
        if (status == SessionScript.NoDeviceStatus)
            throw new KtapException(ExitCodes.ModuleMissing, $"/dev/ktap is missing on {connection.Endpoint.Host}: the ktapvm module is not loaded (ktap deploy --board NAME)");
        if (status == SessionScript.RefusedStatus)
        {
            var message = TerminalText.Quote((refused ?? "no message").Trim());
            throw new KtapException(RefusalExitCode(message), $"the board refused the bundle: {message}");
        }
        if (status == SessionScript.OpenFailedStatus)
            throw new KtapException(ExitCodes.ModuleMissing, $"cannot open /dev/ktap on {connection.Endpoint.Host} (see the message above)");
        if (status != 0)
            throw new KtapException(ExitCodes.Failure, $"the session on {connection.Endpoint.Host} ended with status {status}");
        return new SessionResult(output.Complete(), workloadExit, stoppedByUs);
    }

    /// <summary>
    /// The exit code of a bundle the board's module refused: a target mismatch when the loader's
    /// message is one of the Foreign faults (another architecture, byte order, word size, format
    /// version or runtime ABI; ktap_bundle_faults.def), else a script error (a damaged bundle,
    /// the verifier, a probe that cannot be armed).
    /// </summary>
    public static int RefusalExitCode(string message) =>
        Ktap.Bundle.BundleFaults.Recognize(message) is { Foreign: true } ? ExitCodes.TargetMismatch : ExitCodes.ScriptError;

    /// <summary>How long an aborted session may take to end after "stop" before it is killed.</summary>
    public static TimeSpan AbortGrace { get; set; } = TimeSpan.FromSeconds(5);

    // Ends a session whose output ktap gave up on: "stop" when armed (the module disarms in
    // order), then EOF (the session script kills its reader: the device is closed, and the
    // module removes the probes itself); the rest of the output is read and dropped so the
    // board is not blocked writing it; a board that does not end is signalled.
    private static void Abort(RemoteProcess process, bool armed, byte[] buffer)
    {
        try
        {
            if (armed) process.Input.Write("stop\n"u8);
            process.Input.Flush();
        }
        catch (Exception) { /* the session already ended */ }
        process.CloseInput();
        var drain = Task.Run(() =>
        {
            try { while (process.Output.Read(buffer) > 0) { } }
            catch (Exception) { /* the channel closed */ }
        });
        if (!drain.Wait(AbortGrace)) process.Signal(kill: true);
    }
}

/// <summary>The board no longer runs the kernel/architecture the host linked for (cached facts are stale).</summary>
public sealed class FactsChangedException() : KtapException(ExitCodes.Failure, "the board's kernel or architecture changed since the last run");
