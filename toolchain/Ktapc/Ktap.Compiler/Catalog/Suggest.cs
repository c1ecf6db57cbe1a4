namespace Ktap.Catalog;

/// <summary>"did you mean" for keys, events and fields: the closest candidate by edit distance
/// (optimal string alignment: insert, delete, replace, swap neighbours).</summary>
public static class Suggest
{
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var allowed = Math.Max(1, word.Length / 3);
        foreach (var c in candidates)
        {
            // The distance is at least the length difference: skip far ones unmeasured, so a
            // catalog or ELF file with huge names costs nothing here.
            if (Math.Abs(c.Length - word.Length) > allowed) continue;
            var d = Distance(word, c);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        // Only suggest what is plausibly a typo: at most a third of the word changed.
        return best is not null && bestDistance <= allowed ? best : null;
    }

    public static string DidYouMean(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    public static int Distance(string a, string b)
    {
        var before = new int[b.Length + 1];
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                // A swap of two neighbours counts as one edit ("prot" → "port").
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    cur[j] = Math.Min(cur[j], before[j - 2] + 1);
            }
            (before, prev, cur) = (prev, cur, before);
        }
        return prev[b.Length];
    }
}
