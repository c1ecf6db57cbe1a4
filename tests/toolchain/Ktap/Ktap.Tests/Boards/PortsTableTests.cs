using Ktap.Tool;
using Ktap.Tool.Boards;

namespace Ktap.Tests.Boards;

/// <summary>boards/ports.tsv, the one table of ports: no two users share a port, and every
/// emulated board's default port lies in a range of the boards.</summary>
public sealed class PortsTableTests
{
    [Fact]
    public void RangesAreWellFormedAndDoNotOverlap()
    {
        var ranges = TestPorts.All.OrderBy(r => r.First).ToList();
        Assert.True(ranges.Count >= 10);
        Assert.Equal(ranges.Count, ranges.Select(r => r.Name).Distinct().Count());
        foreach (var r in ranges) Assert.True(r.First is >= 1024 and <= 65535 && r.Last >= r.First && r.Last <= 65535, $"{r.Name}: {r.First}-{r.Last}");
        for (var i = 1; i < ranges.Count; i++)
            Assert.True(ranges[i].First > ranges[i - 1].Last, $"{ranges[i - 1].Name} ({ranges[i - 1].First}-{ranges[i - 1].Last}) overlaps {ranges[i].Name} ({ranges[i].First}-{ranges[i].Last})");
    }

    [Fact]
    public void EveryEmulatedBoardDefaultsToAPortOfTheBoardsRanges()
    {
        var boardRanges = new[] { "boards", "debug-board", "kernel-boards" }.Select(TestPorts.Get).ToList();
        var reader = new BoardProfileReader(n => n == "KTAP_STATE_DIR" ? "/state" : null, TargetNames.IsKnown);
        var ports = new Dictionary<int, string>();
        foreach (var file in Directory.GetFiles(KtapPaths.ShippedBoards()!, "*.yaml"))
        {
            var b = reader.Read(file);
            if (!b.Emulated) continue;
            Assert.True(boardRanges.Any(r => b.Port >= r.First && b.Port <= r.Last), $"{b.Name}'s port {b.Port} is in none of the boards' ranges of {TestPorts.File}");
            Assert.True(ports.TryAdd(b.Port, b.Name), $"{b.Name} and {ports.GetValueOrDefault(b.Port)} both default to {b.Port}");
        }
        Assert.True(ports.Count >= 9);
    }

    [Fact]
    public void TheShellHelperReadsTheSameTable()
    {
        var helper = Path.Combine(KtapPaths.Root()!, "boards", "qemu", "ports.sh");
        foreach (var r in TestPorts.All)
        {
            var psi = new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"source '{helper}' && ktap_port_range '{r.Name}' && ktap_port_range_of {r.Last}"]) { RedirectStandardOutput = true };
            using var p = System.Diagnostics.Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.Equal($"{r.First} {r.Last}\n{r.First} {r.Last}\n", output);
        }
    }
}
