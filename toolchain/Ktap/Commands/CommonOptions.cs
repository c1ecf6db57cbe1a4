using System.CommandLine;
using System.CommandLine.Parsing;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>The options several verbs share, defined once.</summary>
public sealed class CommonOptions
{
    public Option<string?> Board { get; } = new("--board", "-b")
    {
        Description = "Board profile name (boards/NAME.yaml or ~/.config/ktap/boards/NAME.yaml); default $KTAP_BOARD, else qemu-x86_64",
    };

    public Option<bool> AcceptNewHostKey { get; } = new("--accept-new-host-key")
    {
        Description = "Accept and record the board's host key when it is not known yet (never when it changed)",
    };

    public Option<TimeSpan> ConnectTimeout { get; } = DurationOption("--connect-timeout", "How long to wait for the board's SSH server (e.g. 10s)", TimeSpan.FromSeconds(10));

    public Option<TimeSpan> CommandTimeout { get; } = DurationOption("--command-timeout", "How long a command on the board may take (e.g. 30s)", TimeSpan.FromSeconds(30));

    public Option<bool> Refresh { get; } = new("--refresh")
    {
        Description = "Read the board's event catalog again instead of using the cached one",
    };

    /// <summary>Adds the board and SSH options to a verb.</summary>
    public void AddBoardOptions(Command command, bool boardRequired = false)
    {
        Board.Required = boardRequired;
        command.Options.Add(Board);
        command.Options.Add(AcceptNewHostKey);
        command.Options.Add(ConnectTimeout);
        command.Options.Add(CommandTimeout);
    }

    public SshSettings Settings(ParseResult p) =>
        new(p.GetValue(ConnectTimeout), p.GetValue(CommandTimeout), p.GetValue(AcceptNewHostKey));

    public static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = ParseDuration,
    };

    public static TimeSpan ParseDuration(ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var d)) return d;
        r.AddError($"'{text}' is not a duration (use 500ms, 10s, 2m)");
        return default;
    }
}
