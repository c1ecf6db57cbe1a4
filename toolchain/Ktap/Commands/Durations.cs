using System.Globalization;
using System.Text.RegularExpressions;

namespace Ktap.Tool.Commands;

/// <summary>Durations on the command line: 500ms, 10s, 2m, 1h (a bare number is seconds).</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success) return false;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        value = m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromSeconds(n),
        };
        return value > TimeSpan.Zero;
    }
}
