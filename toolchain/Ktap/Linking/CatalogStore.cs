using Ktap.Catalog;
using Ktap.Output;
using Ktap.Tool.Boards;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Linking;

/// <summary>
/// Reads a board's event catalog over SSH and caches it per board and kernel release under
/// the board's state directory (catalog/&lt;release&gt;/), so later runs need no extra round trip.
/// </summary>
public static class CatalogStore
{
    public const string FormatsFile = "formats.txt", FunctionsFile = "functions.txt";

    private const string TracefsFind =
        "T=; for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do [ -e \"$d/available_events\" ] && T=$d && break; done; " +
        "[ -n \"$T\" ] || { echo 'tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)' >&2; exit 3; }; ";

    /// <summary>The cache folder of one kernel release; the release comes from the board and is checked first (<see cref="KernelRelease"/>).</summary>
    public static string Directory(BoardProfile board, string release) =>
        Path.Combine(board.StateDirectory, "catalog", KernelRelease.Check(release, board.Name));

    public static EventCatalog Load(BoardConnection connection, BoardProfile board, string release, bool refresh, bool withFunctions)
    {
        var dir = Directory(board, release);
        var formats = Path.Combine(dir, FormatsFile);
        var functions = Path.Combine(dir, FunctionsFile);
        System.IO.Directory.CreateDirectory(dir);
        if (refresh || !File.Exists(formats))
            WriteAtomically(formats, Fetch(connection, "cd \"$T/events\" && grep -H 'field:' */*/format"));
        if (withFunctions && (refresh || !File.Exists(functions)))
            WriteAtomically(functions, Fetch(connection, "cat \"$T/available_filter_functions\""));
        return new EventCatalog(
            EventCatalog.ParseFormats(ReadCached(formats)),
            withFunctions ? EventCatalog.ParseFunctions(ReadCached(functions)) : Array.Empty<string>());
    }

    public const string PrintFmtsFile = "print-fmts.txt";

    /// <summary>
    /// The board's events' "print fmt:" lines ("subsys:event" → text), read once per kernel
    /// release beside the catalog, and only for a script that prints `argevent` of a tracepoint.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PrintFmts(BoardConnection connection, BoardProfile board, string release, bool refresh)
    {
        var file = Path.Combine(Directory(board, release), PrintFmtsFile);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (refresh || !File.Exists(file))
            WriteAtomically(file, Fetch(connection, "cd \"$T/events\" && grep -H 'print fmt:' */*/format"));
        return Ktap.Output.Events.EventLines.ParsePrintFmts(ReadCached(file));
    }

    public const string PerfDevicesFile = "perf-devices.txt";

    /// <summary>
    /// The board's perf devices (/sys/bus/event_source/devices: which PMUs its kernel has),
    /// read once per kernel release beside the event catalog: hardware does not change
    /// under a kernel release, and a board booted elsewhere gets another release folder
    /// only if its kernel differs, so --refresh reads it again.
    /// </summary>
    public static IReadOnlyList<string> PerfDevices(BoardConnection connection, BoardProfile board, string release, bool refresh)
    {
        var dir = Directory(board, release);
        var file = Path.Combine(dir, PerfDevicesFile);
        System.IO.Directory.CreateDirectory(dir);
        if (refresh || !File.Exists(file))
        {
            var r = connection.Run("ls /sys/bus/event_source/devices", maxOutput: HostLimits.CatalogBytes);
            if (r.ExitStatus != 0)
                throw new KtapException(ExitCodes.Failure, $"cannot list the perf devices of {connection.Endpoint.Host} (/sys/bus/event_source/devices): {TerminalText.Quote(r.Error.Trim())}");
            WriteAtomically(file, r.Text);
        }
        return PmuCheck.ParseDevices(ReadCached(file));
    }

    // A cached file is only as trustworthy as the board that sent it: same cap as the answer.
    private static string ReadCached(string file)
    {
        if (new FileInfo(file).Length > HostLimits.CatalogBytes)
            throw new KtapException(ExitCodes.Failure, $"{file} is over the catalog limit of {HostLimits.CatalogBytes} bytes (delete it, or use --refresh)");
        return File.ReadAllText(file);
    }

    private static string Fetch(BoardConnection connection, string command)
    {
        var r = connection.Run(TracefsFind + command, maxOutput: HostLimits.CatalogBytes);
        if (r.ExitStatus != 0)
            throw new KtapException(ExitCodes.Failure, $"cannot read the event catalog of {connection.Endpoint.Host}: {TerminalText.Quote(r.Error.Trim())}");
        return r.Text;
    }

    private static void WriteAtomically(string file, string text)
    {
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, file, true);
    }
}
