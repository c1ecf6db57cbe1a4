using System.CommandLine;
using Ktap.Bundle;
using Ktap.Tool.Boards;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>
/// `ktap deploy --board NAME`: checks ktapvm.ko against the board on the host, sends it,
/// replaces a loaded one, and checks what the loaded module reports against this ktap.
/// </summary>
public static class DeployCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var module = new Option<string?>("--module", "-m") { Description = "The ktapvm.ko to install (default: the profile's module_file)" };
        var command = new Command("deploy", "Install or update the ktapvm module on the board and check it against this ktap") { module };
        options.AddBoardOptions(command);
        command.SetAction(p => Execute(context(), p.GetValue(options.Board), options.Settings(p), p.GetValue(module)));
        return command;
    }

    public static int Execute(CommandContext ctx, string? boardName, SshSettings settings, string? modulePath) => ctx.Guard(() =>
    {
        var board = ctx.Board(boardName);
        var path = modulePath ?? board.ModuleFile
            ?? throw new KtapException(ExitCodes.Usage, $"no module to deploy: give --module PATH or set module_file in {board.SourceFile}");
        using var connection = BoardScripts.ConnectStarting(ctx, board, settings); // builds an emulated board's module too
        var module = ModuleFile.Read(path);
        ctx.Out.WriteLine(Install(board, connection, module));
        return ExitCodes.Success;
    });

    /// <summary>Checks, sends and loads <paramref name="module"/> on a connected board; returns what was done.</summary>
    public static string Install(BoardProfile board, BoardConnection connection, ModuleFile module)
    {
        var target = KnownTargets.Resolve(board.Target)!;
        var facts = QuickFacts.Read(connection);
        facts.CheckRuns(target, board.Name, module.Path);
        module.CheckFor(target, facts.Release, board.Name);

        var before = BoardFacts.Read(connection);
        if (before.ModuleLoaded)
        {
            var rm = connection.Run("rmmod ktapvm");
            if (rm.ExitStatus != 0)
                throw new KtapException(ExitCodes.Failure, $"cannot replace the loaded ktapvm on {board.Name}: {rm.Error.Trim()} (a session may still be open; end it and deploy again)");
        }
        connection.Upload(module.Data, board.ModulePath);
        var ins = connection.Run($"insmod {Shell.Quote(board.ModulePath)}");
        if (ins.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure, $"insmod {board.ModulePath} failed on {board.Name}: {ins.Error.Trim()} (dmesg on the board tells why)");

        var after = BoardFacts.Read(connection);
        if (!after.ModuleLoaded || !after.DeviceExists)
            throw new KtapException(ExitCodes.ModuleMissing, $"ktapvm loaded on {board.Name} but /dev/ktap did not appear");
        var (abi, arch) = after.ModuleVersion();
        if (abi is { } a && a != BundleLayout.RuntimeAbi)
            throw new KtapException(ExitCodes.TargetMismatch, $"the module on {board.Name} has runtime ABI {a}, this ktap writes bundles for ABI {BundleLayout.RuntimeAbi}: deploy the module built from the same ktap version");
        if (arch is not null && KnownTargets.Resolve(arch) is { } reported && reported.Arch != target.Arch)
            throw new KtapException(ExitCodes.TargetMismatch, $"the module on {board.Name} reports architecture {arch}, the board's target is {target.Name}");
        return $"deployed {Path.GetFileName(module.Path)} to {board.Name}:{board.ModulePath} ({(before.ModuleLoaded ? "replaced the loaded module" : "loaded")}; " +
                          $"kernel {facts.Release}, {target.Name}, {QuickFacts.Describe(target.ByteOrder)}, runtime ABI {abi?.ToString() ?? "not reported"})";
    }
}
