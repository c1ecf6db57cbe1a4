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
            };
            return root;
        }

        public static int Run(string[] args, TextWriter output, TextWriter error)
        {
            using var interrupt = new CancellationTokenSource();
            // Ctrl-C ends a running session in order (RunCommand watches the token); a second one kills.
            Console.CancelKeyPress += (_, e) =>
            {
                if (interrupt.IsCancellationRequested) return;
                e.Cancel = true;
                interrupt.Cancel();
            };
            var root = Build(() => CommandContext.FromProcess(output, error, interrupt.Token));
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var e in parse.Errors) error.WriteLine($"ktap: {e.Message}");
                error.WriteLine("ktap: see 'ktap --help'");
                return ExitCodes.Usage;
            }
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }
    }
}
