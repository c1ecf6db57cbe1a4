using System.Diagnostics;
using System.Text;
using Ktap.Output;
using Ktap.Tool;

namespace Ktap.Tests.Hostile;

[CollectionDefinition("hostile board", DisableParallelization = true)]
public sealed class HostileBoardCollection : ICollectionFixture<HostileBoard>;

/// <summary>
/// `ktap` against the hostile board (issue 17): every scenario asserts the exit code, one
/// error line, no stack trace, no control character on stdout or stderr, nothing written
/// outside the state directory, and bounded allocation. The collection runs alone, so the
/// process-wide allocation counter measures ktap's run.
/// </summary>
[Collection("hostile board")]
public sealed class HostileBoardTests
{
    private readonly HostileBoard _board;
    public HostileBoardTests(HostileBoard board) => _board = board;

    private sealed record Outcome(int Code, string Out, string Err, long Allocated, string State, string Scenario, TimeSpan Took)
    {
        public string RemoteLog => File.Exists(Path.Combine(Scenario, "remote.log")) ? File.ReadAllText(Path.Combine(Scenario, "remote.log")) : "";
    }

    /// <summary>Runs ktap with its own KTAP_STATE_DIR and board folder inside <paramref name="scenario"/>/home.</summary>
    private Outcome Ktap(string scenario, params string[] args)
    {
        var home = Path.Combine(scenario, "home");
        var state = Path.Combine(home, "state");
        var boards = Path.Combine(home, "boards");
        Directory.CreateDirectory(state);
        Directory.CreateDirectory(boards);
        File.WriteAllText(Path.Combine(boards, "b.yaml"), $"""
            name: b
            target: x86_64
            host: 127.0.0.1
            port: {_board.Sshd.Port}
            user: {_board.Sshd.User}
            identity_file: {_board.Sshd.ClientKey}
            host_key:
              fingerprint: {_board.Sshd.Fingerprint}
            """);
        var env = new Dictionary<string, string> { ["KTAP_STATE_DIR"] = state, ["KTAP_BOARDS"] = boards, ["HOME"] = home };
        var o = new StringWriter { NewLine = "\n" };
        var e = new StringWriter { NewLine = "\n" };
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        var code = KtapCli.Run(args, o, e, name => env.GetValueOrDefault(name));
        var took = clock.Elapsed;
        var allocated = GC.GetTotalAllocatedBytes(true) - before;
        var outcome = new Outcome(code, o.ToString(), e.ToString(), allocated, state, scenario, took);
        CommonChecks(outcome, home);
        return outcome;
    }

    // What every scenario must keep, whatever the board sent.
    private static void CommonChecks(Outcome r, string home)
    {
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("Unhandled", r.Err);
        Assert.DoesNotContain("internal error", r.Err);
        foreach (var text in new[] { r.Out, r.Err })
            foreach (var c in text)
                Assert.False((c < ' ' && c != '\n' && c != '\t') || (c >= '\u007f' && c <= '\u009f'), $"U+{(int)c:X4} reached the terminal: {text}");
        // nothing outside the state directory: the home holds only state/ and boards/
        var outside = Directory.GetFileSystemEntries(home).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { "boards", "state" }, outside);
        Assert.False(Directory.Exists(Path.Combine(r.Scenario, "tmp")), "a board-named path escaped the state directory");
        Assert.True(r.Allocated < 512L << 20, $"ktap allocated {r.Allocated >> 20} MiB");
    }

    private static byte[] Record(ushort kind, uint a, byte[] body)
    {
        var len = (12 + body.Length + 3) & ~3;
        var r = new byte[len];
        BitConverter.GetBytes((uint)len).CopyTo(r, 0);
        BitConverter.GetBytes(kind).CopyTo(r, 4);
        BitConverter.GetBytes(a).CopyTo(r, 8);
        body.CopyTo(r, 12);
        return r;
    }

    private static byte[] PrintString(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        return Record(1, 1, [4, .. BitConverter.GetBytes((uint)b.Length), .. b]);
    }

    private static byte[] Summary() => Record(10, 0, new byte[10 * 8]);

    private static string[] ErrorLines(Outcome r) => r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("ktap: error:")).ToArray();

    private const string OneLiner = "trace sched:sched_switch { print(1) }";

    [Fact]
    public void A_damaged_record_ends_the_run_cleanly_and_the_board_session_is_stopped()
    {
        var s = _board.Scenario("damaged-record");
        File.WriteAllBytes(Path.Combine(s, "records"), [.. PrintString("fine"), .. Record(99, 0, new byte[4])]);
        File.WriteAllBytes(Path.Combine(s, "after-stop"), Summary());
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "60s");
        Assert.Equal(ExitCodes.Failure, r.Code);
        var error = Assert.Single(ErrorLines(r));
        Assert.Contains("cannot decode the board's output", error);
        Assert.Equal("fine\n", r.Out);
        Assert.Equal("stop\n", r.RemoteLog); // ended in order, not by the 60 s duration
        Assert.True(r.Took < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_record_header_claiming_2_GiB_is_refused_without_buffering()
    {
        var s = _board.Scenario("giant-record");
        var header = new byte[12];
        BitConverter.GetBytes(0x8000_0000u).CopyTo(header, 0);
        File.WriteAllBytes(Path.Combine(s, "records"), [.. header, .. new byte[8 << 20]]);
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "60s");
        Assert.Equal(ExitCodes.Failure, r.Code);
        Assert.Contains("a record of 2147483648 bytes", Assert.Single(ErrorLines(r)));
        Assert.Matches("^(stop|eof)\n$", r.RemoteLog);
        Assert.True(r.Allocated < 128L << 20, $"{r.Allocated >> 20} MiB allocated");
    }

    [Fact]
    public void A_bad_workload_exit_marker_is_reported_not_a_crash()
    {
        var s = _board.Scenario("bad-marker");
        File.WriteAllText(Path.Combine(s, "stderr"), "@ktap:workload-exit x\n@ktap:workload-exit 99999999999999\n");
        File.WriteAllBytes(Path.Combine(s, "after-stop"), Summary());
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Contains("ktap: the board sent a bad workload exit status: @ktap:workload-exit x", r.Err);
        Assert.Equal("stop\n", r.RemoteLog);
    }

    [Fact]
    public void Escape_sequences_from_the_board_reach_the_terminal_escaped()
    {
        var s = _board.Scenario("escapes");
        const string evil = "\u001b]8;;http://evil\u0007link\u001b]8;;\u0007\rktap: session ended normally\u001b[2J";
        File.WriteAllBytes(Path.Combine(s, "records"), PrintString(evil));
        File.WriteAllText(Path.Combine(s, "stderr"), evil + "\n" + new string('B', 200_000) + "\n");
        File.WriteAllBytes(Path.Combine(s, "after-stop"), Summary());
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Contains("\\x1b]8;;http://evil\\x07link", r.Out);
        Assert.Contains("\\x1b]8;;http://evil", r.Err);
        Assert.Contains("(line cut)", r.Err);
        Assert.True(r.Err.Length < 100_000);
    }

    // A backtrace record (docs/record-format.md): stack value, frames as address + empty name.
    private static byte[] Backtrace(params ulong[] frames)
    {
        var body = new List<byte> { 11 };
        body.AddRange(BitConverter.GetBytes((uint)frames.Length));
        foreach (var f in frames) { body.AddRange(BitConverter.GetBytes(f)); body.AddRange(BitConverter.GetBytes(0u)); }
        return Record(8, 0, body.ToArray());
    }

    private const string BacktraceLiner = "trace sched:sched_switch { print_backtrace() }";

    [Fact]
    public void Kallsyms_names_with_escapes_are_skipped_and_frames_named_from_the_rest()
    {
        var s = _board.Scenario("kallsyms-escapes");
        File.WriteAllText(Path.Combine(s, "kallsyms"),
            "ffffffff81000000 T _text\n" +
            "ffffffff81000100 T ksys_lseek\n" +
            "ffffffff81000200 T evil\u001b[2J\n" +                 // skipped: the frame is named after ksys_lseek
            "ffffffff81000300 t kt_fire\t[ktap\u0007vm]\n" +      // skipped too
            "not a line at all\n");
        File.WriteAllBytes(Path.Combine(s, "records"), Backtrace(0xffffffff81000100, 0xffffffff81000204, 0x42));
        File.WriteAllBytes(Path.Combine(s, "after-stop"), Summary());
        var r = Ktap(s, "run", "-b", "b", "-e", BacktraceLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Equal(" => ksys_lseek+0x0\n => ksys_lseek+0x104\n => 0x42\n", r.Out);
        // cached inside the state directory, under the checked release
        Assert.Single(Directory.GetFiles(Path.Combine(r.State, "boards", "b", "kallsyms", "6.1.0-hostile"), "*.txt"));
    }

    [Fact]
    public void Kallsyms_with_every_address_zero_is_a_warning_and_hex_frames()
    {
        var s = _board.Scenario("kallsyms-restricted");
        File.WriteAllText(Path.Combine(s, "kallsyms"), "0000000000000000 T _text\n0000000000000000 T ksys_lseek\n");
        File.WriteAllBytes(Path.Combine(s, "records"), Backtrace(0xffffffff81000100));
        File.WriteAllBytes(Path.Combine(s, "after-stop"), Summary());
        var r = Ktap(s, "run", "-b", "b", "-e", BacktraceLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Equal(" => 0xffffffff81000100\n", r.Out);
        Assert.Contains("ktap: warning: kernel addresses print in hex: /proc/kallsyms shows every address as 0 (kptr_restrict)", r.Err);
        Assert.False(Directory.Exists(Path.Combine(r.State, "boards", "b", "kallsyms", "6.1.0-hostile")) &&
                     Directory.GetFiles(Path.Combine(r.State, "boards", "b", "kallsyms", "6.1.0-hostile")).Length > 0, "a refused table was cached");
    }

    [Theory]
    [InlineData("path", "../../../../tmp/x")]
    [InlineData("nul", "6.1\0x")]
    [InlineData("escape", "6.1\u001b[2J")]
    public void A_release_that_is_a_path_or_has_NUL_never_names_a_folder(string name, string release)
    {
        var s = _board.Scenario("release-" + name);
        File.WriteAllText(Path.Combine(s, "facts"), $"{release}\nx86_64\n1\ndev\n");
        File.WriteAllText(Path.Combine(s, "release"), release + "\n");
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Failure, r.Code);
        Assert.Contains("kernel release that is not a plain name", Assert.Single(ErrorLines(r)));
        Assert.False(Directory.Exists(Path.Combine(r.State, "boards", "b", "catalog")));
        var list = Ktap(s, "list", "-b", "b");
        Assert.Equal(ExitCodes.Failure, list.Code);
        Assert.Contains("kernel release that is not a plain name", Assert.Single(ErrorLines(list)));
    }

    [Fact]
    public void A_flood_answer_to_the_facts_command_is_refused_at_its_cap()
    {
        var s = _board.Scenario("facts-flood");
        File.WriteAllText(Path.Combine(s, "facts-flood"), (64 << 20).ToString());
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Failure, r.Code);
        Assert.Contains($"over the limit of {HostLimits.CommandAnswerBytes} bytes", Assert.Single(ErrorLines(r)));
        Assert.True(r.Err.Length < 4000, $"{r.Err.Length} characters of error");
        Assert.True(r.Allocated < 256L << 20, $"{r.Allocated >> 20} MiB allocated");
    }

    [Fact]
    public void A_flood_on_stderr_of_a_failing_command_is_cut_in_the_message()
    {
        var s = _board.Scenario("stderr-flood");
        File.WriteAllText(Path.Combine(s, "facts-stderr-flood"), (32 << 20).ToString());
        File.WriteAllText(Path.Combine(s, "facts-status"), "1");
        var r = Ktap(s, "run", "-b", "b", "-e", OneLiner, "--duration", "1s");
        Assert.Equal(ExitCodes.Failure, r.Code);
        Assert.True(r.Err.Length < 5000, $"{r.Err.Length} characters of error");
    }

    [Fact]
    public void A_damaged_elf_from_the_board_is_a_link_error()
    {
        var s = _board.Scenario("elf");
        File.WriteAllBytes(Path.Combine(s, "elf"), HostileFileTests.Elf(phoff: 0x8000_0000));
        var r = Ktap(s, "run", "-b", "b", "-e", "trace probe:/bin/app:main { print(1) }", "--duration", "1s");
        Assert.Equal(ExitCodes.ScriptError, r.Code);
        Assert.Contains("program header 0 lies outside it", r.Err);
        var huge = _board.Scenario("elf-huge-name");
        File.WriteAllBytes(Path.Combine(huge, "elf"), HostileFileTests.Elf(symbols: 100_000, nameLength: 60_000));
        var r2 = Ktap(huge, "run", "-b", "b", "-e", "trace probe:/bin/app:main { print(1) }", "--duration", "1s");
        Assert.Equal(ExitCodes.ScriptError, r2.Code);
        Assert.Contains("/bin/app has no function 'main'", r2.Err);
    }

    [Fact]
    public void Names_from_the_board_are_escaped_in_list_and_doctor()
    {
        var s = _board.Scenario("names");
        File.WriteAllText(Path.Combine(s, "formats"), "evil\u001b[2J/ev\u001b]0;x\u0007/format:\tfield:char x\u001b[31m[4];\toffset:0;\n");
        File.WriteAllText(Path.Combine(s, "functions"), "vfs_\u001b[1mread\nok_fn\n");
        var r = Ktap(s, "list", "-b", "b");
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Contains("probe:vfs_\\x1b[1mread", r.Out);
        Assert.Contains("evil\\x1b[2J:ev\\x1b]0;x\\x07", r.Out);
        File.WriteAllText(Path.Combine(s, "doctor"), "release=6.1.0\nmachine=x86\u001b[5m_64\nmemavailable_kb=99999\n");
        var d = Ktap(s, "doctor", "-b", "b");
        Assert.Contains("\\x1b[5m", d.Out);
    }

    [Fact]
    public void An_unexpected_failure_is_one_line_and_a_hint_with_exit_70()
    {
        var e = new StringWriter();
        UnexpectedFailure.Report("ktap", UnexpectedFailure.Unwrap(new AggregateException(new OverflowException("x\u001b[2J"))), e, debug: false);
        var lines = e.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("ktap: internal error: OverflowException: x\\x1b[2J", lines[0]);
        var d = new StringWriter();
        UnexpectedFailure.Report("ktap", new OverflowException("x"), d, debug: true);
        Assert.Contains("System.OverflowException", d.ToString());
    }
}
