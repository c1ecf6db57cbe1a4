using System.CommandLine;
using Ktap.Tool;
using Ktap.Tool.Commands;

// The ktap command: every verb registered here, one file per verb under Commands/.
return KtapCli.Run(args, Console.Out, Console.Error);

namespace Ktap.Tool
{
    public static class KtapCli
    {
        public static RootCommand Build(Func<CommandContext> context)
        {
            var options = new CommonOptions();
            var root = new RootCommand("ktap: run tracing scripts on embedded Linux boards over SSH")
            {
                RunCommand.Create(options, context),
                DeployCommand.Create(options, context),
                ListCommand.Create(options, context),
                DoctorCommand.Create(options, context),
                BoardsCommand.Create(context),
                BoardCommand.Create(context),
                ReplayCommand.Create(),
                ReplayEventsCommand.Create(),
            };
            return root;
        }

        /// <summary>
        /// THE top-level handler: everything a verb does not report itself (its
        /// KtapException) ends here as one line and a bug-report hint, exit code 70; never a
        /// stack trace unless --debug or KTAP_DEBUG=1.
        /// </summary>
        public static int Run(string[] args, TextWriter output, TextWriter error, Func<string, string?>? env = null)
        {
            env ??= Environment.GetEnvironmentVariable;
            try
            {
                return RunUnguarded(args, output, error, env);
            }
            catch (Exception e)
            {
                var failure = Ktap.Output.UnexpectedFailure.Unwrap(e);
                if (failure is KtapException k)
                {
                    error.WriteLine($"ktap: error: {Ktap.Output.TerminalText.Escape(k.Message, keepNewline: true)}");
                    return k.ExitCode;
                }
                Ktap.Output.UnexpectedFailure.Report("ktap", failure, error, Ktap.Output.UnexpectedFailure.DebugRequested(args, env));
                return Ktap.Output.UnexpectedFailure.ExitCode;
            }
        }

        private static int RunUnguarded(string[] args, TextWriter output, TextWriter error, Func<string, string?> env)
        {
            using var interrupt = new CancellationTokenSource();
            // Ctrl-C ends a running session in order (RunCommand watches the token); a second one kills.
            Console.CancelKeyPress += (_, e) =>
            {
                if (interrupt.IsCancellationRequested) return;
                e.Cancel = true;
                interrupt.Cancel();
            };
            var root = Build(() => CommandContext.FromProcess(output, error, interrupt.Token, env));
            // --debug: an unexpected failure prints its stack trace (every verb accepts it)
            root.Options.Add(new Option<bool>("--debug") { Description = "On an internal error, print its stack trace", Recursive = true });
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) error.WriteLine($"ktap: {e.Message}");
                error.WriteLine("ktap: see 'ktap --help'");
                return ExitCodes.Usage;
            }
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
    }
}
