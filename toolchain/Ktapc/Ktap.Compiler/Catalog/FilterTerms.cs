using System.Text.RegularExpressions;

namespace Ktap.Catalog;

/// <summary>One `FIELD OP VALUE` comparison of a /FILTER/; <see cref="IsString"/> as the
/// kernel's filter reads the value (runtime/ktapvm/kernel/filter.c): quoted, or a bare word
/// that is not an integer.</summary>
public sealed record FilterTerm(string Field, string Op, string Value, bool IsString);

/// <summary>
/// The comparisons of a filter, for the link-time check of its fields against an event's
/// format. The grammar itself was checked when the script compiled (FilterChecker); text
/// this does not read as a comparison is simply not reported here.
/// </summary>
public static partial class FilterTerms
{
    // A quoted string on its own is skipped whole, so "a == b" inside one is not a term.
    [GeneratedRegex("""
        "[^"]*"|(?<field>[A-Za-z0-9_]+)\s*(?<op>==|!=|<=|>=|<|>|&(?!&)|~)\s*(?<value>"[^"]*"|[^\s()&|"]+)
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Term();

    // kstrtoll with base 0: optional sign, decimal, 0x hex or 0 octal, nothing else.
    [GeneratedRegex("^[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")]
    private static partial Regex Integer();

    public static IReadOnlyList<FilterTerm> Parse(string filter) =>
        Term().Matches(filter).Where(m => m.Groups["field"].Success).Select(m =>
        {
            var value = m.Groups["value"].Value;
            var quoted = value.StartsWith('"');
            return new FilterTerm(m.Groups["field"].Value, m.Groups["op"].Value,
                quoted ? value[1..^1] : value, quoted || !Integer().IsMatch(value));
        }).ToList();

    /// <summary>The task's fields every event has in a filter (tracefs's generic fields;
    /// filter.c's kt_task_fields): true for the string one.</summary>
    public static readonly IReadOnlyDictionary<string, bool> TaskFields = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["comm"] = true, ["COMM"] = true, ["cpu"] = false, ["CPU"] = false, ["common_cpu"] = false, ["common_pid"] = false,
    };
}

/// <summary>What a filter can compare a field of a format file with.</summary>
public enum FieldValueKind { Number, String, Pointer, Other }

public static class FieldKinds
{
    /// <summary>As the module reads a format field (tracepoint.c): char arrays and
    /// __data_loc char[] are strings, pointers are numbers the filter cannot follow, other
    /// scalars numbers, anything else (arrays of numbers, structs) unreadable.</summary>
    public static FieldValueKind Of(string declaration)
    {
        var d = declaration.Trim();
        if (d.StartsWith("__data_loc", StringComparison.Ordinal))
            return d.Contains("char", StringComparison.Ordinal) ? FieldValueKind.String : FieldValueKind.Other;
        if (d.Contains('[')) return d.Contains("char", StringComparison.Ordinal) ? FieldValueKind.String : FieldValueKind.Other;
        return d.Contains('*') ? FieldValueKind.Pointer : FieldValueKind.Number;
    }
}
