using System.CommandLine;
using Ktap.Tool.Boards;

namespace Ktap.Tool.Commands;

/// <summary>`ktap boards`: every known board profile, and the errors of the invalid ones.</summary>
public static class BoardsCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var command = new Command("boards", "List the known boards (boards/*.yaml and the user's board directory)");
        command.SetAction(_ => Execute(context()));
        return command;
    }

    public static int Execute(CommandContext ctx) => ctx.Guard(() =>
    {
        var reader = ctx.Catalog.Reader();
        var bad = 0;
        var files = ctx.Catalog.Files();
        if (files.Count == 0)
        {
            ctx.Err.WriteLine($"ktap: no board profiles found in {string.Join(", ", ctx.Catalog.Directories)}");
            return ExitCodes.BoardProfile;
        }
        ctx.Out.WriteLine($"{"NAME",-16} {"TARGET",-8} {"ADDRESS",-22} {"KIND",-8} FILE");
        foreach (var file in files)
        {
            try
            {
                var b = reader.Read(file);
                ctx.Out.WriteLine($"{b.Name,-16} {b.Target,-8} {$"{b.User}@{b.Host}:{b.EffectivePort}",-22} {(b.Emulated ? "emulated" : "board"),-8} {file}");
            }
            catch (BoardProfileException e)
            {
                bad++;
                ctx.Err.WriteLine(e.Message);
            }
        }
        return bad == 0 ? ExitCodes.Success : ExitCodes.BoardProfile;
    });
}
