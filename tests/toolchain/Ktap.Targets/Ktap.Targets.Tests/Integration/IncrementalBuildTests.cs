namespace Ktap.Targets.Tests.Integration;

/// <summary>The sample firmware project built with the packed Ktap.Targets: bundles, incrementality, clean, publish.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class IncrementalBuildTests(PackageFeedFixture feed)
{
    private static readonly string[] SampleBundles = { "opens.kbc", "syscalls.kbc", "vfs_read_latency.kbc" };
    private static readonly string[] SampleScripts = { "opens.kp", "syscalls.kp", "vfs_read_latency.kp" };

    private Dictionary<string, DateTime> BundleTimes(FirmwareProject project) =>
        project.Bundles.ToDictionary(b => b, b => File.GetLastWriteTimeUtc(project.Bundle(b)));

    [Fact]
    public void A_fresh_build_produces_a_bundle_per_script_for_the_projects_target()
    {
        var project = feed.NewFirmwareProject(nameof(A_fresh_build_produces_a_bundle_per_script_for_the_projects_target));

        var result = project.BuildSucceeded();

        Assert.Equal(SampleScripts, FirmwareProject.CompiledScripts(result));
        Assert.Equal(SampleBundles, project.Bundles);
        foreach (var bundle in SampleBundles)
            BundleHeader.Read(project.Bundle(bundle)).AssertTarget(BundleHeader.LittleEndian, BundleHeader.ArchArmV7, wordSize: 4);
    }

    [Fact]
    public void A_second_build_does_not_compile_any_script()
    {
        var project = feed.NewFirmwareProject(nameof(A_second_build_does_not_compile_any_script));
        project.BuildSucceeded();
        var before = BundleTimes(project);

        var second = project.BuildSucceeded();

        Assert.Empty(FirmwareProject.CompiledScripts(second));
        Assert.Contains(second.Lines, l => l.Contains("Skipping target \"KtapCompile\" because all output files are up-to-date"));
        Assert.Equal(before, BundleTimes(project));
    }

    [Fact]
    public void Touching_one_script_recompiles_only_that_script()
    {
        var project = feed.NewFirmwareProject(nameof(Touching_one_script_recompiles_only_that_script));
        project.BuildSucceeded();
        var before = BundleTimes(project);
        File.SetLastWriteTimeUtc(project.Script("opens.kp"), DateTime.UtcNow.AddSeconds(2));

        var second = project.BuildSucceeded();

        Assert.Equal(new[] { "opens.kp" }, FirmwareProject.CompiledScripts(second));
        var after = BundleTimes(project);
        Assert.NotEqual(before["opens.kbc"], after["opens.kbc"]);
        Assert.Equal(before["syscalls.kbc"], after["syscalls.kbc"]);
        Assert.Equal(before["vfs_read_latency.kbc"], after["vfs_read_latency.kbc"]);
    }

    [Fact]
    public void Changing_KtapTarget_recompiles_every_script_for_the_new_target()
    {
        var project = feed.NewFirmwareProject(nameof(Changing_KtapTarget_recompiles_every_script_for_the_new_target));
        project.BuildSucceeded();
        project.EditProject("<KtapTarget>arm-v7</KtapTarget>", "<KtapTarget>powerpc</KtapTarget>");

        var second = project.BuildSucceeded();

        Assert.Equal(SampleScripts, FirmwareProject.CompiledScripts(second));
        foreach (var bundle in SampleBundles)
            BundleHeader.Read(project.Bundle(bundle)).AssertTarget(BundleHeader.BigEndian, BundleHeader.ArchPowerPC, wordSize: 4);
    }

    [Fact]
    public void Per_script_metadata_overrides_the_target_and_the_output_name()
    {
        var project = feed.NewFirmwareProject(nameof(Per_script_metadata_overrides_the_target_and_the_output_name));
        project.EditProject("<KtapScript Include=\"probes/*.kp\" />",
            "<KtapScript Include=\"probes/*.kp\" />\n    <KtapScript Update=\"probes/opens.kp\" KtapTarget=\"x86_64\" OutputName=\"opens-host\" />");

        project.BuildSucceeded();

        Assert.Equal(new[] { "opens-host.kbc", "syscalls.kbc", "vfs_read_latency.kbc" }, project.Bundles);
        BundleHeader.Read(project.Bundle("opens-host.kbc")).AssertTarget(BundleHeader.LittleEndian, BundleHeader.ArchX86_64, wordSize: 8);
        BundleHeader.Read(project.Bundle("syscalls.kbc")).AssertTarget(BundleHeader.LittleEndian, BundleHeader.ArchArmV7, wordSize: 4);

        // A script's own target is part of the input stamp: changing it recompiles.
        project.EditProject("KtapTarget=\"x86_64\"", "KtapTarget=\"powerpc\"");
        var second = project.BuildSucceeded();

        Assert.Contains("opens.kp", FirmwareProject.CompiledScripts(second));
        BundleHeader.Read(project.Bundle("opens-host.kbc")).AssertTarget(BundleHeader.BigEndian, BundleHeader.ArchPowerPC, wordSize: 4);
    }

    [Fact]
    public void Clean_removes_the_bundles_and_the_stamp()
    {
        var project = feed.NewFirmwareProject(nameof(Clean_removes_the_bundles_and_the_stamp));
        project.BuildSucceeded();
        var stamp = Path.Combine(project.Directory, "obj", "Debug", "net10.0", "ktap.inputs.stamp");
        Assert.True(File.Exists(stamp));

        var clean = project.Clean();

        Assert.True(clean.ExitCode == 0, clean.Output);
        Assert.Empty(project.Bundles);
        Assert.False(File.Exists(stamp));
    }

    [Fact]
    public void Removing_a_script_removes_its_bundle_at_the_next_build()
    {
        var project = feed.NewFirmwareProject(nameof(Removing_a_script_removes_its_bundle_at_the_next_build));
        project.BuildSucceeded();
        File.Delete(project.Script("opens.kp"));

        var second = project.BuildSucceeded();

        Assert.Empty(FirmwareProject.CompiledScripts(second));
        Assert.Equal(new[] { "syscalls.kbc", "vfs_read_latency.kbc" }, project.Bundles);
    }

    [Fact]
    public void Publish_puts_the_bundles_in_the_publish_output()
    {
        var project = feed.NewFirmwareProject(nameof(Publish_puts_the_bundles_in_the_publish_output));
        var publishDirectory = Path.Combine(project.Directory, "published");

        var result = project.Publish(publishDirectory);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(SampleBundles, Directory.GetFiles(Path.Combine(publishDirectory, "ktap")).Select(f => Path.GetFileName(f)).Order());
        foreach (var bundle in SampleBundles)
            BundleHeader.Read(Path.Combine(publishDirectory, "ktap", bundle)).AssertTarget(BundleHeader.LittleEndian, BundleHeader.ArchArmV7, wordSize: 4);
    }
}
