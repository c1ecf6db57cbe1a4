namespace Ktap.Tool;

// The exit codes themselves are generated from runtime/ktapvm/ktap_exit_codes.def (Ktap.ExitCodes).

/// <summary>A failure that ends a command with a message and one of <see cref="ExitCodes"/>.</summary>
public class KtapException : Exception
{
    public KtapException(int exitCode, string message, Exception? inner = null) : base(message, inner) => ExitCode = exitCode;
    public int ExitCode { get; }
}
