using System.CommandLine;
using System.CommandLine.Parsing;
using Ktap.Output;
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

    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    public Option<TimeSpan?> ConnectTimeout { get; } = DurationOption("--connect-timeout", "How long to wait for the board's SSH server", "10s");

    public Option<TimeSpan?> CommandTimeout { get; } = DurationOption("--command-timeout", "How long a command on the board may take", "30s");

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
        new(p.GetValue(ConnectTimeout) ?? DefaultConnectTimeout, p.GetValue(CommandTimeout) ?? DefaultCommandTimeout, p.GetValue(AcceptNewHostKey));

    /// <summary>
    /// A duration option whose help shows its default as the user writes it ("10s"). A
    /// DefaultValueFactory would print the TimeSpan ("00:00:10"), a form ParseDuration
    /// rejects; the caller applies the default when the option is absent.
    /// </summary>
    public static Option<TimeSpan?> DurationOption(string name, string description, string defaultText) => new(name)
    {
        Description = $"{description} (e.g. 500ms, 10s, 2m) [default: {defaultText}]",
        HelpName = "duration",
        CustomParser = r => ParseDuration(r),
    };

    /// <summary>--format for the verbs that print session output: text or json, lower case as documented.</summary>
    public static Option<string> FormatOption(string description)
    {
        var o = new Option<string>("--format") { Description = description, DefaultValueFactory = _ => "text", HelpName = "text|json" };
        o.AcceptOnlyFromAmong("text", "json");
        return o;
    }

    /// <summary>--color for the verbs that print session output: ansi.* escapes on a terminal only (auto), always or never.</summary>
    public static Option<string> ColorOption()
    {
        var o = new Option<string>("--color")
        {
            Description = "Colour from ansi.*: auto (only on a terminal, and not with NO_COLOR set), always, never",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|always|never",
        };
        o.AcceptOnlyFromAmong("auto", "always", "never");
        return o;
    }

    /// <summary>Whether the output gets colour escapes, for a --color value.</summary>
    public static bool ColourOn(string? color, TextWriter output) => color switch
    {
        "always" => true,
        "never" => false,
        _ => OutputDecoder.TerminalColour(output),
    };

    public static OutputFormat ToFormat(string? value) => value == "json" ? OutputFormat.Json : OutputFormat.Text;

    public static TimeSpan ParseDuration(ArgumentResult r)
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (Durations.TryParse(text, out var d)) return d;
        r.AddError($"'{text}' is not a duration (use 500ms, 10s, 2m)");
        return default;
    }
}
