using System.Diagnostics;
using Ktap.Tool.Boards;

namespace Ktap.Tool.Commands;

/// <summary>Runs an emulated board's scripts (boards/&lt;board_folder&gt;/{start,stop,status}.sh NAME).</summary>
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

    /// <summary>Starts the emulated board unless its status script says it runs.</summary>
    public static void EnsureRunning(BoardProfile board, TextWriter log)
    {
        if (!board.Emulated) return;
        if (Run(board, "status", TextWriter.Null, TextWriter.Null) == 0) return;
        log.WriteLine($"ktap: starting the emulated board {board.Name} (boards/{board.BoardFolder}/start.sh)");
        var rc = Run(board, "start", TextWriter.Null, log);
        if (rc != 0)
            throw new KtapException(ExitCodes.Unreachable, $"the emulated board {board.Name} did not start (start.sh exit {rc}); see its messages above");
    }
}
