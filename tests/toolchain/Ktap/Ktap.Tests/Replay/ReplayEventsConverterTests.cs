using Ktap.Replay;
using K = Ktap.Replay.ReplayStream.ItemKind;

namespace Ktap.Tests.Replay;

/// <summary>The replay file's JSON lines, read by System.Text.Json, as the runner's stream.</summary>
public sealed class ReplayEventsConverterTests
{
    private static (List<StreamEvent> Events, ReplayLineError? Error) Convert(params string[] lines)
    {
        using var ms = new MemoryStream();
        var error = ReplayEventsConverter.Convert(lines, ms);
        return (ReplayStreamReader.Events(ms.ToArray()), error);
    }

    [Fact]
    public void ALineWithoutCpuIsValidAndGetsTheDefaults()
    {
        // issue 12: the C reader refused exactly this line ("cpu" must be 0..255)
        var (evs, err) = Convert("""{"event":"syscalls:sys_exit_read","ts":500,"pid":1000,"tid":1000,"comm":"app","fields":{"ret":100}}""");
        Assert.Null(err);
        var e = Assert.Single(evs);
        Assert.Equal((1, 500UL, 1000L, 1000L, 0L, 0U, (ReplayStream.Flags)0), (e.Line, e.Ts, e.Pid, e.Tid, e.Uid, e.Cpu, e.Flags));
        Assert.Equal([(K.Event, "syscalls:sys_exit_read", "", 0L), (K.Comm, "", "app", 0L), (K.FieldNumber, "ret", "", 100L)], e.Items);
    }

    [Fact]
    public void TidDefaultsToPidAndCommToEmpty()
    {
        var e = Assert.Single(Convert("""{"event":"a:b","ts":1,"pid":7}""").Events);
        Assert.Equal((7L, 7L), (e.Pid, e.Tid));
        Assert.Equal([(K.Event, "a:b", "", 0L)], e.Items);
    }

    [Fact]
    public void EverythingElseIsCarriedInOrder()
    {
        var (evs, err) = Convert(
            "# a comment, then an empty line",
            "",
            """{"event":"kprobe:vfs_read","addr":"0xffffffff81234560","ts":3,"cpu":2,"pid":1,"tid":2,"uid":1000,"comm":"a-very-long-command-name","in_interrupt":1,"in_iowait":true,"fields":{"z":-5,"s":"x","n":null},"stack":["f+0x1","g"],"strings":{"4096":"/etc/passwd","0x10":"hex"}}""");
        Assert.Null(err);
        var e = Assert.Single(evs);
        Assert.Equal((3, 0xffffffff81234560UL, 2U, 1000L), (e.Line, e.Addr, e.Cpu, e.Uid));
        Assert.Equal(ReplayStream.Flags.InInterrupt | ReplayStream.Flags.InIowait | ReplayStream.Flags.HasAddr, e.Flags);
        Assert.Equal([(K.Event, "kprobe:vfs_read", "", 0L), (K.Comm, "", "a-very-long-com", 0L),
            (K.FieldNumber, "z", "", -5L), (K.FieldString, "s", "x", 0L), (K.FieldNil, "n", "", 0L),
            (K.Stack, "f+0x1", "", 0L), (K.Stack, "g", "", 0L), (K.StringAt, "", "/etc/passwd", 4096L), (K.StringAt, "", "hex", 16L)], e.Items);
    }

    [Theory]
    [InlineData("""{"event":"a:b","ts":1,"cpu":256}""", "\"cpu\" must be 0..255, not 256")]
    [InlineData("""{"event":"a:b","ts":1,"cpu":-1}""", "\"cpu\" must be 0..255, not -1")]
    [InlineData("""{"event":"a:b","ts":1,"cpu":"1"}""", "\"cpu\" must be an integer")]
    [InlineData("""{"event":"a:b","ts":1,"pid":1.5}""", "\"pid\" must be an integer")]
    [InlineData("""{"event":"a:b","ts":1,"tid":1e3}""", "\"tid\" must be an integer")]
    [InlineData("""{"event":"a:b","ts":-1}""", "missing or bad \"ts\" (nanoseconds, a non-negative integer)")]
    [InlineData("""{"event":"a:b"}""", "missing or bad \"ts\" (nanoseconds, a non-negative integer)")]
    [InlineData("""{"ts":1}""", "missing \"event\" (a string such as \"sched:sched_switch\")")]
    [InlineData("""[1]""", "an event is a JSON object")]
    [InlineData("""{"event":"a:b","ts":1,"comm":5}""", "\"comm\" must be a string")]
    [InlineData("""{"event":"a:b","ts":1,"in_interrupt":2}""", "\"in_interrupt\" must be 0 or 1 (or false/true)")]
    [InlineData("""{"event":"a:b","ts":1,"fields":{"x":true}}""", "field \"x\" must be an integer (-2^63..2^63-1), a string or null, not a boolean")]
    [InlineData("""{"event":"a:b","ts":1,"fields":{"x":18446744073709551615}}""", "field \"x\" must be an integer (-2^63..2^63-1), a string or null, not 18446744073709551615")]
    [InlineData("""{"event":"a:b","ts":1,"fields":[1]}""", "\"fields\" must be an object of at most 32 fields")]
    [InlineData("""{"event":"kprobe:f","ts":1,"addr":"nowhere"}""", "\"addr\" must be an integer or an address string such as \"0xffffffff81234560\"")]
    [InlineData("""{"event":"a:b","ts":1,"stack":[1]}""", "\"stack\" entries must be symbol names (non-empty strings)")]
    [InlineData("""{"event":"a:b","ts":1,"strings":{"x":"y"}}""", "\"strings\": key \"x\" must be an address (decimal or 0x hex), its value a string")]
    [InlineData("""{"event":"a:b","ts":1,"ts":2}""", "\"ts\" appears twice")]
    public void WrongTypesAndRangesNameTheKey(string line, string message)
    {
        var (evs, err) = Convert("""{"event":"a:b","ts":0}""", line, """{"event":"a:b","ts":5}""");
        Assert.Equal(new ReplayLineError(2, null, message), err);
        Assert.Single(evs); // the line before the bad one is written; nothing after it
    }

    [Fact]
    public void MalformedJsonGivesLineAndColumn()
    {
        var (_, err) = Convert("""{"event":"a:b","ts":1,}""");
        Assert.NotNull(err);
        Assert.Equal((1, 23), (err.Line, err.Column));
        Assert.StartsWith("f.jsonl:1:23: ", err.Format("f.jsonl"));
    }

    [Fact]
    public void TooManyFieldsAreRefused()
    {
        var fields = string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"f{i}\":{i}"));
        var (_, err) = Convert("{\"event\":\"a:b\",\"ts\":1,\"fields\":{" + fields + "}}");
        Assert.Equal("\"fields\" must be an object of at most 32 fields", err?.Message);
    }

    [Fact]
    public void ReplayEventsWritesTheStreamOrNamesTheBadLine()
    {
        var dir = Directory.CreateTempSubdirectory("ktap-replay-events-").FullName;
        try
        {
            var good = Path.Combine(dir, "good.jsonl");
            File.WriteAllText(good, "{\"event\":\"a:b\",\"ts\":1,\"pid\":3}\n");
            var e = new StringWriter();
            Assert.Equal(ExitCodes.Success, Ktap.Tool.Commands.ReplayEventsCommand.Run(good, Path.Combine(dir, "good.krs"), e));
            Assert.Equal(3L, Assert.Single(ReplayStreamReader.Events(File.ReadAllBytes(Path.Combine(dir, "good.krs")))).Pid);
            var bad = Path.Combine(dir, "bad.jsonl");
            File.WriteAllText(bad, "{\"event\":\"a:b\",\"ts\":1,\"cpu\":300}\n");
            Assert.Equal(ExitCodes.EventsInvalid, Ktap.Tool.Commands.ReplayEventsCommand.Run(bad, Path.Combine(dir, "bad.krs"), e));
            Assert.Equal($"ktap: {bad}:1: \"cpu\" must be 0..255, not 300\n", e.ToString().Replace("\r", ""));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
