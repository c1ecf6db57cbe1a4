using Ktap.Bundle;
using Ktap.Compilation;

namespace Ktap.Compiler.Tests.Binding;

/// <summary>`software:NAME:PERIOD` and `hardware:NAME:PERIOD`: the bundle item, and every refusal's exact text.</summary>
public sealed class PerfCounterTests
{
    private static (bool Ok, string Text, BundleModel? Model) Compile(string source)
    {
        var r = KtapCompiler.Compile(new CompileOptions("x86_64", "t.kp", source));
        return (r.Success, string.Join("\n", r.Diagnostics), r.Success ? BundleReader.Read(r.Bundle) : null);
    }

    [Theory]
    [InlineData("software:page-faults:1", EventKind.Software, "page-faults", 1UL)]
    [InlineData("software:cpu-clock:100000", EventKind.Software, "cpu-clock", 100000UL)]
    [InlineData("software:major-faults:1000000000000", EventKind.Software, "major-faults", 1000000000000UL)]
    [InlineData("hardware:cycles:10000", EventKind.Hardware, "cycles", 10000UL)]
    [InlineData("hardware:branch-misses:100", EventKind.Hardware, "branch-misses", 100UL)]
    public void A_perf_event_is_one_item_named_by_its_target_with_the_period_as_value(string spec, EventKind kind, string name, ulong period)
    {
        var (ok, text, model) = Compile($"trace {spec} /comm == \"x\"/ {{ print(cpu()) }}");
        Assert.True(ok, text);
        var e = Assert.Single(model!.Events);
        Assert.Equal((kind, name, period, spec, "comm == \"x\""), (e.Kind, e.Target, e.Value, e.Spec.Split(' ')[0], e.Filter));
        Assert.Empty(e.FetchArgs);
    }

    [Theory]
    [InlineData("trace software:page-fault:1 { }", "KTAP3024", "unknown software event 'page-fault' (did you mean 'page-faults'?) (software events: cpu-clock, task-clock, page-faults, context-switches, cpu-migrations, minor-faults, major-faults)")]
    [InlineData("trace hardware:cycle:10000 { }", "KTAP3024", "unknown hardware event 'cycle' (did you mean 'cycles'?)")]
    [InlineData("trace hardware:page-faults:1 { }", "KTAP3024", "unknown hardware event 'page-faults' (hardware events: cycles, instructions, cache-misses, cache-references, branch-misses)")]
    [InlineData("trace software:page-faults:0 { }", "KTAP3025", "bad period '0' for software:page-faults: expected a whole number of events from 1 to 1000000000000")]
    [InlineData("trace software:page-faults:1000000000001 { }", "KTAP3025", "bad period '1000000000001'")]
    [InlineData("trace software:page-faults:-1 { }", "KTAP3025", "bad period '-1'")]
    [InlineData("trace software:page-faults:1e3 { }", "KTAP3025", "bad period '1e3'")]
    [InlineData("trace software:page-faults:99999999999999999999999 { }", "KTAP3025", "bad period '99999999999999999999999'")]
    [InlineData("trace software:cpu-clock:99999 { }", "KTAP3025", "bad period '99999' for software:cpu-clock: expected a whole number of nanoseconds from 100000 to 1000000000000")]
    [InlineData("trace hardware:cycles:9999 { }", "KTAP3025", "from 10000 to")]
    [InlineData("trace software:page-faults { }", "KTAP3023", "cannot read 'software:page-faults': expected software:NAME:PERIOD, e.g. software:page-faults:1")]
    [InlineData("trace hardware:cycles: { }", "KTAP3023", "expected hardware:NAME:PERIOD, e.g. hardware:cycles:100000")]
    [InlineData("trace software:page-faults:1 x=%di { }", "KTAP3011", "software events take no fetch-args")]
    [InlineData("trace software:page-faults:1 { print(args.address) }", "KTAP2017", "has no field 'address'")]
    public void Refusals_name_the_problem(string source, string code, string text)
    {
        var (ok, all, _) = Compile(source);
        Assert.False(ok);
        Assert.Contains(code, all);
        Assert.Contains(text, all);
    }

    [Fact]
    public void The_table_is_the_runtime_definition()
    {
        // ktap_perf_events.def through the source generator: every name the issue asks for.
        Assert.Equal(["cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults", "major-faults"],
            PerfEventTable.All.Where(e => e.Kind == EventKind.Software).Select(e => e.Name));
        Assert.Equal(["cycles", "instructions", "cache-misses", "cache-references", "branch-misses"],
            PerfEventTable.All.Where(e => e.Kind == EventKind.Hardware).Select(e => e.Name));
    }

    [Theory]
    [InlineData(EventKind.Software, "page-fault", 1UL, "event 0: unknown software event 'page-fault'")]
    [InlineData(EventKind.Hardware, "page-faults", 1UL, "event 0: unknown hardware event 'page-faults'")]
    [InlineData(EventKind.Software, null, 1UL, "event 0: software event without a name")]
    [InlineData(EventKind.Software, "page-faults", 0UL, "event 0: software:page-faults period 0 outside 1..1000000000000")]
    [InlineData(EventKind.Software, "cpu-clock", 99999UL, "event 0: software:cpu-clock period 99999 outside 100000..1000000000000")]
    [InlineData(EventKind.Hardware, "cycles", ulong.MaxValue, "event 0: hardware:cycles period 18446744073709551615 outside 10000..1000000000000")]
    public void The_reader_refuses_a_crafted_item_in_the_C_loaders_words(EventKind kind, string? name, ulong period, string message)
    {
        var (ok, text, model) = Compile("trace software:page-faults:1 { }");
        Assert.True(ok, text);
        model!.Events[0] = model.Events[0] with { Kind = kind, Target = name, Value = period };
        var x = Assert.Throws<BundleFormatException>(() => BundleReader.Read(BundleWriter.Write(model)));
        Assert.Contains(message, x.Message);
    }
}
