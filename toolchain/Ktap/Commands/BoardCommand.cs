using System.CommandLine;

namespace Ktap.Tool.Commands;

/// <summary>`ktap board start|stop|status NAME`: the emulated board's scripts.</summary>
public static class BoardCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var command = new Command("board", "Build, start, stop or check an emulated board");
        foreach (var (verb, help) in new[] { ("start", "Build what the emulated board lacks (kernel, image, module), boot it and wait until SSH works"),
                                             ("prepare", "Build what the emulated board lacks (kernel, image, module) without booting it"),
                                             ("stop", "Stop the emulated board"),
                                             ("status", "Tell whether the emulated board runs (exit 0) or not (exit 1)") })
        {
            var name = new Argument<string>("NAME") { Description = "Board name, e.g. qemu-x86_64" };
            var sub = new Command(verb, help) { name };
            sub.SetAction(p => Execute(context(), verb, p.GetValue(name)!));
            command.Subcommands.Add(sub);
        }
        return command;
    }

    public static int Execute(CommandContext ctx, string verb, string name) => ctx.Guard(() =>
    {
        var board = ctx.Catalog.Load(name);
        if (verb == "start") BoardScripts.Prepare(board, ctx.Err);
        var rc = BoardScripts.Run(board, verb, ctx.Out, ctx.Err);
        return verb switch
        {
            "status" => rc == 0 ? ExitCodes.Success : ExitCodes.Failure,
            _ => rc == 0 ? ExitCodes.Success : ExitCodes.Failure,
        };
    });
}
