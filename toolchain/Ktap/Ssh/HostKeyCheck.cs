using System.Security.Cryptography;
using Ktap.Tool.Boards;

namespace Ktap.Tool.Ssh;

public enum HostKeyVerdict { Trusted, Recorded, Changed, Unknown }

/// <summary>The outcome of checking a presented host key, with the message to show when it is refused.</summary>
public sealed record HostKeyResult(HostKeyVerdict Verdict, string Message)
{
    public bool Accepted => Verdict is HostKeyVerdict.Trusted or HostKeyVerdict.Recorded;
}

/// <summary>
/// Checks the key a board presents against its profile: a pinned SHA256 fingerprint, or a
/// known_hosts file. An unknown key is accepted only with accept-new, which records it
/// (like ssh -o StrictHostKeyChecking=accept-new); a changed key is never accepted.
/// </summary>
public static class HostKeyCheck
{
    public static string Fingerprint(byte[] key) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    public static HostKeyResult Check(HostKeyPolicy policy, string host, int port, string keyType, byte[] key, bool acceptNew)
    {
        var presented = Fingerprint(key);
        if (policy.Fingerprint is { } pinned)
        {
            return pinned.TrimEnd('=') == presented
                ? new(HostKeyVerdict.Trusted, "")
                : new(HostKeyVerdict.Changed,
                    $"host key of {KnownHosts.HostName(host, port)} does not match the profile's pinned fingerprint: the board presented {keyType} {presented}, the profile pins {pinned}. Someone may be impersonating the board, or it was re-imaged; if you trust the new key, update host_key.fingerprint in the profile");
        }

        var file = policy.KnownHostsFile!;
        var entries = KnownHosts.Load(file).Where(e => e.Matches(host, port)).ToList();
        if (entries.Any(e => e.Revoked && e.Key.AsSpan().SequenceEqual(key)))
            return new(HostKeyVerdict.Changed, $"host key of {KnownHosts.HostName(host, port)} ({presented}) is marked @revoked in {file}");
        var live = entries.Where(e => !e.Revoked).ToList();
        if (live.Any(e => e.KeyType == keyType && e.Key.AsSpan().SequenceEqual(key)))
            return new(HostKeyVerdict.Trusted, "");
        if (live.Count > 0)
        {
            var known = live[0];
            return new(HostKeyVerdict.Changed,
                $"host key of {KnownHosts.HostName(host, port)} has changed: the board presented {keyType} {presented}, {file}:{known.LineNumber} has {known.KeyType} {Fingerprint(known.Key)}. Someone may be impersonating the board, or it was re-imaged; if you trust the new key, remove line {known.LineNumber} of {file}");
        }
        if (!acceptNew)
            return new(HostKeyVerdict.Unknown,
                $"host key of {KnownHosts.HostName(host, port)} is not known ({keyType} {presented} is not in {file}); check the fingerprint and run again with --accept-new-host-key to record it");
        KnownHosts.Append(file, host, port, keyType, key);
        return new(HostKeyVerdict.Recorded, $"recorded new host key {keyType} {presented} for {KnownHosts.HostName(host, port)} in {file}");
    }
}
