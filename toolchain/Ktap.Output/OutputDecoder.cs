using System.Text;
using System.Text.Json;
using Ktap.Bundle;
using SummaryBody = Ktap.Output.RecordLayout.SummaryBody;

namespace Ktap.Output;

public enum OutputFormat { Text, Json }

/// <summary>
/// Turns the VM's record stream into text (ktap's formatting) or JSON lines
/// (docs/output-json.md), using the format table of the bundle that produced it.
/// Script output goes to <c>output</c>; runtime errors and the session summary to <c>diagnostics</c>
/// in text mode, and everything to <c>output</c> in JSON mode.
/// </summary>
public sealed class OutputDecoder(BundleModel bundle)
{
    // the summary's budget hits are one per LIMITS key, in key order (ktap_record_format.def)
    private static readonly LimitKey[] Budgets = Enum.GetValues<LimitKey>().OrderBy(k => k).ToArray();
    private static readonly string[] AnsiNames = { "", "clear_screen", "set_color", "reset_color", "new_line" };

    public BundleModel Bundle { get; } = bundle;

    /// <summary>
    /// Whether the bundle's printf formats are the user's own text (the host compiled the
    /// script in this run). A bundle read from a file is untrusted input like the board:
    /// then text output escapes control characters of the format text too.
    /// </summary>
    public bool TrustedFormats { get; init; }
    /// <summary>
    /// Whether ansi records (clear_screen, set_color, reset_color) write their escape
    /// sequences. Off when the output is not a terminal: a pipe or file gets the text alone.
    /// </summary>
    public bool Colour { get; init; } = true;

    /// <summary>Colour belongs on an interactive terminal only (and never with NO_COLOR set, no-color.org).</summary>
    public static bool TerminalColour(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public bool BigEndian => Bundle.Target.ByteOrder == Ktap.Profiles.ByteOrder.Big;

    /// <summary>The board's kernel symbols, when the host has them: stack frames and address keys print as symbol+0xoff (<see cref="AddressNaming"/>).</summary>
    public IAddressNames? Names { get; set; }

    /// <summary>Names of user code (the ELF symbols of the session's executables): user stack frames print as symbol+0xoff.</summary>
    public IAddressNames? UserNames { get; set; }

    /// <summary>The board's event formats: `argevent` of a tracepoint prints as ftrace's trace file shows it (<see cref="Events.EventLines"/>).</summary>
    public Events.IEventLines? EventLines { get; set; }
    private string Source => Bundle.SourceName ?? "<script>";
    private string SafeSource => TerminalText.Quote(Source);

    /// <summary>Decodes the whole stream; returns the summary record if the stream had one.</summary>
    public SummaryRecord? Decode(byte[] records, OutputFormat format, TextWriter output, TextWriter diagnostics)
    {
        SummaryRecord? summary = null;
        foreach (var r in RecordReader.ReadAll(records, BigEndian))
        {
            if (r is SummaryRecord s) summary = s;
            if (format == OutputFormat.Json) output.Write(Json(r) + "\n");
            else Text(r, output, diagnostics);
        }
        return summary;
    }

    public void Text(Record r, TextWriter output, TextWriter diagnostics)
    {
        r = Events.EventNaming.Apply(AddressNaming.Apply(r, Names, UserNames), EventLines);
        switch (r)
        {
            case ErrorRecord e:
                diagnostics.Write($"{SafeSource}:{e.Line}: runtime error: {TerminalText.Quote(e.Message)}\n");
                break;
            case SummaryRecord s:
                if (s.Lost > 0) diagnostics.Write($"ktap: {s.Lost} output records lost\n");
                if (s.RuntimeErrors > 0) diagnostics.Write($"ktap: {s.RuntimeErrors} runtime errors\n");
                for (int i = 0; i < s.BudgetHits.Count && i < Budgets.Length; i++)
                    if (s.BudgetHits[i] > 0) diagnostics.Write($"ktap: budget '{BundleLayout.Meaning(Budgets[i])}' hit {s.BudgetHits[i]} times\n");
                if (s.SkippedReentry > 0) diagnostics.Write($"ktap: {s.SkippedReentry} nested handler runs skipped\n");
                break;
            default:
                output.Write(RenderText(r, terminal: true));
                break;
        }
    }

    /// <summary>
    /// The text a script output record prints (print, printf, histograms, ansi, backtrace).
    /// With <paramref name="terminal"/> every board-supplied character that could steer a
    /// terminal is escaped (<see cref="TerminalText"/>); only ansi records and the host's own
    /// layout, and the format text of a bundle compiled in this run, stay as they are. JSON
    /// keeps the raw text (its writer escapes control characters).
    /// </summary>
    public string RenderText(Record r, bool terminal = false)
    {
        Func<string, string>? escape = terminal ? TerminalText.Output : null;
        string Safe(string text) => terminal ? TerminalText.Output(text) : text;
        return r switch
        {
            PrintRecord or HistogramRecord or BucketRecord or BacktraceRecord => Safe(Layout(r)),
            PrintfRecord p => TrustedFormats
                ? PrintfFormatter.Format(FormatBytes(p.FormatIndex), p.Values, escape)
                : Safe(PrintfFormatter.Format(FormatBytes(p.FormatIndex), p.Values)),
            DynamicPrintfRecord d => d.Values.Count > 0 && d.Values[0].Tag == ValueTag.String
                ? Safe(PrintfFormatter.Format(d.Values[0].Bytes!, d.Values.Skip(1).ToList()))
                : throw new PrintfException("printf format is not a string"),
            AnsiRecord a => Ansi(a),
            _ => "",
        };
    }

    private string Layout(Record r) => r switch
    {
        PrintRecord p => string.Join("\t", p.Values.Select(ValueText.Of)) + "\n",
        HistogramRecord h => HistogramText.Histogram(h),
        BucketRecord b => HistogramText.Buckets(b),
        // a stack of user code has no kernel frames: nothing to print, not an empty line
        BacktraceRecord b => b.Stack.Frames is { Count: > 0 } ? ValueText.Stack(b.Stack) + "\n" : "",
        AnsiRecord a => Ansi(a),
        _ => "",
    };

    private byte[] FormatBytes(int index)
    {
        if (index < 0 || index >= Bundle.Formats.Count || Bundle.Formats[index].Format is null)
            throw new RecordFormatException($"printf record names format {index}, the bundle has {Bundle.Formats.Count}", 0);
        return Bundle.Formats[index].Format!;
    }

    private string Ansi(AnsiRecord a) => a.Code switch
    {
        1 when Colour => "\u001b[H\u001b[2J",
        2 when Colour => "\u001b[" + string.Join(";", a.Args) + "m",
        3 when Colour => "\u001b[0m",
        4 => "\n",
        _ => "",
    };

    /// <summary>One JSON line; <paramref name="timeNs"/> (`ktap run -T`): the record's time, as the number field time_ns.</summary>
    public string Json(Record r, ulong? timeNs = null)
    {
        r = Events.EventNaming.Apply(AddressNaming.Apply(r, Names, UserNames), EventLines);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            switch (r)
            {
                case PrintRecord p:
                    w.WriteString("type", "print");
                    Values(w, p.Values);
                    w.WriteString("text", RenderText(r));
                    break;
                case PrintfRecord p:
                    w.WriteString("type", "printf");
                    w.WriteNumber("format", p.FormatIndex);
                    if (p.FormatIndex >= 0 && p.FormatIndex < Bundle.Formats.Count) w.WriteNumber("line", Bundle.Formats[p.FormatIndex].Line);
                    Values(w, p.Values);
                    w.WriteString("text", RenderText(r));
                    break;
                case DynamicPrintfRecord d:
                    w.WriteString("type", "printf");
                    Values(w, d.Values.Skip(1).ToList());
                    w.WriteString("text", RenderText(r));
                    break;
                case ErrorRecord e:
                    w.WriteString("type", "error");
                    w.WriteNumber("code", e.Code);
                    w.WriteString("file", Source);
                    w.WriteNumber("line", e.Line);
                    w.WriteString("function", FunctionName(e.Function));
                    w.WriteString("message", e.Message);
                    break;
                case HistogramRecord h:
                    w.WriteString("type", "histogram");
                    w.WriteNumber("sum", h.Sum);
                    w.WriteNumber("entries", h.Total);
                    w.WriteStartArray("rows");
                    foreach (var (key, count) in h.Rows)
                    {
                        w.WriteStartObject();
                        w.WritePropertyName("key");
                        Value(w, key);
                        w.WriteNumber("count", count);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    break;
                case BucketRecord b:
                    w.WriteString("type", b.Type == RecordKind.Hist ? "hist" : "lhist");
                    if (b.Key is { } bk) { w.WritePropertyName("key"); Value(w, bk); }
                    if (b.Type == RecordKind.Lhist) { w.WriteNumber("min", b.Min); w.WriteNumber("max", b.Max); w.WriteNumber("step", b.Step); }
                    w.WriteStartArray("counts");
                    foreach (var c in b.Counts) w.WriteNumberValue(c);
                    w.WriteEndArray();
                    break;
                case BacktraceRecord bt:
                    w.WriteString("type", "backtrace");
                    w.WritePropertyName("stack");
                    Value(w, bt.Stack);
                    break;
                case AnsiRecord a:
                    w.WriteString("type", "ansi");
                    w.WriteString("op", a.Code > 0 && a.Code < AnsiNames.Length ? AnsiNames[a.Code] : "unknown");
                    w.WriteStartArray("args");
                    foreach (var x in a.Args) w.WriteNumberValue(x);
                    w.WriteEndArray();
                    break;
                case SummaryRecord s:
                    w.WriteString("type", "summary");
                    w.WriteNumber(SummaryBody.JsonLost, s.Lost);
                    w.WriteNumber(SummaryBody.JsonRuntimeErrors, s.RuntimeErrors);
                    w.WriteNumber(SummaryBody.JsonSkippedReentry, s.SkippedReentry);
                    w.WriteNumber(SummaryBody.JsonHandlerRuns, s.HandlerRuns);
                    w.WriteStartObject(SummaryBody.JsonBudgetHits);
                    for (int i = 0; i < Budgets.Length && i < s.BudgetHits.Count; i++) w.WriteNumber(BundleLayout.SummaryKey(Budgets[i]), s.BudgetHits[i]);
                    w.WriteEndObject();
                    w.WriteNumber(SummaryBody.JsonMemoryPeak, s.MemoryPeak);
                    if (s.ExitCode is long code) w.WriteNumber(SummaryBody.JsonExitCode, code);
                    break;
                case TimeRecord t:
                    w.WriteString("type", "time");
                    w.WriteNumber("time_ns", t.Nanoseconds);
                    break;
            }
            if (timeNs is { } ns) w.WriteNumber("time_ns", ns);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private string FunctionName(int index)
    {
        if (index < 0 || index >= Bundle.Functions.Count) return "?";
        var f = Bundle.Functions[index];
        if (f.Name is int n) return Bundle.Strings.GetText(n);
        return (f.Flags & FunctionFlags.Main) != 0 ? "main" : (f.Flags & FunctionFlags.Handler) != 0 ? "handler" : "anonymous";
    }

    private static void Values(Utf8JsonWriter w, IReadOnlyList<RecordValue> values)
    {
        w.WriteStartArray("values");
        foreach (var v in values) Value(w, v);
        w.WriteEndArray();
    }

    private static void Value(Utf8JsonWriter w, RecordValue v)
    {
        switch (v.Tag)
        {
            case ValueTag.Nil: w.WriteNullValue(); break;
            case ValueTag.False: w.WriteBooleanValue(false); break;
            case ValueTag.True: w.WriteBooleanValue(true); break;
            case ValueTag.Number: w.WriteNumberValue(v.Number); break;
            case ValueTag.String: w.WriteStringValue(v.Text); break;
            case ValueTag.Statistics:
                w.WriteStartObject();
                w.WriteNumber("count", v.Count); w.WriteNumber("sum", v.Sum);
                w.WriteNumber("min", v.Min); w.WriteNumber("max", v.Max);
                w.WriteEndObject();
                break;
            case ValueTag.Stack: case ValueTag.UserStack:
                w.WriteStartObject();
                w.WriteStartArray(v.Tag == ValueTag.UserStack ? "ustack" : "stack");
                foreach (var f in v.Frames ?? Array.Empty<StackFrame>())
                {
                    w.WriteStartObject();
                    w.WriteString("address", $"0x{f.Address:x}");
                    w.WriteString("symbol", f.Symbol);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case ValueTag.Event:
                w.WriteStartObject(); w.WriteString("event", v.Text); w.WriteEndObject();
                break;
            default:
                w.WriteStartObject(); w.WriteString(v.Tag.ToString().ToLowerInvariant(), ValueText.Of(v)); w.WriteEndObject();
                break;
        }
    }
}
