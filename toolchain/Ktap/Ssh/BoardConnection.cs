using System.Text;
using Ktap.Output;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Ktap.Tool.Ssh;

/// <summary>The result of one command on the board.</summary>
public sealed record RemoteResult(int ExitStatus, byte[] Output, string Error)
{
    public string Text => Encoding.UTF8.GetString(Output);
}

/// <summary>
/// One SSH connection to a board: host key verified before anything else, ed25519 key
/// authentication, commands with a timeout, and file transfer through exec channels
/// (`cat`), because a busybox/dropbear board has no sftp-server.
/// </summary>
public sealed class BoardConnection : IDisposable
{
    private readonly SshClient _client;
    private volatile Exception? _lost;

    private BoardConnection(SshClient client, SshEndpoint endpoint, SshSettings settings)
    {
        _client = client;
        Endpoint = endpoint;
        Settings = settings;
        _client.ErrorOccurred += (_, e) => _lost ??= e.Exception;
    }

    public SshEndpoint Endpoint { get; }
    public SshSettings Settings { get; }

    /// <summary>Set when the connection dropped (the server went away, the network failed).</summary>
    public Exception? LostReason => _lost ?? (_client.IsConnected ? null : new SshConnectionException("not connected"));

    /// <summary>Connects and logs in; throws <see cref="KtapException"/> with the failure's exit code.</summary>
    public static BoardConnection Open(SshEndpoint endpoint, SshSettings settings, TextWriter log)
    {
        IPrivateKeySource key;
        try
        {
            key = new PrivateKeyFile(endpoint.IdentityFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new KtapException(ExitCodes.AuthenticationRefused,
                $"cannot use identity file {endpoint.IdentityFile}: {e.Message} (an unencrypted OpenSSH ed25519 key: ssh-keygen -t ed25519 -N '' -f FILE)", e);
        }
        var info = new ConnectionInfo(endpoint.Host, endpoint.Port, endpoint.User, new PrivateKeyAuthenticationMethod(endpoint.User, key))
        {
            Timeout = settings.ConnectTimeout,
            ChannelCloseTimeout = TimeSpan.FromSeconds(1),
        };
        var client = new SshClient(info);
        HostKeyResult? hostKey = null;
        client.HostKeyReceived += (_, e) =>
        {
            hostKey = HostKeyCheck.Check(endpoint.HostKey, endpoint.Host, endpoint.Port, e.HostKeyName, e.HostKey, settings.AcceptNewHostKey);
            e.CanTrust = hostKey.Accepted;
        };
        try
        {
            client.Connect();
        }
        catch (Exception e) when (e is not KtapException)
        {
            client.Dispose();
            throw SshFailures.Connecting(e, endpoint, settings, hostKey);
        }
        if (hostKey is { Verdict: HostKeyVerdict.Recorded }) log.WriteLine($"ktap: {hostKey.Message}");
        return new BoardConnection(client, endpoint, settings);
    }

    /// <summary>Runs a command and collects its output; a timeout, a dropped connection or an answer over <paramref name="maxOutput"/> bytes throws.</summary>
    public RemoteResult Run(string command, TimeSpan? timeout = null, int maxOutput = HostLimits.CommandAnswerBytes)
    {
        using var cmd = _client.CreateCommand(command);
        cmd.CommandTimeout = timeout ?? Settings.CommandTimeout;
        try
        {
            var ar = cmd.BeginExecute();
            var (output, error) = Collect(cmd, ar, cmd.CommandTimeout, maxOutput);
            return Finish(cmd, output, error, command);
        }
        catch (SshOperationTimeoutException e)
        {
            throw new KtapException(ExitCodes.CommandTimeout,
                $"command on {Endpoint.Host} did not finish within {cmd.CommandTimeout.TotalSeconds:0.#} s: {command} (--command-timeout to change)", e);
        }
        catch (Exception e) when (e is not KtapException && (_lost is not null || !_client.IsConnected))
        {
            throw SshFailures.Lost(Endpoint, $"running '{command}'", e);
        }
    }

    /// <summary>Runs a command that must succeed; returns its standard output as text.</summary>
    public string RunText(string command, TimeSpan? timeout = null, int maxOutput = HostLimits.CommandAnswerBytes)
    {
        var r = Run(command, timeout, maxOutput);
        if (r.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure,
                $"command on {Endpoint.Host} failed (exit {r.ExitStatus}): {command}{(r.Error.Length > 0 ? ": " + TerminalText.Quote(r.Error.Trim()) : "")}");
        return r.Text;
    }

    // Reads stdout and stderr to their ends before EndExecute (EndExecute would drain them
    // into SshCommand.Result as text, racing a reader and mangling binary data). Both come
    // from the board: stdout is refused beyond maxOutput bytes (the command is cancelled),
    // stderr is kept up to HostLimits.CommandErrorBytes and the rest dropped.
    private (byte[] Output, string Error) Collect(SshCommand cmd, IAsyncResult running, TimeSpan timeout, int maxOutput)
    {
        var output = new MemoryStream();
        var error = new MemoryStream();
        var tooLong = false;
        var copy = Task.Run(() => tooLong = !CopyBounded(cmd.OutputStream, output, maxOutput, stopAtLimit: true));
        var copyError = Task.Run(() => CopyBounded(cmd.ExtendedOutputStream, error, HostLimits.CommandErrorBytes, stopAtLimit: false));
        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        while (!copy.Wait(100))
        {
            if (_lost is not null || !_client.IsConnected) throw SshFailures.Lost(Endpoint, $"running '{cmd.CommandText}'", _lost);
            if (DateTime.UtcNow > deadline)
            {
                try { cmd.CancelAsync(true, 500); } catch (Exception) { /* best effort */ }
                throw new SshOperationTimeoutException("command timed out");
            }
        }
        if (tooLong)
        {
            try { cmd.CancelAsync(true, 500); } catch (Exception) { /* best effort */ }
            throw new KtapException(ExitCodes.Failure,
                $"the answer of {Endpoint.Host} to '{Brief(cmd.CommandText)}' is over the limit of {maxOutput} bytes; nothing of it was used");
        }
        copyError.Wait(TimeSpan.FromSeconds(2));
        cmd.EndExecute(running);
        lock (error) return (output.ToArray(), System.Text.Encoding.UTF8.GetString(error.GetBuffer(), 0, (int)error.Length));
    }

    // Copies up to limit bytes; returns false when the stream had more (then stops reading
    // when stopAtLimit, else reads and drops the rest so the sender is not blocked).
    private static bool CopyBounded(Stream from, MemoryStream to, int limit, bool stopAtLimit)
    {
        var buffer = new byte[32 * 1024];
        var within = true;
        int n;
        try
        {
            while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
            {
                var keep = (int)Math.Min(n, Math.Max(0, limit - to.Length));
                if (keep > 0) lock (to) to.Write(buffer, 0, keep);
                if (keep < n)
                {
                    within = false;
                    if (stopAtLimit) return false;
                }
            }
        }
        catch (Exception e) when (e is SshException or ObjectDisposedException or IOException) { /* the channel closed */ }
        return within;
    }

    private static string Brief(string command)
    {
        var line = command.Split('\n')[0];
        return line.Length > 80 ? line[..80] + "..." : line;
    }

    private RemoteResult Finish(SshCommand cmd, byte[] output, string error, string command)
    {
        if (cmd.ExitStatus is { } status) return new RemoteResult(status, output, error);
        if (_lost is not null || !_client.IsConnected) throw SshFailures.Lost(Endpoint, $"running '{command}'", _lost);
        // Killed by a signal: report it as the shell would (128 + n is unknown here; use 255).
        return new RemoteResult(255, output, error + (cmd.ExitSignal is { } sig ? $"killed by SIG{sig}" : ""));
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="remotePath"/> through `cat >`, then checks the size written.</summary>
    public void Upload(ReadOnlySpan<byte> data, string remotePath) => Upload(new MemoryStream(data.ToArray()), remotePath);

    public void Upload(Stream data, string remotePath)
    {
        var quoted = Shell.Quote(remotePath);
        var command = $"cat > {quoted} && wc -c < {quoted}";
        using var cmd = _client.CreateCommand(command);
        cmd.CommandTimeout = Settings.CommandTimeout;
        long sent = 0;
        try
        {
            var ar = cmd.BeginExecute();
            using (var input = cmd.CreateInputStream())
            {
                var buffer = new byte[32 * 1024];
                int n;
                while ((n = data.Read(buffer)) > 0)
                {
                    input.Write(buffer, 0, n);
                    sent += n;
                }
            }
            var (output, error) = Collect(cmd, ar, cmd.CommandTimeout, HostLimits.CommandAnswerBytes);
            var r = Finish(cmd, output, error, command);
            if (r.ExitStatus != 0)
                throw new KtapException(ExitCodes.Failure, $"cannot write {remotePath} on {Endpoint.Host}: {TerminalText.Quote(r.Error.Trim())}");
            if (!long.TryParse(r.Text.Trim(), out var written) || written != sent)
                throw new KtapException(ExitCodes.Failure, $"upload of {remotePath} to {Endpoint.Host} incomplete: sent {sent} bytes, the board has {TerminalText.Quote(r.Text.Trim())}");
        }
        catch (SshOperationTimeoutException e)
        {
            throw new KtapException(ExitCodes.CommandTimeout, $"upload of {remotePath} to {Endpoint.Host} did not finish within {cmd.CommandTimeout.TotalSeconds:0.#} s", e);
        }
        catch (Exception e) when (e is not KtapException && (_lost is not null || !_client.IsConnected))
        {
            throw SshFailures.Lost(Endpoint, $"uploading {remotePath}", e);
        }
    }

    /// <summary>Reads a file of the board through `cat`, refusing more than <paramref name="maxBytes"/>.</summary>
    public byte[] Download(string remotePath, int maxBytes = HostLimits.CommandAnswerBytes)
    {
        var r = Run($"cat {Shell.Quote(remotePath)}", maxOutput: maxBytes);
        if (r.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure, $"cannot read {remotePath} on {Endpoint.Host}: {TerminalText.Quote(r.Error.Trim())}");
        return r.Output;
    }

    /// <summary>Starts a long-running command whose output is read as it arrives.</summary>
    /// <param name="doing">What the command does, for the message when the connection drops ("the session ran").</param>
    public RemoteProcess Start(string command, string? doing = null) => new(this, _client.CreateCommand(command), doing ?? $"running '{command}'");

    public void Dispose()
    {
        try { if (_client.IsConnected) _client.Disconnect(); }
        catch (Exception) { /* the connection may already be gone */ }
        _client.Dispose();
    }
}

/// <summary>A command running on the board with its streams (the ktap session's transport).</summary>
public sealed class RemoteProcess : IDisposable
{
    private readonly BoardConnection _connection;
    private readonly SshCommand _command;
    private readonly IAsyncResult _running;
    private Stream? _input;

    private readonly string _doing;

    internal RemoteProcess(BoardConnection connection, SshCommand command, string doing)
    {
        _doing = doing;
        _connection = connection;
        _command = command;
        _command.CommandTimeout = Timeout.InfiniteTimeSpan;
        _running = _command.BeginExecute();
    }

    public Stream Output => _command.OutputStream;
    public Stream ErrorOutput => _command.ExtendedOutputStream;

    /// <summary>The command's standard input; dispose it to send EOF.</summary>
    public Stream Input => _input ??= _command.CreateInputStream();

    public bool IsCompleted => _running.IsCompleted;

    /// <summary>Sends EOF on the command's standard input (once; later calls do nothing).</summary>
    public void CloseInput()
    {
        try { Input.Dispose(); }
        catch (Exception) { /* the channel is already closed */ }
    }

    /// <summary>Waits for the command to end; returns its exit status or throws when the connection dropped.</summary>
    public int Wait()
    {
        try
        {
            _command.EndExecute(_running);
        }
        catch (Exception e) when (e is not KtapException && _connection.LostReason is not null)
        {
            throw SshFailures.Lost(_connection.Endpoint, _doing, e);
        }
        if (_command.ExitStatus is { } status) return status;
        if (_connection.LostReason is { } lost) throw SshFailures.Lost(_connection.Endpoint, _doing, lost);
        return 255;
    }

    /// <summary>Asks the board to end the command (SIGTERM, or SIGKILL when <paramref name="kill"/>).</summary>
    public void Signal(bool kill = false)
    {
        try { _command.CancelAsync(kill, 1000); }
        catch (Exception) { /* already ended */ }
    }

    public void Dispose()
    {
        // Both send to the server; after a dropped connection they throw (SSH.NET's own
        // exceptions, or the socket's when the drop is seen first: CI saw "Broken pipe" from
        // SendEof), and nothing is left to close.
        try { _input?.Dispose(); } catch (Exception e) when (IsDropped(e)) { }
        try { _command.Dispose(); } catch (Exception e) when (IsDropped(e)) { }
    }

    private static bool IsDropped(Exception e) =>
        e is SshException or System.Net.Sockets.SocketException or IOException or ObjectDisposedException;
}
