using System.Diagnostics;
using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>Runs an emulated board's scripts (boards/&lt;board_folder&gt;/{prepare,start,stop,status}.sh NAME).</summary>
public static class BoardScripts
{
    public static string ScriptPath(BoardProfile board, string verb)
    {
        if (!board.Emulated || board.BoardFolder is null)
            throw new KtapException(ExitCodes.Usage, $"board '{board.Name}' is not emulated ({board.SourceFile} has no 'emulated: true'); start it yourself");
        var root = KtapPaths.Root() ?? throw new KtapException(ExitCodes.Failure,
            "cannot find the ktap source tree with boards/ (set KTAP_ROOT to it)");
        var script = Path.Combine(root, "boards", board.BoardFolder, verb + ".sh");
        if (!File.Exists(script)) throw new KtapException(ExitCodes.Failure, $"{script} is missing");
        return script;
    }

    /// <summary>Runs the script with its output copied to the writers; returns its exit code.</summary>
    public static int Run(BoardProfile board, string verb, TextWriter output, TextWriter error)
    {
        var psi = new ProcessStartInfo("bash", [ScriptPath(board, verb), board.Name])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.WriteLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        return p.ExitCode;
    }

    /// <summary>
    /// Builds what the emulated board lacks (prepare.sh: kernel, module, image, each with its
    /// progress and time estimate on <paramref name="log"/>) and starts it, unless its status
    /// script says it runs.
    /// </summary>
    public static void EnsureRunning(BoardProfile board, TextWriter log)
    {
        if (!board.Emulated) return;
        if (Run(board, "status", TextWriter.Null, TextWriter.Null) == 0) return;
        Prepare(board, log);
        log.WriteLine($"ktap: starting the emulated board {board.Name} (boards/{board.BoardFolder}/start.sh)");
        var rc = Run(board, "start", TextWriter.Null, log);
        if (rc != 0)
            throw new KtapException(ExitCodes.Unreachable, $"the emulated board {board.Name} did not start (start.sh exit {rc}); see its messages above");
    }

    /// <summary>Builds what the emulated board lacks; nothing when it was built before.</summary>
    public static void Prepare(BoardProfile board, TextWriter log)
    {
        var rc = Run(board, "prepare", TextWriter.Null, log);
        if (rc != 0)
            throw new KtapException(ExitCodes.Unreachable, $"the emulated board {board.Name} could not be built (prepare.sh exit {rc}); see its messages above");
    }

    /// <summary>
    /// Connects to the board; an emulated board that was never started here (no key yet) or
    /// does not answer is built and started first, so `ktap run --board qemu-arm-v7` works on
    /// a new machine with no other command.
    /// </summary>
    public static BoardConnection ConnectStarting(CommandContext ctx, BoardProfile board, SshSettings settings) =>
        TryConnect(ctx, board, settings) ?? StartAndConnect(ctx, board, settings);

    /// <summary>
    /// Connects, unless the emulated board has to be built or started first (no key yet, or
    /// it does not answer): then null, and nothing was started. `ktap run` connects this way
    /// while it compiles, so that a script error never leaves a board being built behind it.
    /// </summary>
    public static BoardConnection? TryConnect(CommandContext ctx, BoardProfile board, SshSettings settings)
    {
        if (board.Emulated && !File.Exists(board.IdentityFile)) return null;
        try
        {
            return ctx.Connect(board, settings);
        }
        catch (KtapException e) when (e.ExitCode == ExitCodes.Unreachable && board.Emulated)
        {
            return null;
        }
    }

    /// <summary>Builds and starts the emulated board as needed (<see cref="EnsureRunning"/>), then connects.</summary>
    public static BoardConnection StartAndConnect(CommandContext ctx, BoardProfile board, SshSettings settings)
    {
        EnsureRunning(board, ctx.Err);
        return ctx.Connect(board, settings);
    }
}
