using System.Globalization;

namespace Ktap.Bundle;

/// <summary>
/// `--limit KEY=N` of ktapc, ktap run and ktap replay: a session budget written into the
/// bundle's LIMITS section (docs/bundle-format.md). The keys are ktapvm-run's own words, both
/// spelled by ktap_bundle_format.def (<see cref="BundleLayout.Spelling"/>). The module caps
/// every value by its ceilings (docs/kernel-module.md), so a bundle can raise a default budget
/// only up to what the board allows.
/// </summary>
public static class LimitSetting
{
    public static readonly IReadOnlyList<(string Word, LimitKey Key)> Keys =
        Enum.GetValues<LimitKey>().Select(k => (BundleLayout.Spelling(k), k)).ToArray();

    public static string Usage => string.Join('|', Keys.Select(k => k.Word)) + "=N";

    /// <summary>Parses KEY=N (N a positive decimal); null with <paramref name="error"/> set otherwise.</summary>
    public static (LimitKey Key, ulong Value)? Parse(string text, out string? error)
    {
        error = null;
        var eq = text.IndexOf('=');
        var word = eq < 0 ? text : text[..eq];
        var key = Keys.Where(k => k.Word == word).Select(k => (LimitKey?)k.Key).FirstOrDefault();
        if (key is null)
        {
            error = $"--limit {text}: unknown budget '{word}' (one of {string.Join(", ", Keys.Select(k => k.Word))})";
            return null;
        }
        if (eq < 0 || !ulong.TryParse(text.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value == 0)
        {
            error = $"--limit {text}: the value is a positive whole number ({word}=N)";
            return null;
        }
        return (key.Value, value);
    }

    /// <summary>Sets each budget in the model, replacing one the bundle already had.</summary>
    public static void Apply(BundleModel model, IEnumerable<(LimitKey Key, ulong Value)> limits)
    {
        foreach (var (key, value) in limits)
        {
            model.Limits.RemoveAll(l => l.Key == key);
            model.Limits.Add((key, value));
        }
        model.Limits.Sort((a, b) => a.Key.CompareTo(b.Key));
    }
}
