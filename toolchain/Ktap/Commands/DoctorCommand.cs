using System.CommandLine;
using Ktap.Output;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>`ktap doctor --board NAME`: what the board has and lacks for ktap, each failure with its fix.</summary>
public static class DoctorCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var command = new Command("doctor", "Check a board: kernel, architecture, byte order, kernel options, tracefs, module, memory");
        options.AddBoardOptions(command);
        command.SetAction(p => Execute(context(), p.GetValue(options.Board), options.Settings(p)));
        return command;
    }

    public static int Execute(CommandContext ctx, string? boardName, SshSettings settings) => ctx.Guard(() =>
    {
        var board = ctx.Board(boardName);
        using var connection = ctx.Connect(board, settings);
        var checks = DoctorChecks.Evaluate(board, BoardFacts.Read(connection));
        ctx.Out.WriteLine($"board {board.Name} ({connection.Endpoint})");
        foreach (var c in checks)
        {
            var mark = c.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warning => "warn", _ => "FAIL" };
            // facts come from the board: escaped for the terminal and cut
            ctx.Out.WriteLine($"  {mark} {c.Name,-20} {TerminalText.Quote(c.Found)}");
            if (c.Status != CheckStatus.Ok && c.Fix is not null) ctx.Out.WriteLine($"       {"",-20} fix: {TerminalText.Quote(c.Fix)}");
        }
        var failed = checks.Count(c => c.Status == CheckStatus.Failed);
        ctx.Out.WriteLine(failed == 0 ? "no problems found" : $"{failed} problem(s) found");
        return failed == 0 ? ExitCodes.Success : ExitCodes.DoctorFailed;
    });
}
