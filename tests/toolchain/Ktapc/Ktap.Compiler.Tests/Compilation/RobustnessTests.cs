using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Compilation;

namespace Ktap.Compiler.Tests.Compilation;

/// <summary>
/// Thousands of generated and mutated scripts through the whole compiler: never an
/// exception, never a hang, and a failed compile always means no bundle and at least one
/// error (a successful one means a bundle the reader accepts).
/// </summary>
public class RobustnessTests
{
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);
    private static readonly string[] Targets = { "x86", "x86_64", "arm-v7", "powerpc", "arm64" };

    private static readonly string[] Fragments =
    {
        "(", ")", "{", "}", "[", "]", "\"unterminated", "'", "[[long", "]]", "`sym", "99999999999999999999999",
        "0x123456789abcdef0123", "trace", "trace probe:/x:y /a == 1/ {", "tick-", "profile-9999999999999999999hz",
        "::", "goto", "<<<", "+=", "...", "function", "var", "#", "\\", "\0", "\u00ff", "\ud800", "/", "%di", "$arg99",
        "arg1", "args.", "ansi.", "printf(\"%q\")", "for (", "in", "repeat", "until", "break", "\n", ";", ",",
    };

    private static void AssertWellBehaved(string source, string target)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Run(() => KtapCompiler.Compile(new CompileOptions(target, "fuzz.kp", source)));
        Assert.True(task.Wait(PerInputLimit), $"compile did not finish within {PerInputLimit}: {Describe(source)}");
        var result = task.Result; // an exception would surface here
        if (result.Success)
        {
            Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
            BundleReader.Read(result.Bundle);
        }
        else
        {
            Assert.Null(result.Bundle);
            Assert.Contains(result.Diagnostics, d => d.IsError);
        }
        var positions = result.Diagnostics.Select(d => (d.Line, d.Column)).ToList();
        Assert.Equal(positions.OrderBy(p => p.Line).ThenBy(p => p.Column), positions);
        Assert.All(result.Diagnostics, d => Assert.Matches("^KTAP[0-4][0-9]{3}$", d.Code));
        _ = watch;
    }

    private static string Describe(string s) => s.Length > 200 ? s[..200] + $"... ({s.Length} chars)" : s;

    private static List<string> Tokens(string text) =>
        Regex.Matches(text, @"\s+|\w+|""[^""\n]*""|\S").Select(m => m.Value).ToList();

    public static TheoryData<int> Seeds() => new(Enumerable.Range(0, 8));

    [Theory, MemberData(nameof(Seeds))]
    public void Mutated_sample_scripts(int seed)
    {
        var random = new Random(seed);
        var corpus = StyleScripts.All.Select(s => s.Source).ToArray();
        for (int i = 0; i < 250; i++)
        {
            var original = corpus[random.Next(corpus.Length)];
            var tokens = Tokens(original);
            int mutations = 1 + random.Next(4);
            for (int m = 0; m < mutations && tokens.Count > 0; m++)
            {
                int at = random.Next(tokens.Count);
                switch (random.Next(5))
                {
                    case 0: tokens.RemoveAt(at); break;
                    case 1: tokens.Insert(at, tokens[random.Next(tokens.Count)]); break;
                    case 2: tokens.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                    case 3: (tokens[at], tokens[^1]) = (tokens[^1], tokens[at]); break;
                    default: tokens.RemoveRange(at, tokens.Count - at); break; // truncation
                }
            }
            AssertWellBehaved(string.Concat(tokens), Targets[random.Next(Targets.Length)]);
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Random_bytes_and_fragments(int seed)
    {
        var random = new Random(1000 + seed);
        for (int i = 0; i < 150; i++)
        {
            var sb = new StringBuilder();
            int length = random.Next(400);
            if (random.Next(2) == 0)
                for (int j = 0; j < length; j++) sb.Append((char)random.Next(0, 0x3000));
            else
                for (int j = 0; j < length / 4; j++) sb.Append(Fragments[random.Next(Fragments.Length)]).Append(random.Next(3) == 0 ? " " : "");
            AssertWellBehaved(sb.ToString(), Targets[random.Next(Targets.Length)]);
        }
    }

    [Theory]
    [InlineData("x = ", "(", ")")]
    [InlineData("", "if (1) {", "}")]
    [InlineData("x = ", "{", "}")]
    [InlineData("x = ", "-", "")]
    [InlineData("x = ", "a.", "")]
    [InlineData("x = 1", " .. 1", "")]
    [InlineData("x = 1", " + 1", "")]
    [InlineData("x = ", "f(", ")")]
    [InlineData("", "function f() {", "}")]
    [InlineData("x = ", "\"", "")]
    [InlineData("x = ", "[[", "")]
    [InlineData("", "trace a:b {", "")]
    public void Pathological_repetition(string prefix, string repeated, string closing)
    {
        foreach (int n in new[] { 10, 1000, 10_000 })
        {
            var text = prefix + string.Concat(Enumerable.Repeat(repeated, n)) + "1" + string.Concat(Enumerable.Repeat(closing, n));
            AssertWellBehaved(text, "x86_64");
        }
    }

    [Fact]
    public void Every_truncation_of_a_sample()
    {
        var text = StyleScripts.Get("grid_game");
        for (int cut = 0; cut < text.Length; cut += 7) AssertWellBehaved(text[..cut], "arm-v7");
    }
}
