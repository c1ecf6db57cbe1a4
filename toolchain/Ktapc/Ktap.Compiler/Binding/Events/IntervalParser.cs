using Ktap.Diagnostics;
using Ktap.Syntax;

namespace Ktap.Binding.Events;

/// <summary>The INTERVAL of tick-N / profile-N: a positive integer and a unit, in nanoseconds.</summary>
public static class IntervalParser
{
    private static readonly Dictionary<string, ulong> UnitNanoseconds = new(StringComparer.Ordinal)
    {
        ["s"] = 1_000_000_000, ["sec"] = 1_000_000_000, ["ms"] = 1_000_000, ["msec"] = 1_000_000,
        ["us"] = 1_000, ["usec"] = 1_000, ["ns"] = 1,
    };

    public static ulong Parse(Token interval, DiagnosticBag diagnostics)
    {
        var text = interval.Text;
        if (interval.IsMissing) return 0;
        int i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var unit = text[i..];
        if (i == 0 || !ulong.TryParse(text.AsSpan(0, i), out var n) || n == 0 ||
            (unit != "hz" && !UnitNanoseconds.ContainsKey(unit)))
        {
            if (i > 0 && i > 19) { diagnostics.Report(Messages.IntervalTooLarge, interval.Span, text); return 0; }
            diagnostics.Report(Messages.BadInterval, interval.Span, text);
            return 0;
        }
        if (unit == "hz")
        {
            if (n > 1_000_000_000) { diagnostics.Report(Messages.IntervalTooLarge, interval.Span, text); return 0; }
            return 1_000_000_000 / n;
        }
        var mul = UnitNanoseconds[unit];
        if (n > ulong.MaxValue / mul || n * mul > long.MaxValue)
        {
            diagnostics.Report(Messages.IntervalTooLarge, interval.Span, text);
            return 0;
        }
        return n * mul;
    }
}
