namespace Ktap.Cli;

/// <summary>ktapc's exit codes (docs/ktapc.md and --help list them).</summary>
public static class ExitCodes
{
    /// <summary>Success (warnings may have been printed).</summary>
    public const int Ok = 0;
    /// <summary>The script has errors, or the bundle given to `dump` is invalid.</summary>
    public const int ScriptErrors = 1;
    /// <summary>Bad command line, unknown target, or a file that cannot be read or written.</summary>
    public const int Usage = 2;

    /// <summary>An internal error (a bug in ktapc): one line and a report hint; --debug shows the stack trace.</summary>
    public const int Internal = Ktap.Output.UnexpectedFailure.ExitCode;

    public const string HelpText = "Exit codes: 0 ok, 1 script errors (or an invalid bundle for dump), 2 usage or I/O error, 70 internal error.";
}
