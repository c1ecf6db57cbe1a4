using Ktap.Compilation;

namespace Ktap.Targets.Host;

/// <summary>Reads the request named on the command line and runs the batch.</summary>
internal static class HostCommand
{
    public const int BadRequestExitCode = 2;

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length != 1 || !args[0].StartsWith('@'))
        {
            output.WriteLine("ktapc-msbuild: error KTAPMSB010: usage: ktapc-msbuild @REQUEST (the KtapCompile task writes REQUEST)");
            return BadRequestExitCode;
        }
        var requestPath = args[0][1..].Trim('"');
        CompileRequest request;
        try
        {
            request = CompileRequest.Parse(File.ReadAllLines(requestPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            output.WriteLine($"{requestPath}: error KTAPMSB011: cannot read the compile request: {e.Message}");
            return BadRequestExitCode;
        }
        return new ScriptBatch(request, KtapCompiler.Compile, output).Run() ? 0 : 1;
    }
}
