using Ktap.Bundle;
using Ktap.Catalog;
using Ktap.Output;

namespace Ktap.Tool.Linking;

/// <summary>
/// Links one `sdt:/path:[PROVIDER:]MARKER` event against the file's USDT notes: each
/// matching marker becomes one event (EventExpansion), valued with the marker's file offset, its arguments as fetch-args
/// arg1..argN (SdtArgSpec), and its semaphore remembered for the module.
/// </summary>
public static class SdtLinker
{
    /// <summary>One definition may match at most this many markers (a glob over a big library
    /// would arm thousands of uprobes and semaphores).</summary>
    public const int MaxMarkers = 256;

    /// <summary>Patches model.Events[index] (and appends); returns the problems found.</summary>
    public static IReadOnlyList<string> Link(BundleModel model, int index, ElfSymbols elf, List<(int Event, ulong Offset)> semaphores)
    {
        var e = model.Events[index];
        var path = e.Target!;
        var (provider, marker) = Pattern(e.Spec, path);
        var all = elf.SdtMarkers;
        var matched = all.Where(m => (provider is null || Glob.Matches(provider, m.Provider)) && Glob.Matches(marker, m.Name)).ToList();
        var wanted = provider is null ? marker : $"{provider}:{marker}";
        if (matched.Count == 0)
        {
            var names = all.Select(m => m.Name).Concat(all.Select(m => m.FullName)).Distinct();
            var hint = TerminalText.Quote(Suggest.DidYouMean(wanted, names));
            return [$"{e.Spec}: {path} has no USDT marker '{wanted}'{hint} (ktap list sdt:{path} shows its {all.Count} markers)"];
        }
        if (matched.Count > MaxMarkers)
            return [EventExpansion.TooMany(e.Spec, wanted, matched.Count, "markers", path, MaxMarkers)];
        var errors = new List<string>();
        for (var k = 0; k < matched.Count; k++)
        {
            var m = matched[k];
            if (m.Thumb)
            {
                errors.Add($"{e.Spec}: marker {m.FullName} of {path} is in Thumb code, which the kernel's arm uprobes cannot probe (its 32-bit breakpoint would overwrite the next instruction): build that code with -marm");
                continue;
            }
            var args = new List<FetchArgModel>();
            for (var a = 0; a < m.Arguments.Count; a++)
            {
                var (arg, why) = SdtArgSpec.Translate(m.Arguments[a], a + 1, model.Target);
                if (arg is null) errors.Add($"{e.Spec}: marker {m.FullName} of {path}: argument {a + 1} ('{m.Arguments[a]}') cannot be read on {model.Target.Name}: {why}");
                else args.Add(arg);
            }
            var at = EventExpansion.Place(model, index, k, e with { Spec = $"sdt:{path}:{m.FullName}", Value = m.FileOffset, FetchArgs = args });
            if (m.SemaphoreOffset != 0) semaphores.Add((at, m.SemaphoreOffset));
        }
        return errors;
    }

    /// <summary>"sdt:/bin/app:prov:mark" → (prov, mark); "sdt:/bin/app:mark" → (null, mark).</summary>
    public static (string? Provider, string Marker) Pattern(string spec, string path)
    {
        var at = spec.IndexOf(path + ":", StringComparison.Ordinal);
        var rest = at < 0 ? "*" : spec[(at + path.Length + 1)..];
        var end = rest.IndexOfAny([' ', '\t']);
        if (end >= 0) rest = rest[..end];
        var colon = rest.IndexOf(':');
        return colon < 0 ? (null, rest) : (rest[..colon], rest[(colon + 1)..]);
    }
}
