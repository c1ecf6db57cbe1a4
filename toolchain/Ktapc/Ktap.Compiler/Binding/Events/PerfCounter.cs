using System.Globalization;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Catalog;
using Ktap.Text;

namespace Ktap.Binding.Events;

/// <summary>
/// `software:NAME:PERIOD` and `hardware:NAME:PERIOD` (language.md §3): NAME from
/// ktap_perf_events.def (the table the module and the loader use too), PERIOD a whole
/// number from the event's minimum to <see cref="PeriodMax"/>. Whether a board's PMU
/// counts hardware events is a link-time question (Ktap.Catalog.PmuCheck).
/// </summary>
public static class PerfCounter
{
    /// <summary>KTAP_PERF_PERIOD_MAX of ktapvm.h.</summary>
    public const ulong PeriodMax = 1_000_000_000_000UL;

    public static IEnumerable<PerfEventInfo> OfKind(EventKind kind) => PerfEventTable.All.Where(e => e.Kind == kind);

    /// <summary>Clocks count nanoseconds, the others occurrences (for messages).</summary>
    public static string Unit(string name) => name.EndsWith("-clock", StringComparison.Ordinal) ? "nanoseconds" : "events";

    public static BoundEvent? Bind(string text, string prefix, string rest, int restStart, string? filter, DiagnosticBag diagnostics)
    {
        var kind = prefix == "hardware" ? EventKind.Hardware : EventKind.Software;
        var events = OfKind(kind).ToList();
        int colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1)
        {
            var example = events[kind == EventKind.Hardware ? 0 : 2];
            diagnostics.Report(Messages.PerfEventSpec, new TextSpan(restStart - prefix.Length - 1, prefix.Length + 1 + Math.Max(1, rest.Length)),
                prefix + ":" + rest, prefix, example.Name, Math.Max(example.MinPeriod, kind == EventKind.Hardware ? 100000UL : 1UL));
            return null;
        }
        var name = rest[..colon];
        var periodText = rest[(colon + 1)..];
        var info = events.FirstOrDefault(e => e.Name == name);
        if (info is null)
        {
            diagnostics.Report(Messages.UnknownPerfEvent, new TextSpan(restStart, name.Length), prefix, name,
                Suggest.DidYouMean(name, events.Select(e => e.Name)), string.Join(", ", events.Select(e => e.Name)));
            return null;
        }
        if (!ulong.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var period) ||
            period < info.MinPeriod || period > PeriodMax)
        {
            diagnostics.Report(Messages.BadPerfPeriod, new TextSpan(restStart + colon + 1, periodText.Length), periodText, prefix, name,
                Unit(name), info.MinPeriod, PeriodMax);
            return null;
        }
        return new BoundEvent(kind, text, name, filter, period, Array.Empty<FetchArgModel>());
    }
}
