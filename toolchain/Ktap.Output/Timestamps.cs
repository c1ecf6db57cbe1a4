using System.Globalization;
using System.Text;

namespace Ktap.Output;

/// <summary>
/// `ktap run -T`: each output line starts with the time of the record that wrote it, as
/// seconds.microseconds since the session started, the layout of ftrace and `perf script`
/// ("%5lu.%06lu: "), so the columns stay aligned for a day and a trace reads like theirs.
/// Every line of a record gets the prefix (a histogram's rows too: grep and sort keep their
/// time); text that continues a line another record began (printf without a newline) does
/// not start a line, so it gets none. Ansi records (colours, clear_screen) print no line of
/// their own: <see cref="Pass"/> keeps track of their newlines without adding a prefix.
/// </summary>
public sealed class TimestampPrefixer
{
    private bool _lineStart = true;

    /// <summary>The prefix for a record written <paramref name="nanoseconds"/> after the session started.</summary>
    public static string Format(ulong nanoseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000_000,5}.{nanoseconds % 1_000_000_000 / 1000:D6}: ");

    /// <summary>The record's text with the prefix at the start of each line it begins.</summary>
    public string Apply(string text, ulong nanoseconds)
    {
        if (text.Length == 0) return text;
        var prefix = Format(nanoseconds);
        var sb = new StringBuilder(text.Length + prefix.Length);
        foreach (var ch in text)
        {
            if (_lineStart) { sb.Append(prefix); _lineStart = false; }
            sb.Append(ch);
            if (ch == '\n') _lineStart = true;
        }
        return sb.ToString();
    }

    /// <summary>Text written as it is (an ansi record): only where the line now stands is noted.</summary>
    public void Pass(string text)
    {
        if (text.Length > 0) _lineStart = text[^1] == '\n';
    }
}
