using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Output;

namespace Ktap.Output.Tests;

/// <summary>
/// docs/record-format.md's table of runtime error codes is ktap_runtime_errors.def's (the C
/// core's codes and messages are expanded from the same rows), and its budget codes are
/// 100 + each LIMITS key of ktap_bundle_format.def.
/// </summary>
public class RuntimeErrorsDocTests
{
    private static string Doc() => RepoFiles.Read("docs", "record-format.md");

    [Fact]
    public void The_documented_table_is_the_definition()
    {
        var rows = Regex.Matches(Doc(), @"^\| *(\d+) *\| *`(\w+)` *\| *(.*?) *\|$", RegexOptions.Multiline)
            .Select(m => new RuntimeErrorInfo(int.Parse(m.Groups[1].Value), m.Groups[2].Value, m.Groups[3].Value.Replace("\\|", "|")))
            .ToList();
        Assert.Equal(RuntimeErrors.All, rows);
    }

    [Fact]
    public void Codes_are_below_the_budgets_and_each_is_listed_once()
    {
        Assert.All(RuntimeErrors.All, e => Assert.InRange(e.Code, 1, RuntimeErrors.BudgetBase - 1));
        Assert.Equal(RuntimeErrors.All.Count, RuntimeErrors.All.Select(e => e.Code).Distinct().Count());
    }

    [Fact]
    public void Every_budget_code_is_documented()
    {
        var doc = Doc();
        foreach (var key in Enum.GetValues<LimitKey>())
            Assert.Contains($"{RuntimeErrors.BudgetBase + (int)key} ", doc);
    }
}
