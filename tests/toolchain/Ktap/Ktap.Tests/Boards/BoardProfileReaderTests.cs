using Ktap.Tool;
using Ktap.Tool.Boards;

namespace Ktap.Tests.Boards;

public sealed class BoardProfileReaderTests
{
    private static readonly Dictionary<string, string> Env = new() { ["HOME"] = "/home/u", ["KTAP_STATE_DIR"] = "/state" };
    private static BoardProfileReader Reader() => new(n => Env.GetValueOrDefault(n), TargetNames.IsKnown);

    private const string Good = """
        name: board1
        target: arm-v7
        host: 192.168.1.20
        port: 2222
        user: root
        identity_file: ~/.ssh/board1_ed25519
        host_key:
          fingerprint: SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        module_path: /lib/modules/ktapvm.ko
        kernel: 6.1.0-armmp
        """;

    private static IReadOnlyList<string> Errors(string text, string file = "boards/board1.yaml")
    {
        var e = Assert.Throws<BoardProfileException>(() => Reader().Parse(file, text));
        Assert.Equal(ExitCodes.BoardProfile, e.ExitCode);
        return e.Errors.Select(x => x.ToString()).ToList();
    }

    [Fact]
    public void ReadsAGoodProfile()
    {
        var b = Reader().Parse("boards/board1.yaml", Good);
        Assert.Equal("board1", b.Name);
        Assert.Equal("arm-v7", b.Target);
        Assert.Equal(2222, b.Port);
        Assert.Equal("/home/u/.ssh/board1_ed25519", b.IdentityFile);
        Assert.Equal("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", b.HostKey.Fingerprint);
        Assert.Null(b.HostKey.KnownHostsFile);
        Assert.Equal("6.1.0-armmp", b.Kernel);
        Assert.False(b.Emulated);
        Assert.Equal("/state/boards/board1", b.StateDirectory);
    }

    [Fact]
    public void DefaultsPortUserAndModulePath()
    {
        var b = Reader().Parse("b.yaml", "name: b\ntarget: x86_64\nhost: h\nidentity_file: /k\nhost_key:\n  known_hosts: ${KTAP_STATE_DIR}/kh\n");
        Assert.Equal(22, b.Port);
        Assert.Equal("root", b.User);
        Assert.Equal(BoardProfileReader.DefaultModulePath, b.ModulePath);
        Assert.Equal("/state/kh", b.HostKey.KnownHostsFile);
    }

    [Fact]
    public void UnknownKeyGivesItsPositionAndASuggestion() =>
        Assert.Equal(["boards/board1.yaml:4:1: error: unknown key 'prot' in board profile (did you mean 'port'?)"],
            Errors(Good.Replace("port: 2222", "prot: 2222")));

    [Fact]
    public void UnknownHostKeyKeyIsReportedInsideTheMapping() =>
        Assert.Equal(["boards/board1.yaml:8:3: error: unknown key 'fingerprnt' in host_key (did you mean 'fingerprint'?)",
                      "boards/board1.yaml:8:3: error: host_key needs 'fingerprint: SHA256:...' or 'known_hosts: PATH'"],
            Errors(Good.Replace("fingerprint:", "fingerprnt:")));

    [Fact]
    public void BadPortNamesTheValue() =>
        Assert.Equal(["boards/board1.yaml:4:7: error: 'port' must be a whole number from 1 to 65535, not '99999'"],
            Errors(Good.Replace("2222", "99999")));

    [Fact]
    public void UnknownTargetSuggestsTheClosest() =>
        Assert.Equal(["boards/board1.yaml:2:9: error: unknown target 'arm-v8' (did you mean 'arm-v7'?) (known: x86, x86_64, arm-v7, powerpc, arm64)"],
            Errors(Good.Replace("arm-v7", "arm-v8")));

    [Fact]
    public void MissingRequiredKeysAreEachReported() =>
        Assert.Equal(["b.yaml:1:1: error: missing required key 'host'", "b.yaml:1:1: error: missing required key 'identity_file'",
                      "b.yaml:1:1: error: missing required key 'host_key'"],
            Errors("name: b\ntarget: x86_64\n", "b.yaml"));

    [Fact]
    public void BadFingerprintIsExplained() =>
        Assert.Equal(["boards/board1.yaml:8:16: error: fingerprint 'MD5:aa:bb' is not an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters, as `ssh-keygen -lf KEY.pub` prints)"],
            Errors(Good.Replace("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "MD5:aa:bb")));

    [Fact]
    public void SecretsAreRefused() =>
        Assert.Equal(["boards/board1.yaml:11:1: error: 'password' is a secret and does not belong in a board profile: use identity_file (a path to an ed25519 key)"],
            Errors(Good + "\npassword: hunter2\n"));

    [Fact]
    public void NameMustMatchTheFile() =>
        Assert.Equal(["boards/other.yaml:1:7: error: board name 'board1' differs from the file name 'other' (name the file board1.yaml)"],
            Errors(Good, "boards/other.yaml"));

    [Fact]
    public void BothHostKeyFormsAreRefused() =>
        Assert.Equal(["boards/board1.yaml:8:3: error: host_key takes either 'fingerprint' or 'known_hosts', not both"],
            Errors(Good.Replace("  fingerprint:", "  known_hosts: /kh\n  fingerprint:")));

    [Fact]
    public void EmulatedBoardNeedsItsFolder() =>
        Assert.Equal(["boards/board1.yaml:1:1: error: an emulated board needs 'board_folder' (the folder of boards/ with its start.sh, e.g. qemu)",
                      "boards/board1.yaml:1:1: error: an emulated board needs an 'emulation:' mapping (how boards/qemu builds and boots it; docs/board-profiles.md)"],
            Errors(Good + "\nemulated: true\n"));

    [Fact]
    public void NonBooleanEmulatedIsRefused() =>
        Assert.Equal(["boards/board1.yaml:11:11: error: 'emulated' must be true or false, not 'yes'"],
            Errors(Good + "\nemulated: yes\n"));

    [Fact]
    public void UnsetVariableIsNamed() =>
        Assert.Equal(["boards/board1.yaml:6:16: error: 'identity_file': environment variable NO_SUCH_VAR is not set"],
            Errors(Good.Replace("~/.ssh/board1_ed25519", "${NO_SUCH_VAR}/k")));

    [Fact]
    public void InvalidYamlGivesThePosition()
    {
        var errors = Errors("name: b\n  target: [x86_64\n", "b.yaml");
        Assert.Single(errors);
        Assert.StartsWith("b.yaml:2:", errors[0]);
        Assert.Contains("not valid YAML", errors[0]);
    }

    [Fact]
    public void ARootThatIsNotAMappingIsRefused() =>
        Assert.Equal(["b.yaml:1:1: error: a board profile is one YAML mapping of keys (name:, target:, host:, ...)"],
            Errors("- a\n- b\n", "b.yaml"));

    [Theory]
    [InlineData("qemu-x86_64", "x86_64", 10022, "6.1-amd64")]
    [InlineData("qemu-arm-v7", "arm-v7", 10023, "6.1-armmp")]
    [InlineData("qemu-x86", "x86", 10024, "6.1-686")]
    [InlineData("qemu-powerpc", "powerpc", 10025, "kernel-powerpc")]
    [InlineData("qemu-arm64", "arm64", 10160, "6.1-arm64")]
    [InlineData("qemu-x86_64-rt", "x86_64", 10161, "6.1-rt-amd64")]
    [InlineData("qemu-x86_64-5.10", "x86_64", 10162, "5.10-amd64")]
    [InlineData("qemu-x86_64-6.12", "x86_64", 10163, "6.12-amd64")]
    [InlineData("qemu-x86_64-debug", "x86_64", 10140, "kernel-x86_64-debug")]
    public void ShippedProfilesAreValidAndUseTheBoardState(string name, string target, int port, string tree)
    {
        var file = Path.Combine(KtapPaths.ShippedBoards()!, name + ".yaml");
        var b = Reader().Read(file);
        Assert.Equal(target, b.Target);
        Assert.Equal(port, b.Port);
        Assert.Equal(tree, b.KernelTree);
        Assert.Equal(Path.GetFullPath(Path.Combine(KtapPaths.ShippedBoards()!, "..", "out", "module", tree, "ktapvm.ko")), b.ModuleFile);
        Assert.True(b.Emulated);
        Assert.Equal("qemu", b.BoardFolder);
        Assert.Equal($"/state/boards/{name}/id_ed25519", b.IdentityFile);
        Assert.Equal($"/state/boards/{name}/known_hosts", b.HostKey.KnownHostsFile);
        Assert.Equal($"/state/boards/{name}/port", b.PortFile);
    }

    [Fact]
    public void PortFileWinsWhenPresent()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-port-").FullName;
        try
        {
            var b = Reader().Parse("b.yaml", $"name: b\ntarget: x86_64\nhost: h\nport: 2200\nport_file: {dir}/port\nidentity_file: /k\nhost_key:\n  known_hosts: /kh\n");
            Assert.Equal(2200, b.EffectivePort);
            File.WriteAllText(Path.Combine(dir, "port"), "10029\n");
            Assert.Equal(10029, b.EffectivePort);
        }
        finally { Directory.Delete(dir, true); }
    }
}
