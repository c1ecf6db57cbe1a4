using System.Diagnostics;
using System.Text;
using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>`probe:/path:GLOB` expanded by the link step from a program built here.</summary>
public sealed class UprobeGlobTests
{
    private static readonly EventCatalog NoEvents = new(new Dictionary<string, IReadOnlyList<EventField>>(), []);

    // ktap_f1..3, ktap_alias at ktap_f1's address, and other functions the glob must leave out.
    private const string Source = """
        void ktap_f1(void) { __asm__ volatile(""); }
        void ktap_f2(void) { __asm__ volatile("nop"); }
        void ktap_f3(void) { __asm__ volatile("nop; nop"); }
        void ktap_alias(void) __attribute__((alias("ktap_f1")));
        void other(void) { }
        void _start(void) { for (;;) { ktap_f1(); ktap_f2(); ktap_f3(); other(); } }
        """;

    private static ElfSymbols Build(string source)
    {
        var dir = Directory.CreateTempSubdirectory("ktap-glob-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "t.c"), source);
            var psi = new ProcessStartInfo("gcc", ["-nostdlib", "-static", "-O0", "-o", Path.Combine(dir, "t"), Path.Combine(dir, "t.c")]) { RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
            return new ElfSymbols(File.ReadAllBytes(Path.Combine(dir, "t")), "/bin/app");
        }
        finally { Directory.Delete(dir, true); }
    }

    private static BundleModel Compile(string source)
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return BundleReader.Read(r.Bundle);
    }

    private static IReadOnlyList<string> Link(BundleModel model, ElfSymbols elf) =>
        new BundleLinker(NoEvents, p => p == "/bin/app" ? elf : throw new InvalidOperationException(p)).Link(model, "board1");

    [Fact]
    public void A_glob_becomes_one_uprobe_per_function_address_each_named_in_its_spec()
    {
        var elf = Build(Source);
        var model = Compile("trace probe:/bin/app:ktap_* a=%di { print(argname) }\ntick-1s { }");
        Assert.Empty(Link(model, elf));
        var probes = model.Events.Where(e => e.Kind == EventKind.Uprobe).ToList();
        // ktap_alias shares ktap_f1's address: one probe, named by the shorter name.
        Assert.Equal(["probe:/bin/app:ktap_f1 a=%di", "probe:/bin/app:ktap_f2 a=%di", "probe:/bin/app:ktap_f3 a=%di"], probes.Select(e => e.Spec));
        Assert.Equal(new[] { "ktap_f1", "ktap_f2", "ktap_f3" }.Select(n => elf.Find(n).FileOffset), probes.Select(e => e.Value));
        Assert.Single(probes.Select(e => e.Handler).Distinct());
        Assert.All(probes, e => Assert.Equal("a", Assert.Single(e.FetchArgs).Name));
        // The tick keeps its index: the expansion appends after the script's own events.
        Assert.Equal(EventKind.Tick, model.Events[1].Kind);
        // What was linked writes and reads back.
        Assert.Equal(probes.Select(e => e.Value), BundleReader.Read(BundleWriter.Write(model)).Events.Where(e => e.Kind == EventKind.Uprobe).Select(e => e.Value));
    }

    [Fact]
    public void A_return_probe_glob_keeps_its_suffix_and_fetch_args()
    {
        var model = Compile("trace probe:/bin/app:ktap_f?%return r=$retval { }");
        Assert.Empty(Link(model, Build(Source)));
        Assert.Equal(["probe:/bin/app:ktap_f1%return r=$retval", "probe:/bin/app:ktap_f2%return r=$retval", "probe:/bin/app:ktap_f3%return r=$retval"],
            model.Events.Select(e => e.Spec));
        Assert.All(model.Events, e => Assert.Equal(EventKind.Uretprobe, e.Kind));
    }

    [Fact]
    public void A_glob_matching_nothing_is_an_error_with_a_did_you_mean()
    {
        Assert.Equal("probe:/bin/app:zz*: no function of /bin/app matches 'zz*' (ktap list probe:/bin/app:zz*)",
            Assert.Single(Link(Compile("trace probe:/bin/app:zz* { }"), Build(Source))));
        Assert.Equal("probe:/bin/app:otherr*: no function of /bin/app matches 'otherr*' (did you mean 'other'?) (ktap list probe:/bin/app:otherr*)",
            Assert.Single(Link(Compile("trace probe:/bin/app:otherr* { }"), Build(Source))));
    }

    [Fact]
    public void More_functions_than_the_cap_is_an_error_naming_both_numbers()
    {
        var source = new StringBuilder();
        var n = UprobeGlob.MaxFunctions + 5;
        for (var i = 0; i < n; i++) source.Append("void fn").Append(i).Append("(void) { __asm__ volatile(\"\"); }\n");
        source.Append("void _start(void) { for (;;) ; }\n");
        var model = Compile("trace probe:/bin/app:fn* { }");
        Assert.Equal([$"probe:/bin/app:fn*: 'fn*' matches {n} functions of /bin/app, more than the 2048 one definition may arm: narrow it"],
            Link(model, Build(source.ToString())));
        Assert.Single(model.Events);
    }

    [Theory]
    [InlineData("probe:/bin/app:f* a=%di", "/bin/app", "main", "probe:/bin/app:main a=%di")]
    [InlineData("uretprobe:/lib/x.so:m*%return", "/lib/x.so", "malloc", "uretprobe:/lib/x.so:malloc%return")]
    [InlineData("probe:/bin/app:f*", "/other", "main", "probe:/bin/app:f*")]
    public void Respell_replaces_the_name_after_the_path(string spec, string path, string name, string expected) =>
        Assert.Equal(expected, EventExpansion.Respell(spec, path, name));
}
