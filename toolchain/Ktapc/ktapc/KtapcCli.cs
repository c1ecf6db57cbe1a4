using System.CommandLine;
using System.CommandLine.Invocation;
using Ktap.Bundle;
using Ktap.Output;

namespace Ktap.Cli;

/// <summary>Builds ktapc's command tree, parses the arguments and runs the chosen verb.</summary>
public static class KtapcCli
{
    public static string VersionText =>
        $"ktapc {typeof(KtapcCli).Assembly.GetName().Version?.ToString(3)} (bundle formats {BundleLayout.FormatVersion} and {BundleLayout.FormatVersionUpvalues}, {BundleLayout.FormatVersionUnlinked} and {BundleLayout.FormatVersionUnlinkedUpvalues} before linking; runtime ABI {BundleLayout.RuntimeAbi})";

    /// <summary>
    /// THE top-level handler: anything a verb does not report itself ends as one line and a
    /// bug-report hint with exit code 70, never a stack trace unless --debug or KTAP_DEBUG=1.
    /// </summary>
    public static int Run(string[] args, CliContext context)
    {
        try
        {
            return RunUnguarded(args, context);
        }
        catch (Exception e)
        {
            UnexpectedFailure.Report("ktapc", UnexpectedFailure.Unwrap(e), context.Error, UnexpectedFailure.DebugRequested(args, Environment.GetEnvironmentVariable));
            return UnexpectedFailure.ExitCode;
        }
    }

    private static int RunUnguarded(string[] args, CliContext context)
    {
        var root = new RootCommand("ktapc: compile ktap scripts into bytecode bundles (.kbc) for a target board.\n" + ExitCodesHelp);
        CompileCommand.Configure(root, context);
        root.Add(DumpCommand.Create(context));
        root.Add(TargetsCommand.Create(context));
        root.Options.Add(new Option<bool>("--debug") { Description = "On an internal error, print its stack trace", Recursive = true });
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new PrintVersion(context);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction)
        {
            foreach (var e in parse.Errors) context.Error.WriteLine($"ktapc: {e.Message}");
            context.Error.WriteLine("ktapc: see ktapc --help");
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false });
    }

    private sealed class PrintVersion(CliContext context) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            context.Out.WriteLine(VersionText);
            return ExitCodes.Success;
        }
    }

    /// <summary>The codes ktapc can exit with, worded as in ktap_exit_codes.def (shared with ktap and ktapvm-run).</summary>
    public static readonly int[] Codes = [ExitCodes.Success, ExitCodes.Usage, ExitCodes.ScriptError, ExitCodes.Internal];

    /// <summary>A plain loop, not LINQ: this runs on every start-up (the root command's
    /// description), and LINQ's first use cost about 2 % of a cold compile.</summary>
    public static string ExitCodesHelp
    {
        get
        {
            var text = new System.Text.StringBuilder("Exit codes: ");
            foreach (var c in ExitCodes.All)
            {
                if (Array.IndexOf(Codes, c.Code) < 0) continue;
                if (text.Length > "Exit codes: ".Length) text.Append("; ");
                text.Append(c.Code).Append(' ').Append(c.Meaning);
            }
            return text.Append('.').ToString();
        }
    }
}
