using System.CommandLine;
using System.Diagnostics;
using Ktap.Bundle;
using Ktap.Output;
using Ktap.Replay;

namespace Ktap.Tool.Commands;

/// <summary>What one `ktap replay` run needs.</summary>
public sealed record ReplayRequest(string BundlePath, string EventsPath, OutputFormat Format,
    IReadOnlyList<string> Limits, string? RunnerPath = null, string Color = "auto");

/// <summary>
/// `ktap replay BUNDLE --events FILE [--format text|json] [--limit KEY=N]`: runs the bundle in
/// the user-space VM (ktapvm-run) over a replay file (docs/replay-format.md) and decodes its
/// records like a live session's. The action only reads values and calls <see cref="Run"/>.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var bundle = new Argument<string>("bundle") { Description = "the compiled bundle (.kbc), built for this machine's architecture" };
        var events = new Option<string>("--events") { Description = "replay file: JSON lines, one event per line", Required = true };
        var format = CommonOptions.FormatOption("text (ktap's formatting) or json (JSON lines)");
        var color = CommonOptions.ColorOption();
        var limits = new Option<string[]>("--limit") { Description = "override a budget: insns|depth|string|table|memory=N", AllowMultipleArgumentsPerToken = false };
        var cmd = new Command("replay", "run a bundle over recorded events in the user-space VM and print its output")
        {
            bundle, events, format, limits, color,
        };
        cmd.SetAction(parse =>
        {
            var request = new ReplayRequest(parse.GetValue(bundle)!, parse.GetValue(events)!,
                CommonOptions.ToFormat(parse.GetValue(format)),
                parse.GetValue(limits) ?? Array.Empty<string>(), Color: parse.GetValue(color) ?? "auto");
            return Run(request, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return cmd;
    }

    /// <summary>Runs the replay; output to <paramref name="output"/>, messages to <paramref name="error"/>.</summary>
    public static int Run(ReplayRequest request, TextWriter output, TextWriter error)
    {
        if (!File.Exists(request.BundlePath)) { error.WriteLine($"ktap: bundle not found: {request.BundlePath}"); return ExitCodes.Usage; }
        if (!File.Exists(request.EventsPath)) { error.WriteLine($"ktap: replay file not found: {request.EventsPath}"); return ExitCodes.Usage; }
        BundleModel model;
        try { model = BundleReader.Read(File.ReadAllBytes(request.BundlePath)); }
        catch (BundleFormatException e) { error.WriteLine($"ktap: {request.BundlePath}: {e.Message}"); return ExitCodes.ScriptError; }
        if (model.KernelSymbols.Count > 0)
        {
            // Addresses of a kernel are those of one boot of one board: replay has neither.
            var names = string.Join(", ", model.KernelSymbols.Take(3).Select(k => $"`{k.Name}`")) + (model.KernelSymbols.Count > 3 ? ", ..." : "");
            error.WriteLine($"ktap: {request.BundlePath}: kernel symbol literals ({names}) are resolved only when a script is linked for a board (ktap run); replay has no board's kallsyms");
            return ExitCodes.ScriptError;
        }

        string? runner = request.RunnerPath ?? FindRunner();
        if (runner is null)
        {
            error.WriteLine("ktap: cannot find the user-space VM: set KTAP_RUNNER or build out/runtime/native/ktapvm-run (make -C runtime/ktapvm/user)");
            return ExitCodes.Failure;
        }
        // The JSON is read here, with System.Text.Json; the runner reads the fixed-layout stream
        // of ktap_replay_stream.def. The events before a bad line still run (exit 5 after).
        var streamPath = Path.Combine(Path.GetTempPath(), $"ktap-replay-{Environment.ProcessId}-{Guid.NewGuid():N}.krs");
        ReplayLineError? lineError;
        try
        {
            using var stream = File.Create(streamPath);
            lineError = ReplayEventsConverter.Convert(File.ReadLines(request.EventsPath), stream);
        }
        catch (IOException e) { error.WriteLine($"ktap: {request.EventsPath}: {e.Message}"); File.Delete(streamPath); return ExitCodes.Usage; }
        try { return RunRunner(request, runner, model, streamPath, lineError, output, error); }
        finally { File.Delete(streamPath); }
    }

    private static int RunRunner(ReplayRequest request, string runner, BundleModel model, string streamPath,
        ReplayLineError? lineError, TextWriter output, TextWriter error)
    {
        var psi = new ProcessStartInfo(runner)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(request.BundlePath);
        psi.ArgumentList.Add("--events");
        psi.ArgumentList.Add(streamPath);
        foreach (var l in request.Limits) { psi.ArgumentList.Add("--limit"); psi.ArgumentList.Add(l); }

        byte[] records;
        string runnerErrors;
        int runnerExit;
        using (var p = Process.Start(psi) ?? throw new InvalidOperationException("process did not start"))
        {
            var err = p.StandardError.ReadToEndAsync();
            using var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            p.WaitForExit();
            records = ms.ToArray();
            runnerErrors = err.Result;
            runnerExit = p.ExitCode;
        }
        int rc = ExitCodes.Success;
        int? scriptStatus = null; // the runner exits with the script's exit(code) too
        try
        {
            var decoder = new OutputDecoder(model) { Colour = CommonOptions.ColourOn(request.Color, output) };
            var summary = decoder.Decode(records, request.Format, output, error);
            if (summary is null && runnerExit == 0)
            {
                error.WriteLine("ktap: the VM's output ended without its session summary");
                rc = ExitCodes.Failure;
            }
            else if (summary is not null)
            {
                rc = summary.SessionStatus; // as `ktap run`: exit(code), else 22 on runtime errors
                if (summary.ExitCode is long code) scriptStatus = SummaryRecord.ScriptStatus(code);
            }
        }
        catch (Exception e) when (e is RecordFormatException or PrintfException)
        {
            error.WriteLine($"ktap: {e.Message}");
            rc = ExitCodes.Failure;
        }
        // The runner's own messages already name the bundle or the replay line; the stream is
        // a temporary file, so a line the runner refuses is named by the replay file.
        foreach (var line in runnerErrors.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var text = line.StartsWith("ktapvm-run: ", StringComparison.Ordinal) ? line["ktapvm-run: ".Length..] : line;
            if (text.StartsWith(streamPath + ":", StringComparison.Ordinal)) text = request.EventsPath + text[streamPath.Length..];
            error.WriteLine("ktap: " + text);
        }
        // The runner exits with the shared codes (ktap_exit_codes.def): a refused bundle is a
        // script error, a bad events file its own code; anything else (a crash) is a failure.
        // A runner status equal to the script's own code (in the summary it wrote) is that
        // code, not one of the runner's failures, even when the numbers coincide (exit(3)).
        if (runnerExit != 0 && runnerExit != scriptStatus)
            return ExitCodes.All.Any(c => c.Code == runnerExit && c.Code != ExitCodes.Success) ? runnerExit : ExitCodes.Failure;
        if (lineError is not null)
        {
            error.WriteLine("ktap: " + lineError.Format(request.EventsPath));
            return ExitCodes.EventsInvalid;
        }
        return rc;
    }

    /// <summary>KTAP_RUNNER, else out/runtime/native/ktapvm-run under the repository root (found from here upwards).</summary>
    public static string? FindRunner()
    {
        var env = Environment.GetEnvironmentVariable("KTAP_RUNNER");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, "Ktap.sln"))) continue;
                var candidate = Path.Combine(dir.FullName, "out", "runtime", "native", "ktapvm-run");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
