using System.Text;
using Ktap.Bundle;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool.Commands;

namespace Ktap.Tests.Replay;

/// <summary>
/// ReplayCommand.Run with a stand-in runner (a shell script printing prepared records and
/// messages), so these tests do not depend on the C build; the conformance suite runs the
/// real VM (tests/conformance/run.sh).
/// </summary>
public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ktap-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Bundle()
    {
        var m = new BundleModel(TargetProfiles.X86_64) { SourceName = "s.kp" };
        m.Strings.Intern("s.kp");
        m.Formats.Add(new FormatModel(FormatKind.Printf, 1, Encoding.UTF8.GetBytes("n=%d\n"), 1));
        var f = new FunctionModel { Flags = FunctionFlags.Main, FrameSize = 1, FirstLine = 1, LastLine = 1 };
        f.Code.Add(33u | (1u << 23)); // RETURN 0 1
        f.Lines.Add(1);
        m.Functions.Add(f);
        var path = Path.Combine(_dir, "s.kbc");
        File.WriteAllBytes(path, BundleWriter.Write(m));
        return path;
    }

    private string Runner(byte[] stdout, string stderr, int exit)
    {
        var data = Path.Combine(_dir, "records.bin");
        File.WriteAllBytes(data, stdout);
        var script = Path.Combine(_dir, "runner.sh");
        File.WriteAllText(script, $"#!/bin/sh\necho \"$@\" > '{_dir}/args'\ncat '{data}'\nprintf '%s' '{stderr}' >&2\nexit {exit}\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private static byte[] Records(bool summary = true, long? exitCode = null, ulong errors = 0, uint? summaryA = null)
    {
        var r = new List<byte>();
        void U32(uint v) => r.AddRange(BitConverter.GetBytes(v));
        // PRINTF format 0 with one number
        U32(28); r.AddRange(new byte[] { 2, 0, 0, 0 }); U32(0); U32(1); r.Add(3); r.AddRange(BitConverter.GetBytes(5L)); r.AddRange(new byte[3]);
        if (summary)
        {
            // a = 1: the script's exit code follows the ten figures (docs/record-format.md)
            U32(12 + 8 * (exitCode is null ? 10u : 11u)); r.AddRange(new byte[] { 10, 0, 0, 0 }); U32(summaryA ?? (exitCode is null ? 0u : 1u));
            for (int i = 0; i < 10; i++) r.AddRange(BitConverter.GetBytes(i == 1 ? errors : 0UL));
            if (exitCode is long x) r.AddRange(BitConverter.GetBytes(x));
        }
        return r.ToArray();
    }

    private (int Code, string Out, string Err) Run(string runner, OutputFormat format = OutputFormat.Text, params string[] limits) =>
        RunWith(runner, "", format, limits);

    private (int Code, string Out, string Err) RunWith(string runner, string jsonLines, OutputFormat format = OutputFormat.Text, params string[] limits)
    {
        var events = Path.Combine(_dir, "e.jsonl");
        File.WriteAllText(events, jsonLines);
        var o = new StringWriter();
        var e = new StringWriter();
        int code = ReplayCommand.Run(new ReplayRequest(Bundle(), events, format, limits, runner), o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void DecodesTheRunnersRecords()
    {
        var (code, o, e) = Run(Runner(Records(), "", 0));
        Assert.Equal((0, "n=5\n", ""), (code, o, e));
    }

    [Fact]
    public void PassesTheEventsAndLimitsToTheRunner()
    {
        // the runner gets a temporary stream of ktap_replay_stream.def, not the JSON file
        var runner = Runner(Records(), "", 0);
        File.WriteAllText(runner, File.ReadAllText(runner).Replace("cat '", $"cp \"$3\" '{_dir}/stream'\ncat '"));
        RunWith(runner, "{\"event\":\"a:b\",\"ts\":1}\n", OutputFormat.Text, "insns=10", "memory=65536");
        var args = File.ReadAllText(Path.Combine(_dir, "args")).Trim().Split(' ');
        Assert.Equal([$"{_dir}/s.kbc", "--events"], args[..2]);
        Assert.EndsWith(".krs", args[2]);
        Assert.Equal(["--limit", "insns=10", "--limit", "memory=65536"], args[3..]);
        Assert.False(File.Exists(args[2]), "the temporary stream is deleted");
        var stream = File.ReadAllBytes(Path.Combine(_dir, "stream"));
        Assert.Equal("KTRS"u8.ToArray(), stream[..4]);
    }

    [Fact]
    public void BadLineRunsTheEventsBeforeItThenExitsEventsInvalid()
    {
        var runner = Runner(Records(), "", 0);
        File.WriteAllText(runner, File.ReadAllText(runner).Replace("cat '", $"cp \"$3\" '{_dir}/stream'\ncat '"));
        var (code, o, e) = RunWith(runner, "{\"event\":\"a:b\",\"ts\":1}\n{\"event\":\"a:b\",\"ts\":2,\"pid\":\"7\"}\n{\"event\":\"a:b\",\"ts\":3}\n");
        Assert.Equal((ExitCodes.EventsInvalid, "n=5\n"), (code, o));
        Assert.Equal($"ktap: {_dir}/e.jsonl:2: \"pid\" must be an integer\n", e.Replace("\r", ""));
        // one event (line 1) reached the runner
        var stream = File.ReadAllBytes(Path.Combine(_dir, "stream"));
        Assert.Equal(1, Assert.Single(ReplayStreamReader.Events(stream)).Line);
    }

    [Fact]
    public void RunnerMessagesNameTheReplayFileNotTheTemporaryStream()
    {
        var runner = Runner(Records(), "", 0);
        File.WriteAllText(runner, File.ReadAllText(runner).Replace("exit 0", "echo \"ktapvm-run: $3:1: ts 1 goes back in time (previous 2)\" >&2\nexit 5"));
        var (code, _, e) = RunWith(runner, "{\"event\":\"a:b\",\"ts\":1}\n");
        Assert.Equal(ExitCodes.EventsInvalid, code);
        Assert.Equal($"ktap: {_dir}/e.jsonl:1: ts 1 goes back in time (previous 2)\n", e.Replace("\r", ""));
    }

    [Fact]
    public void JsonFormat()
    {
        var (code, o, _) = Run(Runner(Records(), "", 0), OutputFormat.Json);
        Assert.Equal(0, code);
        Assert.StartsWith("{\"type\":\"printf\",\"format\":0,\"line\":1,\"values\":[5],\"text\":\"n=5\\n\"}\n{\"type\":\"summary\"", o);
    }

    [Fact]
    public void RunnerRefusalIsReportedAndFails()
    {
        // the runner's exit code is one of the shared list (ktap_exit_codes.def): passed on as it is
        var (code, o, e) = Run(Runner(Array.Empty<byte>(), "ktapvm-run: s.kbc: bundle built for arm-v7, this VM is x86_64\n", ExitCodes.TargetMismatch));
        Assert.Equal((ExitCodes.TargetMismatch, ""), (code, o));
        Assert.Equal("ktap: s.kbc: bundle built for arm-v7, this VM is x86_64\n", e.Replace("\r", ""));
    }

    [Fact]
    public void RunnerExitOutsideTheSharedListIsAFailure()
    {
        // a code no tool defines (a crash's 134, a stray 9) is not passed on as if it meant something
        var (code, _, _) = Run(Runner(Array.Empty<byte>(), "ktapvm-run: something odd\n", 9));
        Assert.Equal(ExitCodes.Failure, code);
    }

    // exit(code): the runner exits with the code's low 8 bits (as ktapvm-run does) and the
    // summary carries the code; ktap replay exits with it, even where the number is also one
    // of the runner's own codes (exit(3) is not "script error")
    [Theory]
    [InlineData(-1L, 255, 0UL, 255)]
    [InlineData(3L, 3, 0UL, 3)]
    [InlineData(256L, 0, 0UL, 0)]
    [InlineData(0L, 0, 2UL, 22)]
    [InlineData(7L, 7, 2UL, 7)]
    public void TheScriptsExitCodeIsTheExitStatus(long code, int runnerExit, ulong errors, int want)
    {
        var (rc, o, _) = Run(Runner(Records(exitCode: code, errors: errors), "", runnerExit));
        Assert.Equal((want, "n=5\n"), (rc, o));
    }

    [Fact]
    public void RuntimeErrorsWithoutExitCodeGive22()
    {
        var (rc, _, e) = Run(Runner(Records(errors: 1), "", 0));
        Assert.Equal(ExitCodes.RuntimeErrors, rc);
        Assert.Contains("1 runtime errors", e);
    }

    [Fact]
    public void ARunnerFailureThatIsNotTheScriptsCodeStaysAFailure()
    {
        // the script said exit(4); the runner exits 3 (a refusal): not the script's code
        var (rc, _, _) = Run(Runner(Records(exitCode: 4), "ktapvm-run: refused\n", ExitCodes.ScriptError));
        Assert.Equal(ExitCodes.ScriptError, rc);
    }

    [Fact]
    public void ASummaryWithAnUnknownAIsRefused()
    {
        // the host does not trust the board: a = 2 is no layout it knows, and a = 1 without
        // the code's 8 bytes runs past the record
        var (rc, _, e) = Run(Runner(Records(summaryA: 2), "", 0));
        Assert.Equal(ExitCodes.Failure, rc);
        Assert.Contains("a summary record with a = 2", e);
        var (rc2, _, e2) = Run(Runner(Records(summaryA: 1), "", 0));
        Assert.Equal(ExitCodes.Failure, rc2);
        Assert.Contains("runs past the record end", e2);
    }

    [Fact]
    public void MissingSummaryIsAnError()
    {
        var (code, o, e) = Run(Runner(Records(summary: false), "", 0));
        Assert.Equal((1, "n=5\n"), (code, o));
        Assert.Contains("without its session summary", e);
    }

    [Fact]
    public void MissingFilesAreUsageErrors()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(ExitCodes.Usage, ReplayCommand.Run(new ReplayRequest(Path.Combine(_dir, "none.kbc"), "x", OutputFormat.Text, Array.Empty<string>()), o, e));
        Assert.Contains("bundle not found", e.ToString());
    }
}
