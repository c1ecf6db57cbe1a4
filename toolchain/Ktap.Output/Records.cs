namespace Ktap.Output;

// RecordKind is generated from ktap_record_format.def (RecordFormat.g.cs).

public abstract record Record(RecordKind Kind);

/// <summary>print(...): values separated by tabs, then a newline.</summary>
public sealed record PrintRecord(IReadOnlyList<RecordValue> Values) : Record(RecordKind.Print);

/// <summary>printf with the bundle's format <see cref="FormatIndex"/>.</summary>
public sealed record PrintfRecord(int FormatIndex, IReadOnlyList<RecordValue> Values) : Record(RecordKind.Printf);

/// <summary>printf called through a function value: the format is the first value.</summary>
public sealed record DynamicPrintfRecord(IReadOnlyList<RecordValue> Values) : Record(RecordKind.PrintfDynamic);

/// <summary>A runtime error, sent the first time a site fails.</summary>
public sealed record ErrorRecord(int Code, int Function, int Pc, int Line, string Message) : Record(RecordKind.Error);

/// <summary>histogram(t): the largest rows (value order), the sum of all values and the entry count.</summary>
public sealed record HistogramRecord(long Sum, int Total, IReadOnlyList<(RecordValue Key, long Count)> Rows)
    : Record(RecordKind.Histogram);

/// <summary>
/// hist(t) (power-of-two buckets) or lhist(t, min, max, step) (linear buckets): one record for a
/// table's values, or one per key of a ptable (<see cref="Key"/> set, keys in the VM's order).
/// </summary>
public sealed record BucketRecord(RecordKind Type, long Min, long Max, long Step, IReadOnlyList<long> Counts,
    RecordValue? Key = null) : Record(Type);

public sealed record BacktraceRecord(RecordValue Stack) : Record(RecordKind.Backtrace);

/// <summary>ansi.*: Code 1 clear_screen, 2 set_color, 3 reset_color, 4 new_line.</summary>
public sealed record AnsiRecord(int Code, IReadOnlyList<long> Args) : Record(RecordKind.Ansi);

/// <summary>The end-of-session summary.</summary>
public sealed record SummaryRecord(ulong Lost, ulong RuntimeErrors, ulong SkippedReentry, ulong HandlerRuns,
    IReadOnlyList<ulong> BudgetHits, ulong MemoryPeak) : Record(RecordKind.Summary)
{
    /// <summary>The code the script gave exit(code), as given (any int64); null when it gave none.</summary>
    public long? ExitCode { get; init; }

    /// <summary>
    /// The exit status of `ktap run`/`ktap replay` the session asks for (docs/ktap.md, "Exit
    /// codes"): the script's exit code as a shell maps it (its low 8 bits: -1 is 255) when that
    /// is not 0; otherwise 22 when runtime errors were counted; otherwise 0.
    /// </summary>
    public int SessionStatus =>
        ExitCode is long code && ScriptStatus(code) != 0 ? ScriptStatus(code)
        : RuntimeErrors > 0 ? ExitCodes.RuntimeErrors : ExitCodes.Success;

    /// <summary>A script's exit code as a process status: its low 8 bits, as a shell does.</summary>
    public static int ScriptStatus(long code) => (int)(code & 0xff);
}

/// <summary>
/// `ktap run -T`: when the record that follows was written, in nanoseconds from the session's
/// start (the module's reader adds it from the ring buffer's timestamp; the VM never writes it).
/// </summary>
public sealed record TimeRecord(ulong Nanoseconds) : Record(RecordKind.Time);
