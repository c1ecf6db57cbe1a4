using System.Text.RegularExpressions;
using Ktap;

namespace Ktap.Tests.Commands;

/// <summary>docs/ktap.md's table of exit codes lists exactly the codes of ktap_exit_codes.def.</summary>
public sealed class ExitCodesDocTests
{
    [Fact]
    public void TheDocsTableHasEveryCodeOfTheDefinitionAndNoOther()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Ktap.sln"))) root = Path.GetDirectoryName(root)!;
        var docs = File.ReadAllText(Path.Combine(root, "docs", "ktap.md"));
        var section = docs[docs.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        var next = section.IndexOf("\n## ", 3, StringComparison.Ordinal);
        if (next > 0) section = section[..next];
        var documented = Regex.Matches(section, @"^\| (\d+) \|", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(ExitCodes.All.Select(c => c.Code).Order(), documented.Order());
        Assert.Equal(documented.Count, documented.Distinct().Count());
    }
}
