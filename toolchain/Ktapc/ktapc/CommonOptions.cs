using System.CommandLine;
using Ktap.Profiles;

namespace Ktap.Cli;

/// <summary>The options more than one verb understands, defined once.</summary>
public static class CommonOptions
{
    public static Option<string?> Target() => new("--target", "-t")
    {
        Description = $"Target profile: {string.Join(", ", TargetProfiles.All.Select(p => p.Name))} (or an alias, see `ktapc targets`).",
        HelpName = "name",
    };

    public static Option<string?> Output() => new("--output", "-o")
    {
        Description = "Bundle file to write (default: the script's name with .kbc).",
        HelpName = "file",
    };

    public static Option<string?> Source() => new("--source", "-s")
    {
        Description = "Script source to show next to the disassembly (default: the bundle's source_name, if that file exists).",
        HelpName = "file",
    };
}
