namespace Ktap.Text;

/// <summary>
/// A script's text with its line starts, so a character position maps to a 1-based
/// line and column in O(log lines).
/// </summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string fileName, string text)
    {
        FileName = fileName;
        Text = text;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; starts.Add(i + 1); }
            else if (c == '\n' || c == '\r') starts.Add(i + 1);
        }
        _lineStarts = starts.ToArray();
    }

    public string FileName { get; }
    public string Text { get; }
    public int Length => Text.Length;
    public char this[int index] => Text[index];
    public int LineCount => _lineStarts.Length;

    /// <summary>0-based index of the line that holds <paramref name="position"/>.</summary>
    public int GetLineIndex(int position)
    {
        int lo = 0, hi = _lineStarts.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= position) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>1-based line number of a position.</summary>
    public int GetLine(int position) => GetLineIndex(position) + 1;

    /// <summary>1-based (line, column) of a position.</summary>
    public (int Line, int Column) GetLineColumn(int position)
    {
        int line = GetLineIndex(position);
        return (line + 1, position - _lineStarts[line] + 1);
    }

    public string ToString(TextSpan span) => Text.Substring(span.Start, span.Length);
}
