using System.Diagnostics;
using Ktap.Tool;
using Ktap.Tool.Boards;

namespace Ktap.Tests.Boards;

/// <summary>
/// The emulation: mapping of board profiles: its schema (BoardProfileReader owns it), and the
/// shell scripts' reading of it (boards/qemu/facts.py) agreeing with ktap's for every shipped
/// board, so that the YAML stays the one definition of a board.
/// </summary>
public sealed class EmulationFactsTests
{
    private static readonly Dictionary<string, string> Env = new() { ["HOME"] = "/home/u", ["KTAP_STATE_DIR"] = "/state" };
    private static BoardProfileReader Reader() => new(n => Env.GetValueOrDefault(n), TargetNames.IsKnown);

    private const string Board = """
        name: b
        target: x86_64
        host: 127.0.0.1
        identity_file: /k
        host_key:
          known_hosts: /kh
        emulated: true
        board_folder: qemu
        emulation:
          uname_m: x86_64
          suite: bookworm
          deb_arch: amd64
          tree: 6.1-amd64
          qemu: qemu-system-x86_64
          qemu_args: [-M, pc, -netdev, "user,id=n,hostfwd=tcp:127.0.0.1:{port}-:22"]
          console: ttyS0
          kernel_arch: x86
          cross_compile: ""
        """;

    private static IReadOnlyList<string> Errors(string text, string file = "boards/b.yaml") =>
        Assert.Throws<BoardProfileException>(() => Reader().Parse(file, text)).Errors.Select(x => x.ToString()).ToList();

    [Fact]
    public void TheTreeNamesTheModule()
    {
        var b = Reader().Parse("/r/boards/b.yaml", Board);
        Assert.Equal("6.1-amd64", b.KernelTree);
        Assert.Equal("/r/out/module/6.1-amd64/ktapvm.ko", b.ModuleFile);
    }

    [Fact]
    public void AModuleFileBesideTheTreeIsRefused() =>
        Assert.Equal(["boards/b.yaml:7:14: error: an emulated board's module_file is out/module/6.1-amd64/ktapvm.ko, from emulation tree: remove module_file"],
            Errors(Board.Replace("emulated: true", "module_file: x.ko\nemulated: true")));

    [Fact]
    public void AnUnknownKeyIsNamedWithASuggestion() =>
        Assert.Contains("boards/b.yaml:19:3: error: unknown key 'consol' in emulation (did you mean 'console'?)",
            Errors(Board + "\n  consol: ttyS1"));

    [Fact]
    public void AMissingKeyIsNamed() =>
        Assert.Equal(["boards/b.yaml:10:3: error: emulation needs 'qemu' (or 'like: OTHER-BOARD' to start from another board's)"],
            Errors(Board.Replace("  qemu: qemu-system-x86_64\n", "")));

    [Fact]
    public void QemuArgsMustForwardThePort() =>
        Assert.Equal(["boards/b.yaml:15:14: error: emulation qemu_args must use {port} exactly once (the host port forwarded to the board's SSH)"],
            Errors(Board.Replace("{port}", "10022")));

    [Fact]
    public void ListsAreListsOfWords() =>
        Assert.Equal(["boards/b.yaml:15:14: error: emulation qemu_args must be a list of words ([a, b, ...])"],
            Errors(Board.Replace("[-M, pc, -netdev, \"user,id=n,hostfwd=tcp:127.0.0.1:{port}-:22\"]", "\"-M pc {port}\"")));

    [Fact]
    public void ATreeIsATreeName() =>
        Assert.Equal(["boards/b.yaml:13:9: error: emulation tree '../x' is not a tree name (scripts/build-module.sh's trees: 6.1-amd64, kernel-powerpc, ...)"],
            Errors(Board.Replace("tree: 6.1-amd64", "tree: ../x")));

    [Fact]
    public void EmulationNeedsAnEmulatedBoard() =>
        Assert.Equal(["boards/b.yaml:8:3: error: 'emulation' is only used with 'emulated: true'"],
            Errors(Board.Replace("emulated: true\nboard_folder: qemu\n", "")));

    [Fact]
    public void LikeMustNameABoardOfTheFolder()
    {
        var errors = Errors("""
            name: b
            target: x86_64
            host: 127.0.0.1
            identity_file: /k
            host_key:
              known_hosts: /kh
            emulated: true
            board_folder: qemu
            emulation:
              like: no-such-board
              tree: 6.1-amd64
            """, Path.Combine(KtapPaths.ShippedBoards()!, "b.yaml"));
        Assert.Single(errors);
        Assert.Contains("emulation like: 'no-such-board' is not a board of", errors[0]);
    }

    [Fact]
    public void LikeGoingRoundIsRefused()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-like-").FullName;
        try
        {
            string Profile(string name, string like) => Board.Replace("name: b", $"name: {name}").Replace("emulation:\n", $"emulation:\n  like: {like}\n");
            File.WriteAllText(Path.Combine(dir, "a.yaml"), Profile("a", "c"));
            File.WriteAllText(Path.Combine(dir, "c.yaml"), Profile("c", "a"));
            var errors = Errors(Profile("a", "c"), Path.Combine(dir, "a.yaml"));
            Assert.Single(errors);
            Assert.Contains("emulation 'like' chains more than 4 boards (or goes round)", errors[0]);
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Every shipped emulated board, as the shell scripts read it (facts.py) and as
    /// ktap reads it: the same target, default port and kernel tree.</summary>
    [Fact]
    public void TheShellScriptsReadEveryShippedBoardAsKtapDoes()
    {
        var boards = KtapPaths.ShippedBoards()!;
        var checkedBoards = 0;
        foreach (var file in Directory.GetFiles(boards, "*.yaml"))
        {
            var profile = Reader().Read(file);
            if (!profile.Emulated) continue;
            var facts = Facts(Path.Combine(boards, "qemu", "facts.py"), profile.Name);
            Assert.Equal(profile.Target, facts["board_target"]);
            Assert.Equal(profile.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), facts["board_default_port"]);
            Assert.Equal(profile.KernelTree, facts["board_tree"]);
            Assert.Contains("{port}", facts["board_qemu_args"]);
            checkedBoards++;
        }
        Assert.True(checkedBoards >= 9, $"{checkedBoards} emulated boards checked");
    }

    /// <summary>The boards' board.sh files are gone: a script that still sources one reads
    /// nothing and fails on a board (tests/kernel/watch.sh did, merged from a branch older
    /// than the YAML facts).</summary>
    [Fact]
    public void NoScriptReadsABoardShell()
    {
        var root = KtapPaths.Root()!;
        var stale = new System.Text.RegularExpressions.Regex(@"boards/(\$\{?board\}?|qemu-[A-Za-z0-9._-]+)/board\.sh");
        var offenders = new List<string>();
        foreach (var dir in new[] { "boards", "tests", "bench", "scripts", "samples" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, dir), "*.sh", SearchOption.AllDirectories))
                if (!file.Contains("/out/", StringComparison.Ordinal) && stale.IsMatch(File.ReadAllText(file)))
                    offenders.Add(Path.GetRelativePath(root, file));
        Assert.Empty(offenders);
    }

    private static Dictionary<string, string> Facts(string script, string board)
    {
        // bash itself reads facts.py's output, as boards/qemu/lib.sh does (eval), then prints
        // each variable on one line: the quoting is checked along with the values.
        var psi = new ProcessStartInfo("bash", ["-c", $"eval \"$(python3 '{script}' '{board}')\" && for v in board_target board_default_port board_tree board_qemu_args; do printf '%s=%s\\n' \"$v\" \"${{!v}}\"; done"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"facts.py {board}: exit {p.ExitCode}: {error}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }
}
