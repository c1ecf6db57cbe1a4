using System.Globalization;
using Ktap.Tool;

namespace Ktap.Tests;

/// <summary>The project's port table, boards/ports.tsv: the only place a port number is
/// written. The tests take their ranges from it, as the shell scripts do (boards/qemu/ports.sh).</summary>
public static class TestPorts
{
    public sealed record Range(string Name, int First, int Last, string User)
    {
        public int Count => Last - First + 1;
    }

    public static string File => Path.Combine(KtapPaths.Root() ?? throw new InvalidOperationException("ktap source tree not found"), "boards", "ports.tsv");

    public static IReadOnlyList<Range> All { get; } = Read();

    public static Range Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new InvalidOperationException($"no port range '{name}' in {File}");

    private static List<Range> Read()
    {
        var ranges = new List<Range>();
        foreach (var line in System.IO.File.ReadAllLines(File))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var f = line.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
            ranges.Add(new Range(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), f.Length > 3 ? f[3] : ""));
        }
        return ranges;
    }
}
