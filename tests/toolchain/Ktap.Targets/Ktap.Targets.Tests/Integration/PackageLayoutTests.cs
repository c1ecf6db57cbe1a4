using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Ktap.Targets.Tests.Integration;

/// <summary>The package holds everything needed (task, targets, compiler host) and the task loads in both MSBuilds.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageLayoutTests(PackageFeedFixture feed)
{
    private string[] Entries()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        return package.Entries.Select(e => e.FullName).ToArray();
    }

    [Fact]
    public void The_package_holds_the_targets_the_task_and_the_compiler_host_and_no_lib()
    {
        var entries = Entries();
        foreach (var required in new[]
                 {
                     "build/Ktap.Targets.props", "build/Ktap.Targets.targets",
                     "buildTransitive/Ktap.Targets.props", "buildTransitive/Ktap.Targets.targets",
                     "tasks/netstandard2.0/Ktap.Targets.dll",
                     "tools/host/ktapc-msbuild.dll", "tools/host/ktapc-msbuild.runtimeconfig.json", "tools/host/Ktap.Compiler.dll",
                     "README.md",
                 })
            Assert.Contains(required, entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/"));
        // MSBuild supplies its own assemblies; shipping them would break loading in Visual Studio.
        Assert.DoesNotContain(entries, e => e.Contains("Microsoft.Build"));
    }

    [Fact]
    public void The_task_assembly_targets_netstandard2_0_so_Visual_Studio_and_dotnet_build_can_load_it()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        using var stream = new MemoryStream();
        using (var entry = package.GetEntry("tasks/netstandard2.0/Ktap.Targets.dll")!.Open())
            entry.CopyTo(stream);
        stream.Position = 0;
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();

        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToArray();
        Assert.Contains("netstandard", references);
        Assert.DoesNotContain("System.Runtime", references);
        Assert.Equal(".NETStandard,Version=v2.0", TargetFramework(metadata));
    }

    private static string? TargetFramework(MetadataReader metadata)
    {
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
                continue;
            var parent = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
            if (parent.Kind != HandleKind.TypeReference || metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name) != "TargetFrameworkAttribute")
                continue;
            var value = metadata.GetBlobReader(attribute.Value);
            value.ReadUInt16(); // prolog
            return value.ReadSerializedString();
        }
        return null;
    }
}
