using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Output;
using Ktap.Tool.Remote;

namespace Ktap.Tool.Stacks;

/// <summary>
/// `ktap run --folded FILE` and `--flamegraph FILE.svg`: checks the paths before anything
/// runs, collects the session's stacks from its decoded records (<see cref="FoldedStacks"/>)
/// and writes the files when the session has ended. A session without a single stack writes
/// neither file (an existing one is left as it was) and ends with <see cref="ExitCodes.NoStacks"/>.
/// </summary>
public sealed class StackFiles(string? folded, string? flameGraph, string title)
{
    public bool Wanted => folded is not null || flameGraph is not null;
    public FoldedStacks Stacks { get; private set; } = new();

    /// <summary>A path that cannot be written is the user's mistake, reported before a board is started.</summary>
    public void CheckPaths()
    {
        foreach (var (option, path) in new[] { ("--folded", folded), ("--flamegraph", flameGraph) })
        {
            if (path is null) continue;
            if (path.Length == 0 || Directory.Exists(path))
                throw new KtapException(ExitCodes.Usage, $"{option} {path}: not a file name");
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null && !Directory.Exists(dir))
                throw new KtapException(ExitCodes.Usage, $"{option} {path}: the directory {dir} does not exist");
        }
        if (folded is not null && flameGraph is not null && Path.GetFullPath(folded) == Path.GetFullPath(flameGraph))
            throw new KtapException(ExitCodes.Usage, "--folded and --flamegraph name the same file");
    }

    /// <summary>A script that never takes a stack cannot make a flame graph: said before the session, not after it.</summary>
    public void CheckScript(BundleModel model, string script)
    {
        var stackBuiltins = BuiltinTable.All.Where(b => b.Name is "backtrace" or "print_backtrace").Select(b => b.Id).ToHashSet();
        if (!model.Functions.Any(f => f.Code.Any(i => Instruction.Op(i) == Opcode.LOADBUILTIN && stackBuiltins.Contains(Instruction.Bx(i)))))
            throw new KtapException(ExitCodes.NoStacks,
                $"{script} calls neither backtrace() nor print_backtrace(): it makes no stacks for {(flameGraph is not null ? "--flamegraph" : "--folded")}; nothing was run");
    }

    /// <summary>Starts a fresh collection for a session (a retried session starts over).</summary>
    public void Attach(ISessionOutput output)
    {
        Stacks = new FoldedStacks();
        if (output is RecordOutput records) records.RecordSeen = r => Stacks.Add(r, records.Names);
    }

    /// <summary>Writes the files; returns the exit code of this part (0, or NoStacks when the session gave none).</summary>
    public int Write(TextWriter diagnostics)
    {
        foreach (var w in Stacks.Warnings()) diagnostics.WriteLine($"ktap: warning: {w}");
        if (Stacks.Count == 0)
        {
            diagnostics.WriteLine($"ktap: the session printed no stacks: {string.Join(" and ", new[] { folded, flameGraph }.Where(p => p is not null))} not written " +
                "(a stack counts when a record carries it: print(stack, count), print_backtrace(), histogram() of a stack-keyed table; docs/ktap.md)");
            return ExitCodes.NoStacks;
        }
        try
        {
            if (folded is not null) WriteFile(folded, Stacks.Text());
            if (flameGraph is not null) WriteFile(flameGraph, FlameGraphSvg.Render(Stacks.Lines(), title));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KtapException(ExitCodes.Failure, $"cannot write the stacks: {e.Message}", e);
        }
        diagnostics.WriteLine($"ktap: {Stacks.Total} samples in {Stacks.Count} stacks written to {string.Join(" and ", new[] { folded, flameGraph }.Where(p => p is not null))}");
        return ExitCodes.Success;
    }

    // Written whole under a temporary name first: a reader never sees half a graph.
    private static void WriteFile(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text, new System.Text.UTF8Encoding(false));
        File.Move(tmp, path, true);
    }
}
