using System.Globalization;
using System.Text;

namespace Ktap.Output;

/// <summary>
/// The histogram layouts. histogram(t) is ktap 0.4's: a "value --- Distribution --- count"
/// header, one row per key (largest first) with a 38-character bar scaled to the sum of all
/// values, at most 19 rows, then "..." when more keys exist. hist/lhist are bucket
/// histograms in bpftrace's style: label, count, and a 52-character bar scaled to the largest.
/// </summary>
public static class HistogramText
{
    private const string Distribution = "------------- Distribution -------------";
    private const int BarWidth = 38;
    private const int ShowRows = 20; // ktap's top-N: N-1 rows printed, "..." after when N or more

    public static string Histogram(HistogramRecord h)
    {
        var sb = new StringBuilder();
        sb.Append(string.Format(CultureInfo.InvariantCulture, "{0,31}{1}{2}\n", "value ", Distribution, " count"));
        int shown = 0;
        foreach (var (key, count) in h.Rows)
        {
            if (shown == ShowRows - 1) break;
            shown++;
            int ratio = Bar(count, h.Sum, BarWidth);
            string dist = new string('@', ratio) + new string(' ', BarWidth - ratio);
            string k = key.Tag is ValueTag.Stack or ValueTag.UserStack ? ValueText.Stack(key).Replace(" => ", "").Replace('\n', ',') : ValueText.Of(key);
            string num = count.ToString(CultureInfo.InvariantCulture).PadRight(7);
            if (key.Tag == ValueTag.String && key.Bytes!.Length > 32)
                sb.Append(k).Append(dist).Append('\n').Append(count.ToString(CultureInfo.InvariantCulture)).Append("\n\n");
            else
                sb.Append(k.PadLeft(31)).Append(" |").Append(dist).Append(num).Append('\n');
        }
        if (shown == ShowRows - 1 && h.Total >= ShowRows)
            sb.Append("...".PadLeft(31)).Append(" |\n");
        return sb.ToString();
    }

    public static string Buckets(BucketRecord b)
    {
        var labels = new List<string>();
        int n = b.Counts.Count;
        for (int i = 0; i < n; i++)
            labels.Add(b.Type == RecordKind.Hist ? Pow2Label(i) : LinearLabel(b, i));
        int first = -1, last = -1;
        for (int i = 0; i < n; i++)
            if (b.Counts[i] != 0) { if (first < 0) first = i; last = i; }
        var sb = new StringBuilder();
        if (first < 0) return "";
        if (b.Key is { } key) // one block per ptable key: "key:", the buckets, a blank line
            sb.Append(KeyText(key)).Append(":\n");
        long max = b.Counts.Max();
        for (int i = first; i <= last; i++)
        {
            int bar = Bar(b.Counts[i], max, HostLimits.BarWidth);
            sb.Append(labels[i].PadRight(16))
              .Append(b.Counts[i].ToString(CultureInfo.InvariantCulture).PadLeft(8))
              .Append(" |").Append(new string('@', bar)).Append(new string(' ', 52 - bar)).Append("|\n");
        }
        if (b.Key is not null) sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>A key on one line: a stack's frames joined by commas, as histogram() prints them.</summary>
    private static string KeyText(RecordValue key) =>
        key.Tag is ValueTag.Stack or ValueTag.UserStack ? ValueText.Stack(key).Replace(" => ", "").Replace('\n', ',') : ValueText.Of(key);

    /// <summary>
    /// value/whole of width, in 0..width: counts come from the board and may be negative or
    /// near long.MaxValue, so the product is taken in 128 bits and the result clamped.
    /// </summary>
    public static int Bar(long value, long whole, int width) =>
        whole <= 0 || value <= 0 ? 0 : (int)Int128.Clamp((Int128)value * width / whole, 0, width);

    /// <summary>Bucket 0: negative values; 1: zero; k >= 2: [2^(k-2), 2^(k-1)).</summary>
    private static string Pow2Label(int i)
    {
        if (i == 0) return "(..., 0)";
        if (i == 1) return "[0]";
        if (i == 2) return "[1]";
        if (i - 2 >= 64) return $"[2^{i - 2}, ...)"; // more buckets than a u64 has bits: only a damaged record
        ulong lo = 1UL << (i - 2), hi = i - 1 >= 64 ? 0 : 1UL << (i - 1);
        return $"[{Size(lo)}, {(hi == 0 ? "..." : Size(hi))})";
    }

    private static string LinearLabel(BucketRecord b, int i)
    {
        int n = b.Counts.Count;
        if (i == 0) return $"(..., {b.Min})";
        if (i == n - 1) return $"[{b.Max}, ...)";
        Int128 lo = b.Min + (Int128)(i - 1) * b.Step, hi = Int128.Min(lo + b.Step, b.Max);
        return $"[{lo}, {hi})";
    }

    private static string Size(ulong v)
    {
        string[] units = { "", "K", "M", "G", "T", "P", "E" };
        int u = 0;
        while (v >= 1024 && v % 1024 == 0 && u < units.Length - 1) { v /= 1024; u++; }
        return v.ToString(CultureInfo.InvariantCulture) + units[u];
    }
}
