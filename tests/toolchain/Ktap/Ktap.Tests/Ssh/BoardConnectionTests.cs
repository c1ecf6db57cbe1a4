using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ktap.Tool;
using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tests.Ssh;

/// <summary>The SSH layer against a real OpenSSH sshd on 127.0.0.1: every failure has its exit code and message.</summary>
public sealed class BoardConnectionTests : IClassFixture<LoopbackSshd>
{
    private readonly LoopbackSshd _sshd;
    private static readonly SshSettings Settings = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), false);

    public BoardConnectionTests(LoopbackSshd sshd) => _sshd = sshd;

    private static KtapException Fails(Action a) => Assert.Throws<KtapException>(a);

    [Fact]
    public void RunsACommandWithItsExitStatus()
    {
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var r = c.Run("echo hello; echo oops >&2; exit 3");
        Assert.Equal(3, r.ExitStatus);
        Assert.Equal("hello\n", r.Text);
        Assert.Equal("oops\n", r.Error);
    }

    [Fact]
    public void UploadAndDownloadAreBinarySafe()
    {
        var data = new byte[300_000];
        new Random(42).NextBytes(data);
        for (var i = 0; i < 256; i++) data[i] = (byte)i; // every byte value, CR/LF/NUL/^Z included
        var path = Path.Combine(_sshd.Directory, "up load.bin");
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        c.Upload(data, path);
        Assert.Equal(data, File.ReadAllBytes(path));
        Assert.Equal(data, c.Download(path));
    }

    [Fact]
    public void DownloadOfAMissingFileSaysSo()
    {
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var e = Fails(() => c.Download("/nonexistent/file"));
        Assert.Equal(ExitCodes.Failure, e.ExitCode);
        Assert.Contains("cannot read /nonexistent/file on 127.0.0.1", e.Message);
    }

    [Fact]
    public void PinnedFingerprintMismatchIsAChangedHostKey()
    {
        var other = new HostKeyPolicy("SHA256:" + new string('A', 43), null);
        var e = Fails(() => BoardConnection.Open(_sshd.Endpoint(hostKey: other), Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.HostKeyChanged, e.ExitCode);
        Assert.Contains($"does not match the profile's pinned fingerprint: the board presented ssh-ed25519 {_sshd.Fingerprint}", e.Message);
    }

    [Fact]
    public void KnownHostsWithAnotherKeyIsAChangedHostKey()
    {
        var kh = Path.Combine(_sshd.Directory, "changed_known_hosts");
        var stranger = Convert.FromBase64String(File.ReadAllText(_sshd.StrangerKey + ".pub").Split(' ')[1]);
        KnownHosts.Append(kh, "127.0.0.1", _sshd.Port, "ssh-ed25519", stranger);
        var e = Fails(() => BoardConnection.Open(_sshd.Endpoint(hostKey: new HostKeyPolicy(null, kh)), Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.HostKeyChanged, e.ExitCode);
        Assert.Contains($"host key of [127.0.0.1]:{_sshd.Port} has changed", e.Message);
        Assert.Contains($"{kh}:1 has ssh-ed25519", e.Message);
    }

    [Fact]
    public void UnknownHostKeyNeedsAcceptNewWhichRecordsIt()
    {
        var kh = Path.Combine(_sshd.Directory, "new_known_hosts");
        var endpoint = _sshd.Endpoint(hostKey: new HostKeyPolicy(null, kh));
        var e = Fails(() => BoardConnection.Open(endpoint, Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.HostKeyUnknown, e.ExitCode);
        Assert.Contains("is not known", e.Message);
        Assert.Contains("--accept-new-host-key", e.Message);
        Assert.False(File.Exists(kh));

        var log = new StringWriter();
        using (BoardConnection.Open(endpoint, Settings with { AcceptNewHostKey = true }, log)) { }
        Assert.Contains("recorded new host key ssh-ed25519", log.ToString());
        Assert.Equal($"[127.0.0.1]:{_sshd.Port} ssh-ed25519 {Convert.ToBase64String(_sshd.HostKeyBlob)}\n", File.ReadAllText(kh));

        // Now known: accepted without the option.
        using var again = BoardConnection.Open(endpoint, Settings, TextWriter.Null);
        Assert.Equal(0, again.Run("true").ExitStatus);
    }

    [Fact]
    public void HashedKnownHostsEntryIsTrusted()
    {
        var kh = Path.Combine(_sshd.Directory, "hashed_known_hosts");
        var hashed = KnownHosts.Hash($"[127.0.0.1]:{_sshd.Port}", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
        File.WriteAllText(kh, $"{hashed} ssh-ed25519 {Convert.ToBase64String(_sshd.HostKeyBlob)}\n");
        using var c = BoardConnection.Open(_sshd.Endpoint(hostKey: new HostKeyPolicy(null, kh)), Settings, TextWriter.Null);
        Assert.Equal(0, c.Run("true").ExitStatus);
    }

    [Fact]
    public void RefusedKeyIsAnAuthenticationFailure()
    {
        var e = Fails(() => BoardConnection.Open(_sshd.Endpoint(identity: _sshd.StrangerKey), Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.AuthenticationRefused, e.ExitCode);
        Assert.Contains($"authentication refused: {_sshd.User}@127.0.0.1 did not accept the key {_sshd.StrangerKey}", e.Message);
    }

    [Fact]
    public void MissingIdentityFileIsAnAuthenticationFailure()
    {
        var e = Fails(() => BoardConnection.Open(_sshd.Endpoint(identity: "/nonexistent/id_ed25519"), Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.AuthenticationRefused, e.ExitCode);
        Assert.StartsWith("cannot use identity file /nonexistent/id_ed25519", e.Message);
    }

    [Fact]
    public void ClosedPortIsUnreachable()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop(); // nothing listens there now
        var e = Fails(() => BoardConnection.Open(_sshd.Endpoint() with { Port = port }, Settings, TextWriter.Null));
        Assert.Equal(ExitCodes.Unreachable, e.ExitCode);
        Assert.Equal($"board unreachable: connection to 127.0.0.1 port {port} refused (is the board up and sshd/dropbear listening? for an emulated board: ktap board start NAME)", e.Message);
    }

    [Fact]
    public void SilentServerHitsTheConnectTimeout()
    {
        // Accepts the TCP connection and never says a word: the SSH handshake must time out.
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        try
        {
            var sw = Stopwatch.StartNew();
            var e = Fails(() => BoardConnection.Open(_sshd.Endpoint() with { Port = port }, Settings with { ConnectTimeout = TimeSpan.FromSeconds(1) }, TextWriter.Null));
            Assert.Equal(ExitCodes.Unreachable, e.ExitCode);
            Assert.Equal($"board unreachable: no SSH answer from 127.0.0.1 port {port} within 1 s (connect timeout; --connect-timeout to change)", e.Message);
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(8), $"took {sw.Elapsed}");
        }
        finally { l.Stop(); }
    }

    [Fact]
    public void SlowCommandHitsTheCommandTimeout()
    {
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        var e = Fails(() => c.Run("sleep 5", TimeSpan.FromSeconds(1)));
        Assert.Equal(ExitCodes.CommandTimeout, e.ExitCode);
        Assert.Contains("did not finish within 1 s: sleep 5", e.Message);
    }

    [Fact]
    public void StreamedOutputArrivesBeforeTheCommandEnds()
    {
        using var c = BoardConnection.Open(_sshd.Endpoint(), Settings, TextWriter.Null);
        using var p = c.Start("echo first; sleep 2; echo second");
        var buffer = new byte[64];
        var n = p.Output.Read(buffer);
        Assert.Equal("first\n", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        Assert.False(p.IsCompleted);
        Assert.Equal(0, p.Wait());
    }
}

/// <summary>Kills sshd's session processes under a running command: its own sshd, so other tests are not disturbed.</summary>
public sealed class DroppedConnectionTests : IDisposable
{
    private readonly LoopbackSshd _sshd = new();

    [Fact]
    public void DroppedConnectionMidRunIsReported()
    {
        var settings = new SshSettings(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), false);
        using var c = BoardConnection.Open(_sshd.Endpoint(), settings, TextWriter.Null);
        using var p = c.Start("echo started; sleep 30");
        var buffer = new byte[64];
        Assert.True(p.Output.Read(buffer) > 0);
        Assert.True(_sshd.KillSessions() > 0);
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<KtapException>(() => p.Wait());
        Assert.Equal(ExitCodes.ConnectionLost, e.ExitCode);
        Assert.StartsWith("connection to 127.0.0.1 port", e.Message);
        Assert.Contains("lost while running 'echo started; sleep 30'", e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }

    public void Dispose() => _sshd.Dispose();
}
