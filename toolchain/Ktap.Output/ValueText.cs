using System.Text;
using Ktap.Bytecode;

namespace Ktap.Output;

/// <summary>How print shows each value (language.md §5).</summary>
public static class ValueText
{
    public static string Of(RecordValue v) => v.Tag switch
    {
        ValueTag.Nil => "nil",
        ValueTag.False => "false",
        ValueTag.True => "true",
        ValueTag.Number => v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValueTag.String or ValueTag.Event => v.Text,
        ValueTag.Table => $"table: 0x{v.Number:x8}",
        ValueTag.Ptable => $"ptable: 0x{v.Number:x8}",
        ValueTag.Statistics => $"count={v.Count} sum={v.Sum} min={v.Min} max={v.Max} avg={Average(v)}",
        ValueTag.Function => $"function: 0x{v.Number:x8}",
        ValueTag.Builtin => "builtin: " + (v.Number >= 0 && v.Number < BuiltinTable.All.Count ? BuiltinTable.All[(int)v.Number].Name : v.Number.ToString()),
        ValueTag.Stack or ValueTag.UserStack => Stack(v),
        _ => "?",
    };

    // The board sends count and sum: long.MinValue / -1 would overflow, Int128 cannot.
    private static long Average(RecordValue v) => v.Count == 0 ? 0 : (long)Int128.Clamp((Int128)v.Sum / v.Count, long.MinValue, long.MaxValue);

    /// <summary>A stack as the kernel prints one: a frame per line, " => symbol".</summary>
    public static string Stack(RecordValue v)
    {
        var sb = new StringBuilder();
        foreach (var f in v.Frames ?? Array.Empty<StackFrame>())
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(" => ").Append(f.Symbol.Length > 0 ? f.Symbol : $"0x{f.Address:x}");
        }
        return sb.ToString();
    }
}
