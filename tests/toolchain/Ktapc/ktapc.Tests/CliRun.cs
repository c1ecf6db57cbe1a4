namespace Ktap.Cli.Tests;

/// <summary>Runs ktapc in-process in a fresh temporary directory, capturing its streams.</summary>
internal sealed class CliRun : IDisposable
{
    public CliRun() => Directory.CreateDirectory(Dir);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "ktapc-tests-" + Guid.NewGuid().ToString("N"));
    public string Out { get; private set; } = "";
    public string Err { get; private set; } = "";

    public string PathOf(string name) => Path.Combine(Dir, name);

    public int RunWithInput(string stdin, params string[] args)
    {
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter { NewLine = "\n" };
        var code = KtapcCli.Run(args, new CliContext(new StringReader(stdin), o, e, Dir));
        Out = o.ToString();
        Err = e.ToString();
        return code;
    }

    public int Run(params string[] args) => RunWithInput("", args);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
