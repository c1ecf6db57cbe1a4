using System.CommandLine;
using Ktap.Replay;

namespace Ktap.Tool.Commands;

/// <summary>
/// `ktap replay-events FILE.jsonl -o FILE.krs`: checks a replay file line by line and writes
/// the stream ktapvm-run reads (ktap_replay_stream.def), for running the runner by hand
/// (qemu-user, benchmarks). `ktap replay` does the same on its own.
/// </summary>
public static class ReplayEventsCommand
{
    public static Command Create()
    {
        var events = new Argument<string>("events") { Description = "replay file: JSON lines, one event per line (docs/replay-format.md)" };
        var output = new Option<string>("--output", "-o") { Description = "where to write the runner's event stream", Required = true };
        var cmd = new Command("replay-events", "check a replay file and write the event stream ktapvm-run reads") { events, output };
        cmd.SetAction(parse => Run(parse.GetValue(events)!, parse.GetValue(output)!, parse.InvocationConfiguration.Error));
        return cmd;
    }

    /// <summary>Exit 0, or 5 (events invalid) with FILE:LINE: message; 2 when a file cannot be read or written.</summary>
    public static int Run(string eventsPath, string outputPath, TextWriter error)
    {
        if (!File.Exists(eventsPath)) { error.WriteLine($"ktap: replay file not found: {eventsPath}"); return ExitCodes.Usage; }
        try
        {
            using var stream = File.Create(outputPath);
            var bad = ReplayEventsConverter.Convert(File.ReadLines(eventsPath), stream);
            if (bad is null) return ExitCodes.Success;
            error.WriteLine("ktap: " + bad.Format(eventsPath));
            return ExitCodes.EventsInvalid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"ktap: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}
