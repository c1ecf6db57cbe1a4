using System.CommandLine;

namespace Ktap.Tool.Commands;

public static class DeployCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var command = new Command("deploy", "Install or update the ktapvm module on the board and check it against this ktap");
        options.AddBoardOptions(command);
        command.SetAction(_ => ExitCodes.Failure);
        return command;
    }
}
