using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tests.Ssh;

public sealed class KnownHostsTests
{
    private static readonly byte[] KeyA = [0, 0, 0, 11, 1, 2, 3];
    private static readonly byte[] KeyB = [0, 0, 0, 11, 9, 9, 9];
    private static string B64(byte[] k) => Convert.ToBase64String(k);

    [Fact]
    public void ParsesPlainPortedHashedAndMarkedLines()
    {
        var salt = new byte[20];
        var text = $"""
            # comment
            board1,10.0.0.1 ssh-ed25519 {B64(KeyA)} root@board1
            [127.0.0.1]:10022 ssh-ed25519 {B64(KeyA)}
            {KnownHosts.Hash("[10.0.0.2]:2222", salt)} ssh-ed25519 {B64(KeyB)}
            @revoked old ssh-ed25519 {B64(KeyB)}
            @cert-authority *.lan ssh-ed25519 {B64(KeyA)}
            broken-line-without-key
            """;
        var entries = KnownHosts.Parse(text);
        Assert.Equal(4, entries.Count);
        Assert.True(entries[0].Matches("10.0.0.1", 22));
        Assert.True(entries[0].Matches("BOARD1", 22));
        Assert.False(entries[0].Matches("10.0.0.1", 2222));
        Assert.True(entries[1].Matches("127.0.0.1", 10022));
        Assert.False(entries[1].Matches("127.0.0.1", 22));
        Assert.True(entries[2].Matches("10.0.0.2", 2222));
        Assert.False(entries[2].Matches("10.0.0.2", 22));
        Assert.True(entries[3].Revoked);
        Assert.Equal(3, entries[1].LineNumber);
    }

    [Fact]
    public void PatternsAndNegation()
    {
        var e = KnownHosts.Parse($"*.lab,!bad.lab ssh-ed25519 {B64(KeyA)}")[0];
        Assert.True(e.Matches("x.lab", 22));
        Assert.False(e.Matches("bad.lab", 22));
        Assert.False(e.Matches("x.lan", 22));
    }

    [Fact]
    public void HashedLineWrittenByOpenSshMatches()
    {
        // Made with `ssh-keygen -H` on a known_hosts holding "board1 ssh-ed25519 ...".
        var e = KnownHosts.Parse("|1|wHVN3BciL4wi9D+GcEFw7CB8488=|XYDIE+wURGlbbvcGsaL8T2VFmgY= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl")[0];
        Assert.True(e.Matches("board1", 22));
        Assert.False(e.Matches("board2", 22));
        Assert.False(e.Matches("board1", 2222));
    }

    [Fact]
    public void CheckTellsTrustedChangedUnknownAndRecords()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-kh-").FullName;
        try
        {
            var kh = Path.Combine(dir, "known_hosts");
            var policy = new HostKeyPolicy(null, kh);
            Assert.Equal(HostKeyVerdict.Unknown, HostKeyCheck.Check(policy, "b", 22, "ssh-ed25519", KeyA, false).Verdict);
            Assert.Equal(HostKeyVerdict.Recorded, HostKeyCheck.Check(policy, "b", 22, "ssh-ed25519", KeyA, true).Verdict);
            Assert.Equal(HostKeyVerdict.Trusted, HostKeyCheck.Check(policy, "b", 22, "ssh-ed25519", KeyA, false).Verdict);
            var changed = HostKeyCheck.Check(policy, "b", 22, "ssh-ed25519", KeyB, true);
            Assert.Equal(HostKeyVerdict.Changed, changed.Verdict);
            Assert.Contains($"remove line 1 of {kh}", changed.Message);
            Assert.Single(File.ReadAllLines(kh)); // accept-new never replaces a changed key
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FingerprintIsOpenSshFormat()
    {
        // ssh-keygen -lf prints SHA256 of the key blob, base64 without padding.
        var fp = HostKeyCheck.Fingerprint(KeyA);
        Assert.StartsWith("SHA256:", fp);
        Assert.Equal(43, fp.Length - "SHA256:".Length);
        var pinned = new HostKeyPolicy(fp, null);
        Assert.True(HostKeyCheck.Check(pinned, "b", 22, "ssh-ed25519", KeyA, false).Accepted);
        Assert.Equal(HostKeyVerdict.Changed, HostKeyCheck.Check(pinned, "b", 22, "ssh-ed25519", KeyB, true).Verdict);
    }
}
