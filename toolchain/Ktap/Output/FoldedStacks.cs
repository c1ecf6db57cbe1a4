using System.Text;
using System.Text.RegularExpressions;
using Ktap.Output;

namespace Ktap.Tool.Stacks;

/// <summary>
/// Folds the stacks of a session's output records into Brendan Gregg's folded format
/// ("root;caller;leaf COUNT", one line per distinct stack), the input of flame graphs and
/// speedscope. Which records count (docs/ktap.md, "Flame graphs"):
/// a print/printf record with exactly one stack value adds that stack with the record's one
/// count (its only number, or a statistics value's count; with no number: 1; with more than
/// one: skipped, counted in <see cref="Warnings"/>); a print_backtrace() record adds 1; a
/// histogram() row keyed by a stack adds its count. Frames lose their "+0xoff" so that one
/// function merges into one frame whatever the return address in it; a module's frame keeps
/// its " [module]". Frame names may come from the board (a stack the host could not name):
/// they are untrusted, so ';' and control characters become '?' and a name is cut at
/// <see cref="FrameChars"/>; the count is checked (positive, sums saturate).
/// </summary>
public sealed partial class FoldedStacks
{
    /// <summary>A stack with no kernel frames (user code was running: a uprobe, a sample in user mode).</summary>
    public const string NoKernelFrames = "[no kernel frames]";
    /// <summary>The longest frame name kept (kallsyms names are at most 512 characters).</summary>
    public const int FrameChars = 600;
    /// <summary>Distinct stacks kept; beyond them samples are counted under one "[other stacks]" line.</summary>
    public const int MaxStacks = 200_000;
    public const string OtherStacks = "[other stacks]";

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private int _ambiguous, _partialHistograms, _dropped;
    private long _histogramMissing;

    /// <summary>The sum of every stack's count (saturating).</summary>
    public long Total { get; private set; }
    public int Count => _counts.Count;

    /// <summary>Adds what a decoded record carries; <paramref name="names"/> names the kernel's addresses (null: as the board sent them).</summary>
    public void Add(Record record, IAddressNames? names = null)
    {
        record = AddressNaming.Apply(record, names);
        switch (record)
        {
            case BacktraceRecord b:
                Add(b.Stack.Frames ?? [], 1);
                break;
            case HistogramRecord h:
                int stacks = 0;
                foreach (var (key, count) in h.Rows)
                    if (key.Tag == ValueTag.Stack) { Add(key.Frames ?? [], count); stacks++; }
                if (stacks > 0 && h.Total > h.Rows.Count) { _partialHistograms++; _histogramMissing += h.Total - h.Rows.Count; }
                break;
            case PrintRecord p: Values(p.Values); break;
            case PrintfRecord p: Values(p.Values); break;
            case DynamicPrintfRecord d: Values(d.Values.Skip(1).ToList()); break;
        }
    }

    private void Values(IReadOnlyList<RecordValue> values)
    {
        RecordValue? stack = null;
        int stackCount = 0, counts = 0;
        long count = 1;
        foreach (var v in values)
        {
            if (v.Tag == ValueTag.Stack) { stack = v; stackCount++; }
            else if (v.Tag == ValueTag.Number) { count = v.Number; counts++; }
            else if (v.Tag == ValueTag.Statistics) { count = v.Count; counts++; }
        }
        if (stackCount == 0) return;
        if (stackCount > 1 || counts > 1) { _ambiguous++; return; }
        Add(stack!.Frames ?? [], count);
    }

    /// <summary>Adds one stack, leaf first as the kernel gives it.</summary>
    public void Add(IReadOnlyList<StackFrame> frames, long count)
    {
        if (count <= 0) return; // not a sample (a script's own arithmetic); nothing to draw
        var sb = new StringBuilder();
        if (frames.Count == 0) sb.Append(NoKernelFrames);
        for (int i = frames.Count - 1; i >= 0; i--)
        {
            if (sb.Length > 0) sb.Append(';');
            sb.Append(Frame(frames[i]));
        }
        var key = sb.ToString();
        if (!_counts.ContainsKey(key) && _counts.Count >= MaxStacks) { key = OtherStacks; _dropped++; }
        _counts[key] = Saturate(_counts.GetValueOrDefault(key), count);
        Total = Saturate(Total, count);
    }

    private static long Saturate(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    /// <summary>The folded name of one frame: "symbol" or "symbol [module]", or the address in hex when nothing names it.</summary>
    public static string Frame(StackFrame f)
    {
        var name = f.Symbol.Length > 0 ? f.Symbol : $"0x{f.Address:x}";
        var m = Offset().Match(name);
        if (m.Success) name = m.Groups[1].Value + m.Groups[2].Value;
        if (name.Length > FrameChars) name = name[..FrameChars];
        var sb = new StringBuilder(name.Length);
        foreach (var c in name) sb.Append(c < 0x20 || c is ';' or '\u007f' || char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        return sb.ToString();
    }

    [GeneratedRegex(@"^(.+)\+0x[0-9a-f]+( \[[A-Za-z0-9_.$]+\])?$")]
    private static partial Regex Offset();

    /// <summary>The folded lines, sorted by stack (ordinal): the same stacks always give the same file.</summary>
    public IReadOnlyList<(string Stack, long Count)> Lines() =>
        _counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();

    /// <summary>The folded file's text ("a;b;c COUNT\n" per stack).</summary>
    public string Text()
    {
        var sb = new StringBuilder();
        foreach (var (stack, count) in Lines()) sb.Append(stack).Append(' ').Append(count.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }

    /// <summary>What was left out, for the user (stderr).</summary>
    public IEnumerable<string> Warnings()
    {
        if (_ambiguous > 0)
            yield return $"{_ambiguous} records with a stack were left out of the flame graph: a record counts when it has one stack and at most one number (print(stack, count))";
        if (_partialHistograms > 0)
            yield return $"histogram() sends only its largest rows: {_histogramMissing} stacks of {_partialHistograms} histogram(s) are missing from the flame graph (print every row with for (k, v in pairs(t)) {{ print(k, v) }})";
        if (_dropped > 0)
            yield return $"over {MaxStacks} distinct stacks: {_dropped} more were counted as {OtherStacks}";
    }
}
