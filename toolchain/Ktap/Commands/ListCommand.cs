using System.CommandLine;
using Ktap.Output;
using Ktap.Tool.Linking;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>`ktap list --board NAME [GLOB] [--fields]`: tracepoints and probe-able functions of the board.</summary>
public static class ListCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var glob = new Argument<string?>("GLOB") { Description = "Only names matching this pattern (sched:*, *open*)", Arity = ArgumentArity.ZeroOrOne };
        var fields = new Option<bool>("--fields") { Description = "Show each tracepoint's fields (args.NAME in scripts)" };
        var command = new Command("list", "List the board's tracepoints (subsys:event) and kernel functions (probe:NAME)") { glob, fields };
        options.AddBoardOptions(command);
        command.Options.Add(options.Refresh);
        command.SetAction(p => Execute(context(), p.GetValue(options.Board), options.Settings(p), p.GetValue(glob), p.GetValue(fields), p.GetValue(options.Refresh)));
        return command;
    }

    public static int Execute(CommandContext ctx, string? boardName, SshSettings settings, string? glob, bool fields, bool refresh) => ctx.Guard(() =>
    {
        var board = ctx.Board(boardName);
        using var connection = ctx.Connect(board, settings);
        var release = KernelRelease.Check(connection.RunText("uname -r").Trim(), connection.Endpoint.Host);
        var catalog = CatalogStore.Load(connection, board, release, refresh, withFunctions: !fields);
        var pattern = glob ?? "*";
        var events = catalog.Match(pattern.StartsWith("probe:", StringComparison.Ordinal) ? "\0" : pattern);
        foreach (var e in events)
        {
            // names and declarations come from the board: escaped for the terminal
            ctx.Out.WriteLine(TerminalText.Line(e));
            if (fields)
                foreach (var f in catalog.Events[e])
                    ctx.Out.WriteLine($"    {TerminalText.Line(f.Declaration)};");
        }
        var count = events.Count;
        if (!fields)
        {
            var fnPattern = pattern.StartsWith("probe:", StringComparison.Ordinal) ? pattern["probe:".Length..] : pattern;
            foreach (var f in catalog.Functions.Where(f => Glob.Matches(fnPattern, f)))
            {
                ctx.Out.WriteLine($"probe:{TerminalText.Line(f)}");
                count++;
            }
        }
        if (count == 0)
        {
            var hint = Suggest.DidYouMean(pattern, catalog.Events.Keys.Concat(catalog.Functions));
            ctx.Err.WriteLine($"ktap: nothing on {board.Name} matches '{pattern}'{TerminalText.Quote(hint)}");
            return ExitCodes.ScriptError;
        }
        return ExitCodes.Success;
    });
}
