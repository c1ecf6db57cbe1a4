using System.Text;
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

    /// <summary>Runs a command and collects its output; a timeout or a dropped connection throws.</summary>
    public RemoteResult Run(string command, TimeSpan? timeout = null)
    {
        using var cmd = _client.CreateCommand(command);
        cmd.CommandTimeout = timeout ?? Settings.CommandTimeout;
        try
        {
            var ar = cmd.BeginExecute();
            var output = Collect(cmd, ar, cmd.CommandTimeout);
            return Finish(cmd, output, command);
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
    public string RunText(string command, TimeSpan? timeout = null)
    {
        var r = Run(command, timeout);
        if (r.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure,
                $"command on {Endpoint.Host} failed (exit {r.ExitStatus}): {command}{(r.Error.Length > 0 ? ": " + r.Error.Trim() : "")}");
        return r.Text;
    }

    // Reads stdout to its end before EndExecute: EndExecute would drain the stream into
    // SshCommand.Result as text, racing a reader and mangling binary data.
    private byte[] Collect(SshCommand cmd, IAsyncResult running, TimeSpan timeout)
    {
        var output = new MemoryStream();
        var copy = Task.Run(() => cmd.OutputStream.CopyTo(output));
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
        cmd.EndExecute(running);
        return output.ToArray();
    }

    private RemoteResult Finish(SshCommand cmd, byte[] output, string command)
    {
        if (cmd.ExitStatus is { } status) return new RemoteResult(status, output, cmd.Error);
        if (_lost is not null || !_client.IsConnected) throw SshFailures.Lost(Endpoint, $"running '{command}'", _lost);
        // Killed by a signal: report it as the shell would (128 + n is unknown here; use 255).
        return new RemoteResult(255, output, cmd.Error + (cmd.ExitSignal is { } sig ? $"killed by SIG{sig}" : ""));
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
            var r = Finish(cmd, Collect(cmd, ar, cmd.CommandTimeout), command);
            if (r.ExitStatus != 0)
                throw new KtapException(ExitCodes.Failure, $"cannot write {remotePath} on {Endpoint.Host}: {r.Error.Trim()}");
            if (!long.TryParse(r.Text.Trim(), out var written) || written != sent)
                throw new KtapException(ExitCodes.Failure, $"upload of {remotePath} to {Endpoint.Host} incomplete: sent {sent} bytes, the board has {r.Text.Trim()}");
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

    /// <summary>Reads a file of the board through `cat`.</summary>
    public byte[] Download(string remotePath)
    {
        var r = Run($"cat {Shell.Quote(remotePath)}");
        if (r.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure, $"cannot read {remotePath} on {Endpoint.Host}: {r.Error.Trim()}");
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
        // Both send to the server; after a dropped connection they throw, and nothing is left to close.
        try { _input?.Dispose(); } catch (SshException) { }
        try { _command.Dispose(); } catch (SshException) { }
    }
}
