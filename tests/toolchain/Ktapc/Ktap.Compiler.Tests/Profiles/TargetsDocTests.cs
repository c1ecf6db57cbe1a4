using System.Text.RegularExpressions;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Profiles;

/// <summary>docs/targets.md's table says what TargetProfiles and the register files say.</summary>
public class TargetsDocTests
{
    private static string Doc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "targets.md");
            if (File.Exists(path)) return File.ReadAllText(path);
        }
        throw new FileNotFoundException("docs/targets.md");
    }

    [Fact]
    public void Every_profile_has_a_row_with_its_facts()
    {
        var rows = Regex.Matches(Doc(), @"^\| `([^`]+)` \| ([^|]+) \| (\d+) \| (little|big) \| (\d) \| ([^|]+) \| (\w+) \| (\w+) \|$", RegexOptions.Multiline);
        Assert.Equal(TargetProfiles.All.Count, rows.Count);
        foreach (Match row in rows)
        {
            var p = TargetProfiles.Find(row.Groups[1].Value);
            Assert.NotNull(p);
            Assert.Equal(string.Join(", ", p!.Aliases), row.Groups[2].Value.Trim());
            Assert.Equal((int)p.Arch, int.Parse(row.Groups[3].Value));
            Assert.Equal(p.ByteOrder == ByteOrder.Big ? "big" : "little", row.Groups[4].Value);
            Assert.Equal(p.WordSize, int.Parse(row.Groups[5].Value));
            Assert.StartsWith(p.Registers.ArgumentRegisters[0] + " ", row.Groups[6].Value);
            Assert.Equal(p.Registers.ReturnRegister, row.Groups[7].Value);
            Assert.Equal(p.Registers.StackPointer, row.Groups[8].Value);
        }
    }
}
