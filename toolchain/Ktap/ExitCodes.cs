namespace Ktap.Tool;

/// <summary>
/// The one list of ktap's exit codes (docs/ktap.md repeats it for users). Each failure a
/// script or CI job may want to tell apart has its own number.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A failure with no more specific code (a remote command failed, a local file is missing).</summary>
    public const int Failure = 1;
    /// <summary>Bad command line.</summary>
    public const int Usage = 2;
    /// <summary>The script or bundle has errors (compile, link: unknown event, field, symbol).</summary>
    public const int ScriptError = 3;
    /// <summary>A board profile is invalid or the named board is unknown.</summary>
    public const int BoardProfile = 4;
    /// <summary>The board cannot be reached: connection refused, timed out, no route, name not found.</summary>
    public const int Unreachable = 10;
    /// <summary>The board refused our key (or the identity file cannot be used).</summary>
    public const int AuthenticationRefused = 11;
    /// <summary>The board's host key differs from the pinned or known one: possible impersonation.</summary>
    public const int HostKeyChanged = 12;
    /// <summary>The board's host key is not known yet and --accept-new-host-key was not given.</summary>
    public const int HostKeyUnknown = 13;
    /// <summary>The connection dropped while a command or session was running.</summary>
    public const int ConnectionLost = 14;
    /// <summary>A command on the board did not finish within the command timeout.</summary>
    public const int CommandTimeout = 15;
    /// <summary>The ktapvm module is not loaded on the board (run `ktap deploy`).</summary>
    public const int ModuleMissing = 20;
    /// <summary>Architecture, byte order or runtime ABI of the board and the bundle/host differ.</summary>
    public const int TargetMismatch = 21;
    /// <summary>The session ended with runtime errors or lost records reported by the board.</summary>
    public const int RuntimeErrors = 22;
    /// <summary>`ktap doctor` found at least one problem.</summary>
    public const int DoctorFailed = 23;
    /// <summary>`ktap run -p PID`: the board has no process PID.</summary>
    public const int NoSuchProcess = 24;
    /// <summary>--folded/--flamegraph: the script makes no stacks, or the session printed none (no file written).</summary>
    public const int NoStacks = 25;
    /// <summary>Interrupted before a session could start (Ctrl-C during connect/upload).</summary>
    public const int Interrupted = 130;
}

/// <summary>A failure that ends a command with a message and one of <see cref="ExitCodes"/>.</summary>
public class KtapException : Exception
{
    public KtapException(int exitCode, string message, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;
    public int ExitCode { get; }
}
