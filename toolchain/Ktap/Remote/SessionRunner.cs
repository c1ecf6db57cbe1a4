using System.Text;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>How a session ended.</summary>
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
        (string Release, string Machine)? expect = null)
    {
        using var process = connection.Start(SessionScript.Build(bundle.Length, workload, device, expect), "the session ran");
        var armed = new ManualResetEventSlim();
        string? refused = null, noDevice = null;
        int? workloadExit = null;
        var stderr = Task.Run(() =>
        {
            using var reader = new StreamReader(process.ErrorOutput, Encoding.UTF8);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line == SessionScript.Armed) armed.Set();
                else if (line == SessionScript.NoDevice || line == SessionScript.FactsChanged) noDevice ??= line;
                else if (line.StartsWith(SessionScript.Refused, StringComparison.Ordinal)) refused = line[SessionScript.Refused.Length..];
                else if (refused is not null) refused += "\n" + line;
                else if (line.StartsWith(SessionScript.WorkloadExit, StringComparison.Ordinal)) workloadExit = int.Parse(line[SessionScript.WorkloadExit.Length..]);
                else lock (err) err.WriteLine(line); // the workload's output and the board's messages
            }
        });

        try
        {
            process.Input.Write(bundle);
            process.Input.Flush();
        }
        catch (Renci.SshNet.Common.SshException) { /* the script ended early; its status tells why */ }

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
        using var onInterrupt = interrupt.Register(Stop);
        using var timer = duration is { } d ? new Timer(_ => Stop(), null, d, Timeout.InfiniteTimeSpan) : null;

        var buffer = new byte[64 * 1024];
        var reading = Task.Run(() =>
        {
            int n;
            while ((n = process.Output.Read(buffer)) > 0) output.Write(buffer.AsSpan(0, n));
        });
        while (!reading.Wait(200))
            if (connection.LostReason is { } lost) throw SshFailures.Lost(connection.Endpoint, "the session ran", lost);
        reading.GetAwaiter().GetResult();
        // stderr to its end before Wait: SshCommand.EndExecute drains what is left into its
        // Error property, which would race this reader for the last lines.
        for (var waited = 0; !stderr.Wait(200) && waited < 25; waited++)
            if (connection.LostReason is { } lost) throw SshFailures.Lost(connection.Endpoint, "the session ran", lost);
        var status = process.Wait();
        if (status == SessionScript.FactsChangedStatus)
            throw new FactsChangedException();
        if (status == SessionScript.NoDeviceStatus)
            throw new KtapException(ExitCodes.ModuleMissing, $"/dev/ktap is missing on {connection.Endpoint.Host}: the ktapvm module is not loaded (ktap deploy --board NAME)");
        if (status == SessionScript.RefusedStatus)
        {
            var message = (refused ?? "no message").Trim();
            var mismatch = message.Contains("architecture", StringComparison.OrdinalIgnoreCase) || message.Contains("byte order", StringComparison.OrdinalIgnoreCase)
                           || message.Contains("runtime ABI", StringComparison.OrdinalIgnoreCase) || message.Contains("word size", StringComparison.OrdinalIgnoreCase);
            throw new KtapException(mismatch ? ExitCodes.TargetMismatch : ExitCodes.ScriptError, $"the board refused the bundle: {message}");
        }
        if (status == SessionScript.OpenFailedStatus)
            throw new KtapException(ExitCodes.ModuleMissing, $"cannot open /dev/ktap on {connection.Endpoint.Host} (see the message above)");
        if (status != 0)
            throw new KtapException(ExitCodes.Failure, $"the session on {connection.Endpoint.Host} ended with status {status}");
        return new SessionResult(output.Complete(), workloadExit, stopOnce != 0);
    }
}

/// <summary>The board no longer runs the kernel/architecture the host linked for (cached facts are stale).</summary>
public sealed class FactsChangedException() : KtapException(ExitCodes.Failure, "the board's kernel or architecture changed since the last run");
