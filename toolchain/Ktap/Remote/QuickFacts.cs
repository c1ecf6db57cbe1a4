using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Remote;

/// <summary>What `ktap run` must know before a session, in one round trip: kernel release, architecture, byte order, /dev/ktap.</summary>
public sealed record QuickFacts(string Release, string Machine, ByteOrder? ByteOrder, bool HasDevice)
{
    private const string Script =
        "uname -r; uname -m; head -c 6 /bin/sh | tail -c 1 | od -An -tu1 | tr -d ' '; [ -e /dev/ktap ] && echo dev || echo nodev";

    public static QuickFacts Read(BoardConnection connection)
    {
        var lines = connection.RunText(Script).Split('\n', StringSplitOptions.TrimEntries);
        if (lines.Length < 4) throw new KtapException(ExitCodes.Failure, $"unexpected answer from {connection.Endpoint.Host} to uname: {TerminalText.Quote(string.Join(" | ", lines))}");
        ByteOrder? order = lines[2] switch { "1" => Profiles.ByteOrder.Little, "2" => Profiles.ByteOrder.Big, _ => null };
        return new QuickFacts(KernelRelease.Check(lines[0], connection.Endpoint.Host), TerminalText.Quote(lines[1]), order, lines[3] == "dev");
    }

    /// <summary>Remembers the facts (not /dev/ktap, which the session checks itself) for the next run.</summary>
    public void Save(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, $"{Release}\n{Machine}\n{(ByteOrder is { } o ? (int)o : 0)}\n");
    }

    /// <summary>The facts saved by an earlier run, or null; /dev/ktap is assumed present (the session checks).</summary>
    public static QuickFacts? TryLoad(string file)
    {
        try
        {
            if (!File.Exists(file) || new FileInfo(file).Length > 4096) return null;
            var lines = File.ReadAllLines(file);
            if (lines.Length < 3 || !KernelRelease.IsValid(lines[0]) || lines[1].Length == 0) return null;
            ByteOrder? order = lines[2] switch { "1" => Profiles.ByteOrder.Little, "2" => Profiles.ByteOrder.Big, _ => null };
            return new QuickFacts(lines[0], lines[1], order, true);
        }
        catch (IOException) { return null; }
    }

    /// <summary>Throws <see cref="ExitCodes.TargetMismatch"/> when the board does not run <paramref name="target"/>.</summary>
    public void CheckRuns(TargetProfile target, string boardName, string what)
    {
        var running = KnownTargets.FromUname(Machine);
        if (running is null || running.Arch != target.Arch || (ByteOrder is { } o && o != target.ByteOrder))
            throw new KtapException(ExitCodes.TargetMismatch,
                $"{what} is for {target.Name} ({Describe(target.ByteOrder)}, {target.WordSize * 8}-bit) but board {boardName} runs {Machine}" +
                (ByteOrder is { } b ? $" ({Describe(b)})" : "") +
                (running is null ? "" : $"; compile for it: ktapc -t {running.Name}"));
    }

    public static string Describe(ByteOrder o) => o == Profiles.ByteOrder.Little ? "little-endian" : "big-endian";
}
