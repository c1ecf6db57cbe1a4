namespace Ktap.Output;

/// <summary>Value tags of the record stream (docs/record-format.md).</summary>
public enum ValueTag : byte
{
    Nil = 0, False = 1, True = 2, Number = 3, String = 4, Table = 5, Ptable = 6,
    Statistics = 7, Function = 8, Builtin = 9, Event = 10, Stack = 11,
    /// <summary>A user stack: addresses only, named on the host from the board's ELF files.</summary>
    UserStack = 12,
}

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
