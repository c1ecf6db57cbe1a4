using System.CommandLine;

namespace Ktap.Tool.Commands;

public static class RunCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var command = new Command("run", "Compile a script for the board, run it there and print its output live");
        options.AddBoardOptions(command);
        command.SetAction(_ => ExitCodes.Failure);
        return command;
    }
}
