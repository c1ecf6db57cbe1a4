using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Compiler.Tests.Samples;

namespace Ktap.Compiler.Tests.Bundle;

/// <summary>
/// docs/bundle-format.md's table of refusals is ktap_bundle_faults.def's (the C loader and the
/// C# reader format their messages from the same rows).
/// </summary>
public class BundleFaultsDocTests
{
    [Fact]
    public void The_documented_table_is_the_definition()
    {
        var doc = File.ReadAllText(Path.Combine(SampleFiles.Root, "..", "docs", "bundle-format.md"));
        var rows = Regex.Matches(doc, @"^\| `([A-Z_]+)` \| (damaged|foreign) \| `(.*)` \|$", RegexOptions.Multiline)
            .Select(m => new BundleFaultInfo(Enum.Parse<BundleFault>(Regex.Replace(m.Groups[1].Value.ToLowerInvariant(), "(^|_)([a-z])", x => x.Groups[2].Value.ToUpperInvariant()), ignoreCase: true),
                m.Groups[1].Value, m.Groups[2].Value == "foreign", m.Groups[3].Value))
            .ToList();
        Assert.Equal(BundleFaults.All, rows);
    }

    [Fact]
    public void Faults_are_numbered_in_order_from_one()
    {
        Assert.Equal(Enumerable.Range(1, BundleFaults.All.Count), BundleFaults.All.Select(f => (int)f.Fault));
        Assert.Equal(BundleFaults.All.Count, BundleFaults.All.Select(f => f.Name).Distinct().Count());
    }
}
