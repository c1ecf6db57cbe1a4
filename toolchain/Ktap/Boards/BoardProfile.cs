namespace Ktap.Tool.Boards;

/// <summary>How the board's host key is checked: a pinned fingerprint or a known_hosts file.</summary>
public sealed record HostKeyPolicy(string? Fingerprint, string? KnownHostsFile);

/// <summary>
/// One board, as read from boards/NAME.yaml (docs/board-profiles.md). Paths are already
/// expanded (~, ${VAR}); nothing here is a secret: the identity file is a path.
/// </summary>
public sealed record BoardProfile(
    string Name,
    string Target,
    string Host,
    int Port,
    string? PortFile,
    string User,
    string IdentityFile,
    HostKeyPolicy HostKey,
    string ModulePath,
    string? ModuleFile,
    string? Kernel,
    bool Emulated,
    string? BoardFolder,
    string StateDirectory,
    string SourceFile)
{
    /// <summary>An emulated board's kernel tree (emulation tree: in its YAML), which names
    /// its module out/module/TREE/ktapvm.ko; null for other boards.</summary>
    public string? KernelTree { get; init; }

    /// <summary>The port to use now: the port file (written by `board start`) wins when it exists.</summary>
    public int EffectivePort
    {
        get
        {
            if (PortFile is not null && File.Exists(PortFile)
                && int.TryParse(File.ReadAllText(PortFile).Trim(), out var p) && p is > 0 and < 65536)
                return p;
            return Port;
        }
    }
}
