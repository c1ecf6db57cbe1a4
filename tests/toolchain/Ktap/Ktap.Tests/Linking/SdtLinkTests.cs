using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Catalog;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>
/// Linking `trace sdt:` events against the boards' program (tests/kernel/sdt-markers.c, built
/// here): offsets, argument fetch-args, semaphores, glob expansion, and the errors a script
/// author sees for an unknown marker, a file without markers and an unreadable argument.
/// </summary>
public sealed class SdtLinkTests
{
    private static readonly EventCatalog NoCatalog = new(new Dictionary<string, IReadOnlyList<EventField>>(), []);
    private static readonly Lazy<byte[]> X86_64Program = new(() => SdtProgram.Build("gcc"));

    private static BundleModel Compile(string source, string target = "x86_64")
    {
        var r = KtapCompiler.Compile(new CompileOptions(target, "t.kp", source));
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        return BundleReader.Read(r.Bundle);
    }

    private static (IReadOnlyList<string> Errors, BundleLinker Linker) Link(BundleModel model, byte[]? program = null)
    {
        var linker = new BundleLinker(NoCatalog, p => new ElfSymbols(program ?? X86_64Program.Value, p));
        return (linker.Link(model, "board1"), linker);
    }

    [Fact]
    public void AMarkerBecomesAUprobeWithItsArgumentsAndItsSemaphore()
    {
        var model = Compile("trace sdt:/tmp/app:tick { print(arg1, arg2) }\ntrace sdt:/tmp/app:ktap_test:hit { print(arg1) }");
        var (errors, linker) = Link(model);
        Assert.Empty(errors);
        var markers = new ElfSymbols(X86_64Program.Value, "/tmp/app").SdtMarkers;
        var tick = markers.Single(m => m.Name == "tick");
        var hit = markers.Single(m => m.Name == "hit");
        Assert.Equal(2, model.Events.Count);
        Assert.Equal(tick.FileOffset, model.Events[0].Value);
        Assert.Equal("sdt:/tmp/app:ktap_test:tick", model.Events[0].Spec);
        Assert.Equal(["arg1", "arg2"], model.Events[0].FetchArgs.Select(f => f.Name));
        Assert.Equal([FetchType.S32, FetchType.S64], model.Events[0].FetchArgs.Select(f => f.Type));
        Assert.Equal(hit.FileOffset, model.Events[1].Value);
        // only hit has a semaphore: the module is told it for event 1
        Assert.Equal([(1, hit.SemaphoreOffset)], linker.Semaphores);
        Assert.NotEqual(0UL, hit.SemaphoreOffset);
        // and the linked bundle still reads back (fetch-args for kind 6 included)
        var again = BundleReader.Read(BundleWriter.Write(model));
        Assert.Equal(model.Events[0].FetchArgs, again.Events[0].FetchArgs);
    }

    [Fact]
    public void AGlobGivesOneEventPerMarkerWithTheSameHandler()
    {
        var model = Compile("trace sdt:/tmp/app:ktap_test:* { print(arg1) }");
        var (errors, linker) = Link(model);
        Assert.Empty(errors);
        Assert.Equal(["sdt:/tmp/app:ktap_test:hit", "sdt:/tmp/app:ktap_test:tick"], model.Events.Select(e => e.Spec).Order());
        Assert.Single(model.Events.Select(e => e.Handler).Distinct());
        var hitIndex = model.Events.FindIndex(e => e.Spec.EndsWith(":hit"));
        Assert.Equal(hitIndex, Assert.Single(linker.Semaphores).Event);
    }

    [Fact]
    public void AnUnknownMarkerGetsADidYouMean()
    {
        var (errors, _) = Link(Compile("trace sdt:/tmp/app:tik { }"));
        Assert.Equal(["sdt:/tmp/app:tik: /tmp/app has no USDT marker 'tik' (did you mean 'tick'?) (ktap list sdt:/tmp/app shows its 2 markers)"], errors);
        (errors, _) = Link(Compile("trace sdt:/tmp/app:other:tick { }"));
        Assert.StartsWith("sdt:/tmp/app:other:tick: /tmp/app has no USDT marker 'other:tick'", Assert.Single(errors));
    }

    [Fact]
    public void AFileWithoutMarkersSaysSo()
    {
        var (errors, _) = Link(Compile("trace sdt:/bin/true:tick { }"), ElfSymbolsTests.Build("gcc", "-static"));
        Assert.Equal(["sdt:/bin/true:tick: /bin/true has no USDT markers (no .note.stapsdt section: built without <sys/sdt.h> probes, or stripped of them)"], errors);
    }

    [Fact]
    public void AnArgumentTheBundleCannotReadNamesTheMarkerTheArgumentAndTheSpec()
    {
        // -O1 on i686 keeps the 64-bit argument in a register pair: the note names one half.
        var program = SdtProgram.Build("i686-linux-gnu-gcc", "-O1");
        var spec = new ElfSymbols(program, "t").SdtMarkers.Single(m => m.Name == "tick").Arguments[1];
        Assert.Matches("^-8@%e[a-z]{2}$", spec);
        var (errors, _) = Link(Compile("trace sdt:/tmp/app:tick { }", "x86"), program);
        Assert.Equal([$"sdt:/tmp/app:tick: marker ktap_test:tick of /tmp/app: argument 2 ('{spec}') cannot be read on x86: a 64-bit value in a 32-bit register: the other half is in a register the note does not name"], errors);
    }

    [Fact]
    public void AMarkerInThumbCodeIsRefusedWithTheReason()
    {
        var program = SdtProgram.Build("arm-linux-gnueabihf-gcc", thumb: true);
        var (errors, _) = Link(Compile("trace sdt:/tmp/app:tick { }", "arm-v7"), program);
        Assert.Equal(["sdt:/tmp/app:tick: marker ktap_test:tick of /tmp/app is in Thumb code, which the kernel's arm uprobes cannot probe (its 32-bit breakpoint would overwrite the next instruction): build that code with -marm"], errors);
        (errors, _) = Link(Compile("trace sdt:/tmp/app:tick { }", "arm-v7"), SdtProgram.Build("arm-linux-gnueabihf-gcc"));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("sdt:/bin/app:mark", "/bin/app", null, "mark")]
    [InlineData("sdt:/bin/app:prov:mark*", "/bin/app", "prov", "mark*")]
    [InlineData("sdt:/usr/lib/libx.so.1:p:m", "/usr/lib/libx.so.1", "p", "m")]
    public void ThePatternIsTheMarkerAfterThePathWithAnOptionalProvider(string spec, string path, string? provider, string marker) =>
        Assert.Equal((provider, marker), SdtLinker.Pattern(spec, path));
}
