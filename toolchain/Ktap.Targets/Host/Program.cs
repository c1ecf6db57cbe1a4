using Ktap.Targets.Host;

// ktapc-msbuild @REQUEST: compiles the scripts a KtapCompile task lists (see CompileRequest).
// Exit code 0 when every script compiled, 1 when any error was reported, 2 on a bad request.
return HostCommand.Run(args, Console.Out);
