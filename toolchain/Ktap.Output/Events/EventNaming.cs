namespace Ktap.Output.Events;

/// <summary>Applies <see cref="IEventLines"/> to the event values of a decoded record before it is printed.</summary>
public static class EventNaming
{
    public static Record Apply(Record r, IEventLines? lines)
    {
        if (lines is null) return r;
        return r switch
        {
            PrintRecord p when p.Values.Any(IsEvent) => p with { Values = p.Values.Select(v => Line(v, lines)).ToList() },
            PrintfRecord p when p.Values.Any(IsEvent) => p with { Values = p.Values.Select(v => Line(v, lines)).ToList() },
            DynamicPrintfRecord d when d.Values.Any(IsEvent) => d with { Values = d.Values.Select(v => Line(v, lines)).ToList() },
            _ => r,
        };
    }

    /// <summary>True when a tracepoint's handler may print `argevent` (EVINFO with B = 0): then the print fmts are worth reading.</summary>
    public static bool BundleNeedsLines(Ktap.Bundle.BundleModel model) =>
        model.Events.Any(e => e.Kind == Ktap.Bundle.EventKind.Tracepoint) &&
        model.Functions.Any(f => f.Code.Any(i => Ktap.Bytecode.Instruction.Op(i) == Ktap.Bytecode.Opcode.EVINFO && Ktap.Bytecode.Instruction.B(i) == 0));

    private static bool IsEvent(RecordValue v) => v.Tag == ValueTag.Event;

    private static RecordValue Line(RecordValue v, IEventLines lines) =>
        v.Tag == ValueTag.Event && lines.Line(v.Text) is { } line
            ? v with { Bytes = System.Text.Encoding.UTF8.GetBytes(line) }
            : v;
}
