using System.Diagnostics;
using Ktap.Tool;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tests.Ssh;

/// <summary>Collects the record stream as bytes (the decoder is tested on its own).</summary>
internal sealed class BytesOutput : ISessionOutput
{
    private readonly MemoryStream _data = new();
    public int Writes { get; private set; }
    public byte[] Data => _data.ToArray();
    public void Write(ReadOnlySpan<byte> data) { lock (_data) { _data.Write(data); Writes++; } }
    public SessionSummary? Complete() => null;
}

/// <summary>A decoder that has seen the board's summary once any bytes came (exit() in a handler).</summary>
internal sealed class EndingOutput : ISessionOutput
{
    private int _bytes;
    public void Write(ReadOnlySpan<byte> data) => Interlocked.Add(ref _bytes, data.Length);
    public SessionSummary? Complete() => null;
    public bool Ended => Volatile.Read(ref _bytes) > 0;
}

/// <summary>
/// The session script through a real sshd and the machine's /bin/sh, with stand-ins for
/// /dev/ktap: a regular file (the bundle overwrites its head, the rest is read back as
/// records) and a FIFO (a session that never ends by itself).
/// </summary>
public sealed class SessionRunnerTests : IClassFixture<LoopbackSshd>
{
    private readonly LoopbackSshd _sshd;
    private static readonly SshSettings Settings = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), false);

    public SessionRunnerTests(LoopbackSshd sshd) => _sshd = sshd;

    private static byte[] Bytes(int n, int seed) { var b = new byte[n]; new Random(seed).NextBytes(b); return b; }

    private string FileDevice(byte[] bundle, byte[] records)
    {
        var path = Path.Combine(_sshd.Directory, $"dev-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, [.. new byte[bundle.Length], .. records]);
        return path;
    }

    [Fact]
    public void SendsTheBundleAndStreamsTheRecordsBack()
    {
        var bundle = Bytes(70_000, 1);
        var records = Bytes(200_000, 2);
        var device = FileDevice(bundle, records);
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var output = new BytesOutput();
        var result = SessionRunner.Run(c, bundle, [], null, output, TextWriter.Null, CancellationToken.None, device);
        Assert.Equal(records, output.Data);
        Assert.Equal(bundle, File.ReadAllBytes(device)[..bundle.Length]);
        Assert.Null(result.WorkloadExit);
    }

    [Fact]
    public void RunsTheWorkloadWithItsOutputOnStderrAndReportsItsExit()
    {
        // (the workload sleeps first: a regular file shares one offset between the reader and
        // the "stop" written when the workload ends, unlike the real device). The scope line
        // comes first, its length depends on the pid: 40 spare zero bytes before the records.
        var bundle = Bytes(100, 3);
        var device = FileDevice([.. bundle, .. new byte[40]], "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var output = new BytesOutput();
        var err = new StringWriter();
        var result = SessionRunner.Run(c, bundle, ["sh", "-c", "echo \"pid $$\"; sleep 1; echo \"it's the workload\"; exit 7"], null, output, err, CancellationToken.None, device);
        Assert.Equal(7, result.WorkloadExit);
        var lines = err.ToString().Split('\n');
        Assert.Equal(["it's the workload", ""], lines[1..]);
        Assert.Matches("^pid [0-9]+$", lines[0]);
        // the module was told the workload's pid before the bundle: the shell's own $$ (it execs CMD)
        var written = File.ReadAllBytes(device);
        var scope = $"scope {lines[0][4..]} children\n";
        Assert.Equal(scope, System.Text.Encoding.ASCII.GetString(written, 0, scope.Length));
        Assert.Equal(bundle, written[scope.Length..(scope.Length + bundle.Length)]);
        Assert.Equal("records"u8.ToArray(), output.Data.SkipWhile(b => b == 0).ToArray());
    }

    [Fact]
    public void EndingTheSessionEndsTheWorkloadAndItsChildren()
    {
        // The stop line (Ctrl-C or the duration) must not wait for the workload: its process
        // group is signalled, a child of CMD included, and no process of it stays.
        var fifo = Path.Combine(_sshd.Directory, $"fifo-{Guid.NewGuid():N}");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var marker = $"ktap-test-{Guid.NewGuid():N}";
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        using var interrupt = new CancellationTokenSource();
        var output = new BytesOutput();
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => SessionRunner.Run(c, "BUNDLE"u8.ToArray(), ["sh", "-c", $"sleep 40 & sleep 41; : {marker}"], null, output, TextWriter.Null, interrupt.Token, fifo));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!System.Text.Encoding.ASCII.GetString(output.Data).Contains("BUNDLE") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        interrupt.Cancel();
        // the FIFO gives "stop" back but never EOF: the reader is ended by dropping the input
        while (!System.Text.Encoding.ASCII.GetString(output.Data).Contains("stop") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Thread.Sleep(500);
        // the workload (sh -c ..., or its sleeps), not the session script that names it
        var left = c.RunText($"ps -eo pid,args | awk '($2 == \"sh\" && $NF == \"{marker}\") || ($2 == \"sleep\" && ($3 == \"40\" || $3 == \"41\"))'").Trim();
        Assert.Equal("", left);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the workload was waited for");
        c.Dispose();
        Assert.ThrowsAny<Exception>(() => run.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void StaleFactsStopTheScriptBeforeTheDevice()
    {
        var bundle = Bytes(10, 4);
        var device = FileDevice(bundle, "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        Assert.Throws<FactsChangedException>(() => SessionRunner.Run(c, bundle, [], null, new BytesOutput(), TextWriter.Null, CancellationToken.None, device,
            expect: ("0.0.0-not-this-kernel", "x86_64")));
        Assert.Equal(new byte[10], File.ReadAllBytes(device)[..10]); // the bundle never reached the device
        var release = c.RunText("uname -r").Trim();
        var machine = c.RunText("uname -m").Trim();
        var output = new BytesOutput();
        SessionRunner.Run(c, bundle, [], null, output, TextWriter.Null, CancellationToken.None, device, expect: (release, machine));
        Assert.Equal("records"u8.ToArray(), output.Data);
    }

    [Fact]
    public void MissingDeviceIsAMissingModule()
    {
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var e = Assert.Throws<KtapException>(() => SessionRunner.Run(c, [1, 2, 3], [], null, new BytesOutput(), TextWriter.Null, CancellationToken.None, "/nonexistent/ktap"));
        Assert.Equal(ExitCodes.ModuleMissing, e.ExitCode);
        Assert.StartsWith("/dev/ktap is missing on 127.0.0.1", e.Message);
    }

    [Fact]
    public void InterruptSendsStopToTheDevice()
    {
        // A FIFO echoes what is written: the bundle, then "stop" once Ctrl-C was pressed.
        var fifo = Path.Combine(_sshd.Directory, $"fifo-{Guid.NewGuid():N}");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        using var interrupt = new CancellationTokenSource();
        var output = new BytesOutput();
        var run = Task.Run(() => SessionRunner.Run(c, "BUNDLE"u8.ToArray(), [], null, output, TextWriter.Null, interrupt.Token, fifo));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (output.Data.Length < 6 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        interrupt.Cancel();
        while (output.Data.Length < 10 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Equal("BUNDLEstop", System.Text.Encoding.ASCII.GetString(output.Data));
        Assert.False(run.IsCompleted); // a FIFO never ends the stream: the real module would
        c.Dispose();
        Assert.ThrowsAny<Exception>(() => run.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void AScriptWithoutProbesIsStoppedOnceArmed()
    {
        // endAfterMain (no probe, no workload): "stop" follows the bundle without any Ctrl-C
        var fifo = Path.Combine(_sshd.Directory, $"fifo-{Guid.NewGuid():N}");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var output = new BytesOutput();
        var run = Task.Run(() => SessionRunner.Run(c, "BUNDLE"u8.ToArray(), [], null, output, TextWriter.Null, CancellationToken.None, fifo,
            endAfterMain: true));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (output.Data.Length < 10 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Equal("BUNDLEstop", System.Text.Encoding.ASCII.GetString(output.Data));
        c.Dispose();
        Assert.ThrowsAny<Exception>(() => run.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void TheCpuCommandReachesTheDeviceBeforeTheBundle()
    {
        // -C 1: "cpu 1\n" is written to /dev/ktap before the bundle's first byte (cpu_scope.c)
        var bundle = Bytes(50, 6);
        var device = FileDevice([.. bundle, .. new byte[6]], "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var output = new BytesOutput();
        SessionRunner.Run(c, bundle, [], null, output, TextWriter.Null, CancellationToken.None, device, cpu: 1);
        var written = File.ReadAllBytes(device);
        Assert.Equal("cpu 1\n", System.Text.Encoding.ASCII.GetString(written, 0, 6));
        Assert.Equal(bundle, written[6..56]);
    }

    [Fact]
    public void TheTimeCommandReachesTheDeviceBeforeTheBundle()
    {
        // -T: "time\n" is written to /dev/ktap before the bundle's first byte (timestamps.c)
        var bundle = Bytes(50, 7);
        var device = FileDevice([.. bundle, .. new byte[5]], "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        SessionRunner.Run(c, bundle, [], null, new BytesOutput(), TextWriter.Null, CancellationToken.None, device, timestamps: true);
        var written = File.ReadAllBytes(device);
        Assert.Equal("time\n", System.Text.Encoding.ASCII.GetString(written, 0, 5));
        Assert.Equal(bundle, written[5..55]);
    }

    [Fact]
    public void MinusPEndsTheSessionWhenTheProcessExits()
    {
        // -p PID: the board's watcher writes "stop" to the device once PID is gone (a FIFO
        // here: the module would then end the stream), not before; and it leaves no process.
        using var traced = Process.Start("sleep", ["60"])!;
        var fifo = Path.Combine(_sshd.Directory, $"fifo-{Guid.NewGuid():N}");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var output = new BytesOutput();
        var run = Task.Run(() => SessionRunner.Run(c, "BUNDLE"u8.ToArray(), [], null, output, TextWriter.Null, CancellationToken.None, fifo,
            scope: new SessionScope.Process(traced.Id)));
        string Text() => System.Text.Encoding.ASCII.GetString(output.Data);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Text().Contains("BUNDLE") && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.False(Text().Contains("stop"), "stop before the process exited");
        Assert.False(run.IsCompleted, run.Exception?.ToString());
        Thread.Sleep(1000);
        Assert.False(Text().Contains("stop"), "stop while the process runs");
        traced.Kill();
        traced.WaitForExit(); // reaped: /proc/PID is gone
        var exited = Stopwatch.StartNew();
        while (!Text().EndsWith("stop", StringComparison.Ordinal) && exited.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
        Assert.Equal($"scope {traced.Id}\nBUNDLEstop", Text());
        Assert.True(exited.Elapsed < TimeSpan.FromSeconds(2), $"stop came {exited.Elapsed} after the exit");
        c.Dispose(); // a FIFO never ends the stream: the real module would
        Assert.ThrowsAny<Exception>(() => run.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void SdtSemaphoreCommandsReachTheDeviceBeforeTheBundle()
    {
        // one "sdt-sem EVENT OFFSET\n" write per semaphore, after "cpu N" (kernel/sdt.c)
        var bundle = Bytes(50, 7);
        var commands = "cpu 0\nsdt-sem 1 675512\nsdt-sem 3 18446744073709551614\n"u8.ToArray();
        var device = FileDevice([.. bundle, .. new byte[commands.Length]], "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        SessionRunner.Run(c, bundle, [], null, new BytesOutput(), TextWriter.Null, CancellationToken.None, device, cpu: 0,
            sdtSemaphores: [(1, 675512UL), (3, ulong.MaxValue - 1)]);
        var written = File.ReadAllBytes(device);
        Assert.Equal(commands, written[..commands.Length]);
        Assert.Equal(bundle, written[commands.Length..(commands.Length + 50)]);
    }

    [Fact]
    public void TheBoardsEndOfSessionEndsTheWorkloadWhichIsThenNoFailureOfIts()
    {
        // exit() in a handler: the module ends the stream, the workload (sleep 40) still runs.
        // The host sees the summary and stops; the workload's group is signalled, and its status
        // (143) is not reported as the workload's own end. One "armed" callback.
        var marker = $"ktap-test-{Guid.NewGuid():N}";
        var bundle = Bytes(64, 5);
        var device = FileDevice([.. bundle, .. new byte[40]], "records"u8.ToArray());
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var armed = 0;
        var clock = Stopwatch.StartNew();
        var result = SessionRunner.Run(c, bundle, ["sh", "-c", $"sleep 40; : {marker}"], null, new EndingOutput(), TextWriter.Null,
            CancellationToken.None, device, onArmed: () => Interlocked.Increment(ref armed));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the workload was waited for ({clock.Elapsed})");
        Assert.Null(result.WorkloadExit);
        Assert.Equal(1, armed);
        var left = c.RunText($"ps -eo pid,args | awk '$2 == \"sh\" && $NF == \"{marker}\"'").Trim();
        Assert.Equal("", left);
    }
}

/// <summary>A dropped connection during a session: its own sshd, whose session processes are killed.</summary>
public sealed class DroppedSessionTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();

    [Fact]
    public void DroppedConnectionDuringASessionIsReported()
    {
        var fifo = Path.Combine(_sshd.Directory, "fifo");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        using var c = BoardConnection.Open(_sshd.Endpoint(), new SshSettings(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), false), TextWriter.Null);
        var output = new BytesOutput();
        var run = Task.Run(() => SessionRunner.Run(c, "BUNDLE"u8.ToArray(), [], null, output, TextWriter.Null, CancellationToken.None, fifo));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (output.Data.Length < 6 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(_sshd.KillSessions() > 0);
        var inner = Assert.Throws<AggregateException>(() => run.Wait(TimeSpan.FromSeconds(10))).InnerException;
        var e = inner as KtapException;
        Assert.True(e is not null, inner?.ToString());
        Assert.NotNull(e);
        Assert.Equal(ExitCodes.ConnectionLost, e.ExitCode);
        Assert.Contains("lost while the session ran", e.Message);
        Assert.Contains("the board removes the session's probes by itself", e.Message);
    }

    public void Dispose() => _sshd.Dispose();
}
