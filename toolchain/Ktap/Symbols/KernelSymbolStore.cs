using System.Security.Cryptography;
using System.Text;
using Ktap.Output;
using Ktap.Tool.Boards;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Symbols;

/// <summary>
/// Reads the board's /proc/kallsyms over SSH (as the session's user: root, else every
/// address is 0) and caches it per board under kallsyms/&lt;release&gt;/&lt;key&gt;.txt. The key
/// hashes what makes the addresses differ between boots of one release: the kernel's build
/// id (/sys/kernel/notes), where _text landed (KASLR) and /proc/modules (modules and their
/// load addresses); one short command reads them, so a warm run costs one round trip and
/// a changed kernel, boot or module set can never reuse stale names.
/// </summary>
public static class KernelSymbolStore
{
    private const string KeyCommand =
        "uname -r; od -An -tx1 /sys/kernel/notes 2>/dev/null | head -c 8192; " +
        "grep -m1 ' _text$' /proc/kallsyms; cat /proc/modules 2>/dev/null | head -c 65536";

    public static KernelSymbols Load(BoardConnection connection, BoardProfile board, string release) =>
        Load(connection, board, release, data: false);

    /// <summary>The data symbols (watchpoints resolve theirs here), cached beside the text ones
    /// under the same key; needs a kernel built with CONFIG_KALLSYMS_ALL.</summary>
    public static KernelSymbols LoadData(BoardConnection connection, BoardProfile board, string release) =>
        Load(connection, board, release, data: true);

    private static KernelSymbols Load(BoardConnection connection, BoardProfile board, string release, bool data)
    {
        var key = connection.Run(KeyCommand);
        if (key.ExitStatus != 0 || key.Text.Length == 0)
            throw new KallsymsException($"cannot read the kernel's identity on {board.Name}: {TerminalText.Quote(key.Error.Trim())}");
        var dir = Path.Combine(board.StateDirectory, "kallsyms", KernelRelease.Check(release, board.Name));
        var file = Path.Combine(dir, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.Text)))[..32].ToLowerInvariant() + (data ? ".data.txt" : ".txt"));
        var parse = data ? (Func<string, KernelSymbols>)KernelSymbols.ParseData : KernelSymbols.Parse;
        if (File.Exists(file))
        {
            if (new FileInfo(file).Length > HostLimits.KallsymsBytes)
                throw new KallsymsException($"{file} is over the limit of {HostLimits.KallsymsBytes} bytes (delete it)");
            return parse(File.ReadAllText(file));
        }
        // Only text symbols are kept: ~half of kallsyms, and what a stack can name; or the data.
        var r = connection.Run(data ? "grep '^[0-9a-f]* [dDbBrR] ' /proc/kallsyms" : "grep '^[0-9a-f]* [tTwW] ' /proc/kallsyms",
            TimeSpan.FromMinutes(2), HostLimits.KallsymsBytes);
        if (r.ExitStatus != 0)
            throw new KallsymsException($"cannot read /proc/kallsyms on {board.Name}: {TerminalText.Quote(r.Error.Trim())}");
        var table = parse(r.Text); // checked before it is cached
        Directory.CreateDirectory(dir);
        // one boot's table (of each kind) per release
        foreach (var old in Directory.GetFiles(dir, data ? "*.data.txt" : "*.txt").Where(f => data || !f.EndsWith(".data.txt", StringComparison.Ordinal)))
            File.Delete(old);
        var tmp = file + ".tmp";
        File.WriteAllText(tmp, r.Text);
        File.Move(tmp, file, true);
        return table;
    }
}
