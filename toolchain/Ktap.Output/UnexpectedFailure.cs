namespace Ktap.Output;

/// <summary>
/// What `ktap` and `ktapc` print when something fails that no parser reported as its own
/// error (an arithmetic overflow, an allocation, an index out of range): one line and a
/// bug-report hint, never a stack trace unless --debug (or KTAP_DEBUG=1) asks for it. Each
/// tool has exactly one place that calls this: the handler around its command line.
/// </summary>
public static class UnexpectedFailure
{
    /// <summary>The exit code of an unexpected failure (sysexits' EX_SOFTWARE).</summary>
    public const int ExitCode = ExitCodes.Internal;

    /// <summary>The failure behind task and reflection wrappers.</summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            if (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
            else if (e is System.Reflection.TargetInvocationException { InnerException: { } inner }) e = inner;
            else return e;
        }
    }

    public static void Report(string tool, Exception e, TextWriter error, bool debug)
    {
        var what = e is OutOfMemoryException or InsufficientExecutionStackException
            ? "ran out of memory or stack"
            : "internal error";
        error.WriteLine($"{tool}: {what}: {e.GetType().Name}: {TerminalText.Quote(e.Message)}");
        if (debug) error.WriteLine(e.ToString());
        else error.WriteLine($"{tool}: this is a bug in {tool}: please report it with the command line and the output of the same command with --debug");
    }

    public static bool DebugRequested(string[] args, Func<string, string?> env) =>
        args.Contains("--debug") || env("KTAP_DEBUG") == "1";
}
