using System.Security.Cryptography;
using System.Text;

namespace Ktap.Tool.Ssh;

/// <summary>One host key line of an OpenSSH known_hosts file.</summary>
public sealed record KnownHostEntry(int LineNumber, string Hosts, string KeyType, byte[] Key, bool Revoked)
{
    /// <summary>Whether this line names <paramref name="host"/> on <paramref name="port"/> (plain, hashed |1|, or a * ? pattern).</summary>
    public bool Matches(string host, int port)
    {
        var name = KnownHosts.HostName(host, port);
        var matched = false;
        foreach (var raw in Hosts.Split(','))
        {
            var negated = raw.StartsWith('!');
            var pattern = negated ? raw[1..] : raw;
            bool hit;
            if (pattern.StartsWith("|1|", StringComparison.Ordinal))
                hit = KnownHosts.HashedMatches(pattern, name);
            else
                hit = Glob.Matches(pattern.ToLowerInvariant(), name.ToLowerInvariant());
            if (hit && negated) return false;
            if (hit) matched = true;
        }
        return matched;
    }
}

/// <summary>
/// Reads and appends OpenSSH known_hosts files: `[host]:port` for ports other than 22,
/// hashed names `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, `@revoked` markers.
/// `@cert-authority` lines are ignored (ktap does not use host certificates).
/// </summary>
public static class KnownHosts
{
    public static string HostName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    public static IReadOnlyList<KnownHostEntry> Parse(string text)
    {
        var entries = new List<KnownHostEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var revoked = false;
            if (fields[0].StartsWith('@'))
            {
                if (fields[0] == "@cert-authority") continue;
                revoked = fields[0] == "@revoked";
                if (!revoked) continue;
                fields = fields[1..];
            }
            if (fields.Length < 3) continue;
            byte[] key;
            try { key = Convert.FromBase64String(fields[2]); }
            catch (FormatException) { continue; }
            entries.Add(new KnownHostEntry(i + 1, fields[0], fields[1], key, revoked));
        }
        return entries;
    }

    public static IReadOnlyList<KnownHostEntry> Load(string file)
    {
        if (!File.Exists(file)) return Array.Empty<KnownHostEntry>();
        if (new FileInfo(file).Length > Ktap.HostLimits.KnownHostsBytes)
            throw new KtapException(ExitCodes.Failure, $"{file} is over the known_hosts limit of {Ktap.HostLimits.KnownHostsBytes} bytes");
        return Parse(File.ReadAllText(file));
    }

    /// <summary>Appends a line for host:port, hashing nothing (like ssh with HashKnownHosts no).</summary>
    public static void Append(string file, string host, int port, string keyType, byte[] key)
    {
        if (Path.GetDirectoryName(file) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        var prefix = File.Exists(file) && new FileInfo(file).Length > 0 && !File.ReadAllText(file).EndsWith('\n') ? "\n" : "";
        File.AppendAllText(file, $"{prefix}{HostName(host, port)} {keyType} {Convert.ToBase64String(key)}\n");
    }

    internal static bool HashedMatches(string pattern, string name)
    {
        var parts = pattern.Split('|');
        if (parts.Length != 4) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name));
            return CryptographicOperations.FixedTimeEquals(expected, actual);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Hashes a host name as OpenSSH does (used by tests and by nothing that writes files).</summary>
    public static string Hash(string name, byte[] salt) =>
        $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name)))}";
}
