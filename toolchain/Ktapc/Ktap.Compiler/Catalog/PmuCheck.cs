using Ktap.Bundle;

namespace Ktap.Catalog;

/// <summary>
/// The link check of `hardware:` events: they need a CPU PMU, and a board tells whether it
/// has one by the perf devices the kernel registered (the names under
/// /sys/bus/event_source/devices). A board without one (qemu's x86 under TCG has only
/// software, tracepoint, kprobe, uprobe and breakpoint) is refused here, before anything is
/// sent. Which generic events a PMU maps is not visible there; the module refuses those
/// with the kernel's error when it arms them.
/// </summary>
public static class PmuCheck
{
    /// <summary>A CPU's PMU, the one that counts PERF_TYPE_HARDWARE: x86 and powerpc "cpu",
    /// hybrid x86 "cpu_core"/"cpu_atom", arm "armv7_cortex_a15", arm64 "armv8_pmuv3_0"...</summary>
    public static bool IsCpuPmu(string device) =>
        device == "cpu" || device.StartsWith("cpu_", StringComparison.Ordinal) ||
        device.StartsWith("armv", StringComparison.Ordinal) || device.StartsWith("arm_cortex", StringComparison.Ordinal) ||
        device.Contains("pmuv3", StringComparison.Ordinal) || device == "arm_pmu";

    /// <summary>"cpu\nsoftware\n..." (ls output) → device names.</summary>
    public static IReadOnlyList<string> ParseDevices(string text) =>
        text.Split(['\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>One message per hardware event when <paramref name="devices"/> has no CPU PMU.</summary>
    public static IReadOnlyList<string> Check(BundleModel model, IReadOnlyList<string> devices, string boardName)
    {
        if (devices.Any(IsCpuPmu)) return [];
        var have = devices.Count == 0 ? "none" : string.Join(", ", devices);
        return model.Events.Where(e => e.Kind == EventKind.Hardware)
            .Select(e => $"{e.Spec}: {boardName} has no CPU PMU, so no hardware events (its perf devices: {have}); " +
                         "count software events instead (software:cpu-clock:N, software:page-faults:N) or sample with profile-N")
            .Distinct(StringComparer.Ordinal).ToList();
    }
}
