using Ktap.Tool.Boards;

namespace Ktap.Tool.Ssh;

/// <summary>Where and how to log in: the SSH part of a board profile.</summary>
public sealed record SshEndpoint(string Host, int Port, string User, string IdentityFile, HostKeyPolicy HostKey)
{
    public static SshEndpoint From(BoardProfile board) =>
        new(board.Host, board.EffectivePort, board.User, board.IdentityFile, board.HostKey);

    public override string ToString() => $"{User}@{Host}:{Port}";
}

/// <summary>Timeouts and the host key option of one ktap invocation.</summary>
public sealed record SshSettings(TimeSpan ConnectTimeout, TimeSpan CommandTimeout, bool AcceptNewHostKey)
{
    public static SshSettings Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), false);
}

/// <summary>Quoting for the board's POSIX shell.</summary>
public static class Shell
{
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
