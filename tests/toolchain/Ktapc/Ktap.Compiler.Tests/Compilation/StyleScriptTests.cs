using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Profiles;

namespace Ktap.Compiler.Tests.Compilation;

public class StyleScriptTests
{
    public static TheoryData<string, string> ScriptsAndTargets()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in StyleScripts.All)
            foreach (var t in TargetProfiles.All)
            {
                // The fetch-args of these two name x86_64 registers, as their ktap 0.4 models did.
                if (name is "malloc_sizes" or "grid_game" or "do_sys_open_args" && t.Name != "x86_64") continue;
                data.Add(name, t.Name);
            }
        return data;
    }

    [Theory, MemberData(nameof(ScriptsAndTargets))]
    public void Compiles_into_a_bundle_the_reader_accepts(string name, string target)
    {
        var result = KtapCompiler.Compile(new CompileOptions(target, name + ".kp", StyleScripts.Get(name)));
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var model = BundleReader.Read(result.Bundle);
        Assert.Equal(target, model.Target.Name);
        Assert.Equal(FunctionFlags.Main, model.Functions[model.MainFunction].Flags);
    }
}
