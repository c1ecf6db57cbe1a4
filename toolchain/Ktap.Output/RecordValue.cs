namespace Ktap.Output;

// ValueTag is generated from ktap_record_format.def (RecordFormat.g.cs).

/// <summary>One frame of a stack value: the address and its symbol as the board named it.</summary>
public sealed record StackFrame(ulong Address, string Symbol);

/// <summary>A script value as carried by an output record.</summary>
public sealed record RecordValue(ValueTag Tag, long Number = 0, byte[]? Bytes = null,
    long Count = 0, long Sum = 0, long Min = 0, long Max = 0, IReadOnlyList<StackFrame>? Frames = null)
{
    public static readonly RecordValue Nil = new(ValueTag.Nil);
    public static RecordValue Num(long n) => new(ValueTag.Number, n);
    public static RecordValue Str(string s) => new(ValueTag.String, Bytes: System.Text.Encoding.UTF8.GetBytes(s));
    public string Text => Bytes is null ? "" : System.Text.Encoding.UTF8.GetString(Bytes);
}
