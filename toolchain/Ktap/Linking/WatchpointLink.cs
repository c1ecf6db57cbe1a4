using Ktap.Binding.Events;
using Ktap.Bundle;
using Ktap.Catalog;
using Ktap.Profiles;
using Ktap.Tool.Symbols;

namespace Ktap.Tool.Linking;

/// <summary>
/// The link step of `watchpoint:` events against one board: the board must have hardware
/// breakpoints (its kernel registered the "breakpoint" perf device, as PmuCheck reads the
/// CPU PMU from the same list), its kernel must be able to step over a hit (x86; not arm
/// or arm64, below), and a SYMBOL is resolved to its address in the board's kallsyms data
/// symbols (the EVENTS value, 0 until now).
/// </summary>
public static class WatchpointLink
{
    /// <summary>The perf device a kernel with CONFIG_HAVE_HW_BREAKPOINT registers (kernel/events/hw_breakpoint.c).</summary>
    public const string BreakpointDevice = "breakpoint";

    /// <summary>Fewer data symbols than this: kallsyms without CONFIG_KALLSYMS_ALL (a handful,
    /// where a kernel with it lists tens of thousands), so a missing name says why.</summary>
    public const int FewDataSymbols = 1000;

    /// <summary>Resolves and checks every watchpoint of <paramref name="model"/> in place; returns one message per problem.</summary>
    /// <param name="dataSymbols">Reads the board's data symbols; called at most once, only when a symbol needs resolving.</param>
    public static IReadOnlyList<string> Link(BundleModel model, IReadOnlyList<string> perfDevices, Func<KernelSymbols> dataSymbols, string boardName)
    {
        var errors = new List<string>();
        KernelSymbols? table = null;
        for (var i = 0; i < model.Events.Count; i++)
        {
            var e = model.Events[i];
            if (e.Kind != EventKind.Watchpoint) continue;
            if (!perfDevices.Contains(BreakpointDevice))
            {
                errors.Add($"{e.Spec}: {boardName} has no hardware breakpoints: its kernel registered no '{BreakpointDevice}' perf device " +
                           $"(built without CONFIG_HAVE_HW_BREAKPOINT; its perf devices: {(perfDevices.Count == 0 ? "none" : string.Join(", ", perfDevices))})");
                continue;
            }
            if (model.Target.Arch == TargetArch.ArmV7)
            {
                // arch/arm/kernel/hw_breakpoint.c steps over a watchpoint hit only for perf's
                // own overflow handler, and refuses that handler on kernel addresses (-EPERM):
                // with ktap's handler the access would trap again for ever.
                errors.Add($"{e.Spec}: {boardName}'s 32-bit arm kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit " +
                           "only for perf's own handler, which it refuses on kernel addresses, so each hit would trap again; " +
                           "trace the code that writes the variable instead (a kprobe on it)");
                continue;
            }
            if (model.Target.Arch == TargetArch.Arm64)
            {
                // arch/arm64/kernel/hw_breakpoint.c steps over a hit with interrupts enabled: an
                // interrupt before the stepped access re-enables the watchpoint and the access
                // traps again (module watch.c: measured, a livelocked qemu-arm64 board).
                errors.Add($"{e.Spec}: {boardName}'s arm64 kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit " +
                           "with interrupts enabled, so an interrupt makes the access trap again, for ever on a busy CPU; " +
                           "trace the code that writes the variable instead (a kprobe on it)");
                continue;
            }
            if (e.Value != 0) continue; // an address as written
            var symbol = Watchpoint.SymbolOf(e.Spec);
            if (symbol is null) continue; // the compiler wrote it; the loader refuses 0
            try
            {
                table ??= dataSymbols();
            }
            catch (KallsymsException x)
            {
                errors.Add($"{e.Spec}: cannot resolve {symbol}: {x.Message}");
                continue;
            }
            var found = table.Addresses(symbol, modules: false);
            var length = int.Parse(e.Target!.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (found.Count == 0 && table.Count < FewDataSymbols)
                errors.Add($"{e.Spec}: {boardName}'s kallsyms lists {table.Count} data symbol{(table.Count == 1 ? "" : "s")}, not '{symbol}': " +
                           "its kernel was built without CONFIG_KALLSYMS_ALL (Debian's arm64 kernel is); watch the address instead, " +
                           $"watchpoint:0xADDRESS:{e.Target}, from the kernel's System.map moved by its KASLR offset (_text in kallsyms minus _text in System.map)");
            else if (found.Count == 0)
                errors.Add($"{e.Spec}: {boardName}'s kernel has no data symbol '{symbol}'{Suggest.DidYouMean(symbol, table.KernelNames)} " +
                           "(a variable of the kernel itself, in its kallsyms: CONFIG_KALLSYMS_ALL)");
            else if (found.Count > 1)
                errors.Add($"{e.Spec}: '{symbol}' names {found.Count} data symbols of {boardName}'s kernel (statics of several files): " +
                           $"watch one by address ({string.Join(", ", found.Select(a => $"0x{a:x}"))})");
            else if (found[0] % (ulong)length != 0)
                errors.Add($"{e.Spec}: {symbol} is at 0x{found[0]:x}, not a multiple of the length {length}");
            else
                model.Events[i] = e with { Value = found[0] };
        }
        return errors;
    }
}
