using System.Text.RegularExpressions;
using Ktap.Compilation;
using Ktap.Diagnostics;

namespace Ktap.Compiler.Tests.Compilation;

/// <summary>docs/diagnostics.md and the message catalog stay in step, and its examples report their codes.</summary>
public class DiagnosticsCatalogTests
{
    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ktap.sln"))) return Path.Combine(dir.FullName, relative);
        throw new InvalidOperationException("repository root not found");
    }

    private static readonly string Doc = File.ReadAllText(RepoFile("docs/diagnostics.md"));

    private static Dictionary<string, string> Sections() =>
        Regex.Split(Doc, @"^(?=### KTAP)", RegexOptions.Multiline).Where(s => s.StartsWith("### KTAP", StringComparison.Ordinal))
            .ToDictionary(s => s.Substring(4, 8), s => s);

    [Fact]
    public void Codes_are_unique_and_well_formed()
    {
        var codes = Messages.All.Select(m => m.Code).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^KTAP[0-4][0-9]{3}$", c));
    }

    public static TheoryData<string> Codes() => new(Messages.All.Select(m => m.Code));

    [Theory, MemberData(nameof(Codes))]
    public void Every_code_is_documented_with_its_exact_message(string code)
    {
        var m = Messages.All.Single(x => x.Code == code);
        var sections = Sections();
        Assert.True(sections.ContainsKey(code), $"{code} is missing from docs/diagnostics.md");
        var section = sections[code];
        Assert.StartsWith($"### {code} ({(m.Severity == DiagnosticSeverity.Error ? "error" : "warning")})", section);
        Assert.Contains(m.Format, section);
    }

    [Fact]
    public void The_document_lists_no_code_the_catalog_lacks()
    {
        var known = Messages.All.Select(m => m.Code).ToHashSet();
        Assert.All(Sections().Keys, c => Assert.Contains(c, known));
    }

    [Theory, MemberData(nameof(Codes))]
    public void Every_example_reports_its_code(string code)
    {
        var section = Sections()[code];
        var match = Regex.Match(section, "```kp\n(.*?)\n```", RegexOptions.Singleline);
        if (!match.Success)
        {
            Assert.Contains("When: ", section); // limits without a short example say when they happen
            return;
        }
        var script = match.Groups[1].Value;
        var target = Regex.Match(script, @"^# target: (\S+)") is { Success: true } t ? t.Groups[1].Value : "x86_64";
        var result = KtapCompiler.CompileToModel(new CompileOptions(target, "example.kp", script));
        Assert.True(result.Diagnostics.Any(d => d.Code == code), $"example of {code} reported:\n" + string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Unknown_target_is_a_diagnostic()
    {
        var result = KtapCompiler.Compile(new CompileOptions("sparc", "t.kp", "print(1)"));
        Assert.Null(result.Bundle);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("KTAP0002", d.Code);
        Assert.Contains("arm-v7", d.Message);
    }
}
