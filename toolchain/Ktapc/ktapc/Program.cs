using Ktap.Cli;

return KtapcCli.Run(args, CliContext.FromConsole());
