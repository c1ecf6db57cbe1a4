using System.Net.Sockets;
using Renci.SshNet.Common;

namespace Ktap.Tool.Ssh;

/// <summary>Turns SSH.NET and socket exceptions into ktap's messages and exit codes, in one place.</summary>
public static class SshFailures
{
    public static KtapException Connecting(Exception e, SshEndpoint endpoint, SshSettings settings, HostKeyResult? hostKey)
    {
        if (hostKey is { Accepted: false })
            return new KtapException(hostKey.Verdict == HostKeyVerdict.Unknown ? ExitCodes.HostKeyUnknown : ExitCodes.HostKeyChanged,
                hostKey.Message, e);
        var where = $"{endpoint.Host} port {endpoint.Port}";
        return Find<SocketException>(e) switch
        {
            { SocketErrorCode: SocketError.ConnectionRefused } => new KtapException(ExitCodes.Unreachable,
                $"board unreachable: connection to {where} refused (is the board up and sshd/dropbear listening? for an emulated board: ktap board start NAME)", e),
            { SocketErrorCode: SocketError.TimedOut } => TimedOut(e, where, settings),
            { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => new KtapException(ExitCodes.Unreachable,
                $"board unreachable: host name '{endpoint.Host}' not found", e),
            { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable } => new KtapException(ExitCodes.Unreachable,
                $"board unreachable: no route to {where}", e),
            { } s => new KtapException(ExitCodes.Unreachable, $"board unreachable: {where}: {s.Message}", e),
            null => e switch
            {
                SshAuthenticationException => new KtapException(ExitCodes.AuthenticationRefused,
                    $"authentication refused: {endpoint.User}@{endpoint.Host} did not accept the key {endpoint.IdentityFile} ({e.Message}); add its public key to the board's authorized_keys", e),
                SshOperationTimeoutException => TimedOut(e, where, settings),
                SshConnectionException => new KtapException(ExitCodes.Unreachable,
                    $"board unreachable: SSH handshake with {where} failed: {e.Message}", e),
                _ => new KtapException(ExitCodes.Unreachable, $"board unreachable: {where}: {e.Message}", e),
            },
        };
    }

    private static KtapException TimedOut(Exception e, string where, SshSettings settings) =>
        new(ExitCodes.Unreachable,
            $"board unreachable: no SSH answer from {where} within {settings.ConnectTimeout.TotalSeconds:0.#} s (connect timeout; --connect-timeout to change)", e);

    public static KtapException Lost(SshEndpoint endpoint, string doing, Exception? e = null) =>
        new(ExitCodes.ConnectionLost,
            $"connection to {endpoint.Host} port {endpoint.Port} lost while {doing}{(e is null ? "" : $" ({e.Message})")}; the board removes the session's probes by itself when the connection drops",
            e);

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }
}
