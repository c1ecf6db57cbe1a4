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

    public const string HelpText = "Exit codes: 0 ok, 1 script errors (or an invalid bundle for dump), 2 usage or I/O error.";
}
