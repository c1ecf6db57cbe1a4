using Ktap.Profiles;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>
/// What one round trip learns about a board (`key=value` lines of <see cref="Script"/>):
/// kernel, architecture, byte order, tracefs, kernel options, module state, memory.
/// </summary>
public sealed class BoardFacts
{
    // Options ktap needs; the probe prints those set. Runtime evidence stands in when the
    // kernel's config cannot be read (no /proc/config.gz, no /boot/config-*).
    public static readonly (string Option, string What, string EvidenceKey)[] KernelOptions =
    [
        ("CONFIG_MODULES", "loadable modules", "have_modules"),
        ("CONFIG_TRACEPOINTS", "tracepoints", "have_events"),
        ("CONFIG_KPROBES", "kprobes", "have_kprobe_events"),
        ("CONFIG_UPROBES", "uprobes", "have_uprobe_events"),
        ("CONFIG_PERF_EVENTS", "perf events", "have_perf"),
        ("CONFIG_FTRACE", "ftrace (tracing)", "have_tracefs"),
    ];

    public const string Script = """
        echo "release=$(uname -r)"
        echo "machine=$(uname -m)"
        echo "elfdata=$(head -c 6 /bin/sh | tail -c 1 | od -An -tu1 | tr -d ' ')"
        T=; for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do [ -e "$d/available_events" ] && T=$d && break; done
        echo "tracefs=$T"
        grep -q ' tracefs ' /proc/mounts && echo tracefs_mounted=1
        grep -q ' debugfs ' /proc/mounts && echo debugfs_mounted=1
        [ -n "$T" ] && echo have_tracefs=1
        [ -n "$T" ] && [ -d "$T/events" ] && echo have_events=1
        [ -n "$T" ] && [ -e "$T/kprobe_events" ] && echo have_kprobe_events=1
        [ -n "$T" ] && [ -e "$T/uprobe_events" ] && echo have_uprobe_events=1
        [ -e /proc/sys/kernel/perf_event_paranoid ] && echo have_perf=1
        [ -e /proc/modules ] && echo have_modules=1
        C=; if [ -r /proc/config.gz ]; then C=/proc/config.gz; zcat /proc/config.gz 2>/dev/null; elif [ -r "/boot/config-$(uname -r)" ]; then C="/boot/config-$(uname -r)"; cat "$C"; fi | grep -E '^CONFIG_(MODULES|TRACEPOINTS|KPROBES|UPROBES|PERF_EVENTS|FTRACE)=' | sed 's/^/config_/'
        if [ -r /proc/config.gz ]; then echo config_source=/proc/config.gz; elif [ -r "/boot/config-$(uname -r)" ]; then echo "config_source=/boot/config-$(uname -r)"; fi
        [ -d /sys/module/ktapvm ] && echo module_loaded=1
        for f in /sys/module/ktapvm/parameters/*; do [ -r "$f" ] && echo "module_param_${f##*/}=$(cat "$f")"; done 2>/dev/null
        [ -c /dev/ktap ] && echo dev_ktap=1
        dmesg 2>/dev/null | grep 'ktapvm: /dev/ktap ready' | tail -n 1 | sed 's/^.*ktapvm: /module_banner=/'
        echo "memavailable_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
        """;

    private readonly Dictionary<string, string> _values;

    public BoardFacts(IReadOnlyDictionary<string, string> values) => _values = new(values);

    public static BoardFacts Read(BoardConnection connection) => Parse(connection.RunText(Script));

    public static BoardFacts Parse(string text)
    {
        var values = new Dictionary<string, string>();
        foreach (var line in text.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var key = line[..eq];
            if (key.StartsWith("config_CONFIG_", StringComparison.Ordinal)) key = key["config_".Length..];
            values[key] = line[(eq + 1)..].Trim();
        }
        return new BoardFacts(values);
    }

    public string? this[string key] => _values.GetValueOrDefault(key) is { Length: > 0 } v ? v : null;
    public bool Has(string key) => this[key] is not null;

    public string Release => this["release"] ?? "unknown";
    public string Machine => this["machine"] ?? "unknown";
    public ByteOrder? ByteOrder => this["elfdata"] switch { "1" => Profiles.ByteOrder.Little, "2" => Profiles.ByteOrder.Big, _ => null };
    public string? TracefsPath => this["tracefs"];
    public bool ModuleLoaded => Has("module_loaded");
    public bool DeviceExists => Has("dev_ktap");
    public long? MemAvailableKb => long.TryParse(this["memavailable_kb"], out var kb) ? kb : null;

    /// <summary>The module's runtime ABI and architecture label, from its parameters or its load message.</summary>
    public (int? Abi, string? Arch) ModuleVersion()
    {
        int? abi = int.TryParse(this["module_param_runtime_abi"], out var a) ? a : null;
        var arch = this["module_param_arch"];
        if (this["module_banner"] is { } banner)
        {
            // "/dev/ktap ready (x86_64, runtime ABI 1)"
            var open = banner.IndexOf('(');
            var close = banner.LastIndexOf(')');
            if (open >= 0 && close > open)
            {
                var parts = banner[(open + 1)..close].Split(", runtime ABI ");
                if (parts.Length == 2)
                {
                    arch ??= parts[0];
                    abi ??= int.TryParse(parts[1], out var b) ? b : null;
                }
            }
        }
        return (abi, arch);
    }
}
