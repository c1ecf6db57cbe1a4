using System.Text.RegularExpressions;

namespace Ktap.Tool.Boards;

/// <summary>Expands a leading ~ and ${VAR} / ${VAR:-default} in profile paths.</summary>
public static partial class PathExpander
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")]
    private static partial Regex Variable();

    /// <summary>Returns the expanded text, or throws <see cref="ArgumentException"/> naming an unset variable.</summary>
    public static string Expand(string text, Func<string, string?> env)
    {
        var result = Variable().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            var value = name == "KTAP_STATE_DIR" ? StateDirectory(env) : env(name);
            if (!string.IsNullOrEmpty(value)) return value;
            if (m.Groups[2].Success) return m.Groups[2].Value;
            throw new ArgumentException($"environment variable {name} is not set");
        });
        if (result == "~" || result.StartsWith("~/", StringComparison.Ordinal))
            result = Home(env) + result[1..];
        return result;
    }

    public static string Home(Func<string, string?> env) =>
        env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>${KTAP_STATE_DIR:-$HOME/.cache/ktap}: shared with boards/qemu/*.sh.</summary>
    public static string StateDirectory(Func<string, string?> env) =>
        env("KTAP_STATE_DIR") is { Length: > 0 } s ? s : Path.Combine(Home(env), ".cache", "ktap");
}
