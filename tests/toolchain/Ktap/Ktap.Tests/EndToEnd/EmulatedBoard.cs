using System.Diagnostics;
using Ktap.Tool;
using Ktap.Tool.Boards;
using Ktap.Tool.Commands;
using Ktap.Tool.Ssh;

namespace Ktap.Tests.EndToEnd;

/// <summary>
/// The emulated qemu-x86_64 board for end-to-end tests: the module built against the board's
/// kernel (scripts/build-module.sh), the image (boards/qemu/build-image.sh), booted on port
/// the first of the dotnet-e2e range of boards/ports.tsv unless it already runs, and the module deployed with `ktap deploy`.
/// State: $KTAP_STATE_DIR (default ~/.cache/ktap), shared with the board scripts' cache.
/// </summary>
public class EmulatedBoard : IDisposable
{
    public const string X86_64 = "qemu-x86_64";
    private readonly bool _startedHere;

    public EmulatedBoard() : this(X86_64, TestPorts.Get("dotnet-e2e").First) { }

    protected EmulatedBoard(string name, int port)
    {
        Name = name;
        Root = KtapPaths.Root() ?? throw new InvalidOperationException("ktap source tree not found");
        // The module is built for the kernel tree the board's YAML names (emulation tree:).
        var tree = Context(TextWriter.Null, TextWriter.Null).Board(name).KernelTree
            ?? throw new InvalidOperationException($"{name} has no emulation tree");
        Module = Script("scripts/build-module.sh", tree).Trim().Split('\n')[^1];
        Script("boards/qemu/build-image.sh", Name);
        var status = Run("bash", [Path.Combine(Root, "boards/qemu/status.sh"), Name]);
        if (status.Code != 0)
        {
            Script("boards/qemu/start.sh", Name, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _startedHere = true;
        }
        var err = new StringWriter();
        var rc = DeployCommand.Execute(Context(new StringWriter(), err), Name, Settings, Module);
        if (rc != 0) throw new InvalidOperationException($"ktap deploy failed ({rc}): {err}");
    }

    public string Name { get; }
    public string Root { get; }
    public string Module { get; }
    public static SshSettings Settings { get; } = new(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), false);

    public CommandContext Context(TextWriter output, TextWriter error, CancellationToken interrupt = default)
    {
        Func<string, string?> env = Environment.GetEnvironmentVariable;
        return new CommandContext(output, error, env, new BoardCatalog(env, [Path.Combine(Root, "boards")])) { Interrupt = interrupt };
    }

    /// <summary>Runs a shell command on the board through ktap's own SSH layer.</summary>
    public string OnBoard(string command)
    {
        var ctx = Context(TextWriter.Null, TextWriter.Null);
        using var c = ctx.Connect(ctx.Board(Name), Settings);
        return c.Run(command).Text;
    }

    // A failed script's own words go into the exception: xUnit shows no console output, and
    // CI once reported only "build-image.sh qemu-x86_64 failed".
    private string Script(string script, params string[] args)
    {
        var r = Run("bash", [Path.Combine(Root, script), .. args]);
        return r.Code == 0 ? r.Output
            : throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed (exit {r.Code}): {r.Error.Trim()}");
    }

    private static (int Code, string Output, string Error) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    public void Dispose()
    {
        if (_startedHere) Run("bash", [Path.Combine(Root, "boards/qemu/stop.sh"), Name]);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The emulated arm-v7 board (32-bit ARM, Debian's armmp kernel) on the second port of the dotnet-e2e range (boards/ports.tsv).</summary>
public sealed class EmulatedArmBoard : EmulatedBoard
{
    public const string ArmV7 = "qemu-arm-v7";
    public EmulatedArmBoard() : base(ArmV7, TestPorts.Get("dotnet-e2e").First + 1) { }
}
