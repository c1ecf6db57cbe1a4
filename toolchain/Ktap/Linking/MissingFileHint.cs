using Ktap.Tool.Ssh;

namespace Ktap.Tool.Linking;

/// <summary>
/// A uprobe names a file the board does not have: most often a library path from another
/// distribution (`/lib/libc.so.6` where Debian boards keep `/lib/x86_64-linux-gnu/libc.so.6`).
/// The host looks for the same file name in the board's library and program directories
/// and names what it found, so the user can fix the script's path without a shell on the board.
/// </summary>
public static class MissingFileHint
{
    // Where a board keeps libraries and programs: the classic and the multiarch directories.
    private static readonly string[] Directories =
        ["/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/lib32", "/lib/*-linux-gnu*", "/usr/lib/*-linux-gnu*",
         "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/lib", "/usr/local/bin"];

    /// <summary>One shell command: prints "missing" when <paramref name="path"/> is not a regular file, then every place the same name is.</summary>
    public static string Command(string path)
    {
        var name = Shell.Quote(Path.GetFileName(path));
        return $"[ -f {Shell.Quote(path)} ] && exit 0; echo missing; for d in {string.Join(' ', Directories)}; do [ -f \"$d\"/{name} ] && echo \"$d\"/{name}; done; exit 0";
    }

    /// <summary>The error for the command's answer (null: the file exists, read it).</summary>
    public static string? Message(string path, string boardName, string answer)
    {
        var lines = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || lines[0] != "missing") return null;
        // Only absolute paths without control characters: the answer comes from the board.
        var found = lines.Skip(1).Where(l => l.StartsWith('/') && l != path && !l.Any(char.IsControl))
            .Distinct(StringComparer.Ordinal).Take(3).ToList();
        var name = Path.GetFileName(path);
        return found.Count == 0
            ? $"{path} does not exist on {boardName} (no {name} in its library or program directories either)"
            : $"{path} does not exist on {boardName}; {name} is at {string.Join(", ", found)}: use that path in the script";
    }
}
