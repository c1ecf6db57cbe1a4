using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tests.Ssh;

/// <summary>
/// A real OpenSSH sshd on 127.0.0.1 with its own temporary config, host key and
/// authorized_keys, started for one test class and killed at the end. Ports come from the
/// loopback-sshd range of boards/ports.tsv (TestPorts): test classes run in parallel.
/// </summary>
public sealed class LoopbackSshd : IDisposable
{
    private static readonly TestPorts.Range Ports = TestPorts.Get("loopback-sshd");
    private static int s_nextPort = -1;
    private Process? _sshd;

    public LoopbackSshd() : this(Ports.First, Ports.Count, null) { }

    /// <param name="forceCommand">A program sshd runs instead of every command the client sends
    /// (it sees that command in $SSH_ORIGINAL_COMMAND): the hostile board's answers.</param>
    internal LoopbackSshd(int firstPort, int portCount, string? forceCommand)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ktap-sshd-").FullName;
        HostKey = Path.Combine(Directory, "host_ed25519");
        ClientKey = Path.Combine(Directory, "client_ed25519");
        StrangerKey = Path.Combine(Directory, "stranger_ed25519");
        foreach (var k in new[] { HostKey, ClientKey, StrangerKey })
            Tool("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ktap-test", "-f", k);
        File.Copy(ClientKey + ".pub", Path.Combine(Directory, "authorized_keys"));
        HostKeyBlob = Convert.FromBase64String(File.ReadAllText(HostKey + ".pub").Split(' ')[1]);
        System.IO.Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation directory
        Port = FreePort(firstPort, portCount);
        File.WriteAllText(Path.Combine(Directory, "sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {HostKey}
            AuthorizedKeysFile {Directory}/authorized_keys
            PidFile {Directory}/sshd.pid
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin yes
            LogLevel ERROR
            {(forceCommand is null ? "" : "ForceCommand " + forceCommand)}
            """);
        Start();
    }

    public string Directory { get; }
    public string HostKey { get; }
    public byte[] HostKeyBlob { get; }
    public string ClientKey { get; }
    public string StrangerKey { get; }
    public int Port { get; }
    public string User => Environment.UserName;
    public string Fingerprint => HostKeyCheck.Fingerprint(HostKeyBlob);

    public SshEndpoint Endpoint(string? identity = null, HostKeyPolicy? hostKey = null) =>
        new("127.0.0.1", Port, User, identity ?? ClientKey, hostKey ?? new HostKeyPolicy(Fingerprint, null));

    public void Start()
    {
        _sshd = Process.Start(new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", Path.Combine(Directory, "sshd_config")])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) { Thread.Sleep(50); }
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}");
        }
        throw new TimeoutException("sshd did not listen within 10 s");
    }

    /// <summary>Kills the per-connection sshd processes (children of the listener): every session drops.</summary>
    public int KillSessions()
    {
        var killed = 0;
        foreach (var dir in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                if (ppid == _sshd!.Id) { Process.GetProcessById(pid).Kill(true); killed++; }
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or FormatException) { }
        }
        return killed;
    }

    public void Dispose()
    {
        if (_sshd is { HasExited: false }) { _sshd.Kill(true); _sshd.WaitForExit(); }
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }

    private static int FreePort(int firstPort, int portCount)
    {
        for (var i = 0; i < portCount; i++)
        {
            var port = firstPort + (Interlocked.Increment(ref s_nextPort) & int.MaxValue) % portCount;
            try
            {
                var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                l.Stop();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException($"no free port in {firstPort}-{firstPort + portCount - 1}");
    }

    private static void Tool(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {p.StandardError.ReadToEnd()}");
    }
}
