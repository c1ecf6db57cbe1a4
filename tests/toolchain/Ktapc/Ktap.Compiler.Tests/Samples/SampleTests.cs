using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Samples;

/// <summary>Every sample compiles for every target, and together they cover every kind of event.</summary>
public class SampleTests
{
    public static TheoryData<string, string> ScriptsAndTargets()
    {
        var data = new TheoryData<string, string>();
        foreach (var script in SampleFiles.Scripts)
            foreach (var target in TargetProfiles.All)
                data.Add(SampleFiles.Relative(script), target.Name);
        return data;
    }

    public static TheoryData<string, string> OneLinersAndTargets()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in SampleFiles.OneLiners)
            foreach (var target in TargetProfiles.All)
                data.Add(line, target.Name);
        return data;
    }

    private static BundleModel CompileOk(string fileName, string source, string target, IReadOnlyList<string>? args = null)
    {
        var result = KtapCompiler.Compile(new CompileOptions(target, fileName, source) { ScriptArguments = args ?? Array.Empty<string>() });
        var errors = string.Join("\n", result.Diagnostics.Where(d => d.IsError));
        Assert.True(result.Success, $"{fileName} for {target}:\n{errors}");
        var model = BundleReader.Read(result.Bundle);
        Assert.Equal(TargetProfiles.Find(target)!.Arch, model.Target.Arch);
        return model;
    }

    [Theory, MemberData(nameof(ScriptsAndTargets))]
    public void Sample_compiles_for_the_target(string sample, string target)
    {
        var path = Path.Combine(SampleFiles.Root, sample);
        var source = File.ReadAllText(path);
        var result = KtapCompiler.Compile(new CompileOptions(target, sample, source));
        var model = CompileOk(sample, source, target);
        Assert.NotEmpty(model.Functions);
        // The reader loses nothing the writer wrote: writing what was read gives the same bytes.
        Assert.Equal(result.Bundle, BundleWriter.Write(model));
        // Every instruction the code generator emitted disassembles, with its indices in range.
        var listing = Ktap.Bytecode.Disassembler.Disassemble(model, source);
        Assert.DoesNotContain("???", listing);
        Assert.DoesNotContain("out of range", listing);
    }

    [Theory, MemberData(nameof(OneLinersAndTargets))]
    public void One_liner_compiles_for_the_target(string line, string target) =>
        CompileOk("<command-line>", line, target);

    [Fact]
    public void There_are_at_least_20_samples_each_with_a_header_saying_what_it_shows_and_a_workload()
    {
        Assert.True(SampleFiles.Scripts.Count >= 20, $"{SampleFiles.Scripts.Count} samples");
        foreach (var path in SampleFiles.Scripts)
        {
            var header = File.ReadLines(path).TakeWhile(l => l.StartsWith('#')).ToList();
            Assert.True(header.Any(l => l.StartsWith("# " + Path.GetFileName(path) + " - ", StringComparison.Ordinal)), $"{path}: no '# name - purpose' line");
            Assert.True(header.Any(l => l.Contains("Shows:", StringComparison.Ordinal)), $"{path}: no 'Shows:' line");
            Assert.True(header.Any(l => l.Contains("Workload:", StringComparison.Ordinal)), $"{path}: no 'Workload:' line");
        }
    }

    [Fact]
    public void The_samples_together_use_every_kind_of_event()
    {
        var kinds = new HashSet<EventKind>();
        foreach (var path in SampleFiles.Scripts)
        {
            var model = CompileOk(SampleFiles.Relative(path), File.ReadAllText(path), "x86_64");
            kinds.UnionWith(model.Events.Select(e => e.Kind));
        }
        Assert.Equal(Enum.GetValues<EventKind>().Order(), kinds.Order());
    }

    [Fact]
    public void Script_arguments_reach_the_args_section()
    {
        var path = Path.Combine(SampleFiles.Root, "timer", "tick_report.kp");
        var model = CompileOk("tick_report.kp", File.ReadAllText(path), "arm-v7", new[] { "3" });
        Assert.Equal(new[] { "tick_report.kp", "3" }, model.Arguments);
    }
}
