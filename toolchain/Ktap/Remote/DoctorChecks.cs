using Ktap.Bundle;
using Ktap.Tool.Boards;

namespace Ktap.Tool.Remote;

public enum CheckStatus { Ok, Warning, Failed }

/// <summary>One line of `ktap doctor`: what was checked, what was found, and the fix when it failed.</summary>
public sealed record Check(CheckStatus Status, string Name, string Found, string? Fix = null);

/// <summary>Turns <see cref="BoardFacts"/> into doctor checks (pure, so tests give it canned facts).</summary>
public static class DoctorChecks
{
    public const long MinimumFreeKb = 16 * 1024;

    public static IReadOnlyList<Check> Evaluate(BoardProfile board, BoardFacts facts)
    {
        var checks = new List<Check>();
        var target = KnownTargets.Resolve(board.Target);

        checks.Add(board.Kernel is null || board.Kernel == facts.Release
            ? new(CheckStatus.Ok, "kernel", facts.Release)
            : new(CheckStatus.Failed, "kernel", $"{facts.Release}, the profile expects {board.Kernel}",
                $"boot the expected kernel, or set 'kernel: {facts.Release}' in {board.SourceFile}"));

        var running = KnownTargets.FromUname(facts.Machine);
        checks.Add(running is not null && target is not null && running.Arch == target.Arch
            ? new(CheckStatus.Ok, "architecture", $"{facts.Machine} (target {target.Name})")
            : new(CheckStatus.Failed, "architecture", $"{facts.Machine}, the profile's target is {board.Target}",
                running is null ? "ktap has no target for this architecture" : $"set 'target: {running.Name}' in {board.SourceFile}"));

        checks.Add(facts.ByteOrder is { } order && target is not null && order == target.ByteOrder
            ? new(CheckStatus.Ok, "byte order", order == Profiles.ByteOrder.Little ? "little-endian" : "big-endian")
            : new(CheckStatus.Failed, "byte order", facts.ByteOrder?.ToString() ?? "unknown (cannot read /bin/sh's ELF header)",
                $"the board's byte order must be the target's ({target?.ByteOrder}); fix 'target:' in {board.SourceFile}"));

        var configSource = facts["config_source"];
        foreach (var (option, what, evidence) in BoardFacts.KernelOptions)
        {
            var value = facts[option];
            if (value is "y" or "m")
                checks.Add(new(CheckStatus.Ok, option, $"{what}: {value} ({configSource})"));
            else if (configSource is not null)
                checks.Add(new(CheckStatus.Failed, option, $"{what}: not set in {configSource}", $"rebuild the kernel with {option}=y"));
            else if (facts.Has(evidence))
                checks.Add(new(CheckStatus.Ok, option, $"{what}: present (seen at run time; kernel config not readable)"));
            else
                checks.Add(new(CheckStatus.Failed, option, $"{what}: not found (and no /proc/config.gz or /boot/config-* to check)",
                    $"rebuild the kernel with {option}=y (CONFIG_IKCONFIG_PROC=y lets ktap doctor read the config)"));
        }

        checks.Add(facts.Has("tracefs_mounted")
            ? new(CheckStatus.Ok, "tracefs", $"mounted ({facts.TracefsPath})")
            : new(CheckStatus.Failed, "tracefs", "not mounted", "mount -t tracefs nodev /sys/kernel/tracing (or add it to the board's /etc/fstab)"));
        checks.Add(facts.Has("debugfs_mounted")
            ? new(CheckStatus.Ok, "debugfs", "mounted")
            : new(CheckStatus.Warning, "debugfs", "not mounted", "mount -t debugfs nodev /sys/kernel/debug"));

        if (!facts.ModuleLoaded)
            checks.Add(new(CheckStatus.Failed, "module", "ktapvm is not loaded", $"ktap deploy --board {board.Name}"));
        else if (!facts.DeviceExists)
            checks.Add(new(CheckStatus.Failed, "module", "ktapvm is loaded but /dev/ktap is missing", "mdev -s (busybox) or check udev; then ktap deploy again"));
        else
        {
            var (abi, arch) = facts.ModuleVersion();
            if (abi is { } a && a != BundleLayout.RuntimeAbi)
                checks.Add(new(CheckStatus.Failed, "module", $"ktapvm runtime ABI {a}, this ktap needs {BundleLayout.RuntimeAbi}", $"ktap deploy --board {board.Name} (installs the matching module)"));
            else
                checks.Add(new(CheckStatus.Ok, "module", $"ktapvm loaded, /dev/ktap present{(abi is null ? "" : $", runtime ABI {abi}")}{(arch is null ? "" : $", {arch}")}"));
        }

        checks.Add(facts.MemAvailableKb switch
        {
            null => new(CheckStatus.Warning, "memory", "MemAvailable unknown"),
            < MinimumFreeKb and var kb => new(CheckStatus.Failed, "memory", $"{kb / 1024} MiB available, ktap sessions want at least {MinimumFreeKb / 1024} MiB", "stop other programs or give the board more memory"),
            var kb => new(CheckStatus.Ok, "memory", $"{kb / 1024} MiB available"),
        });
        return checks;
    }
}
