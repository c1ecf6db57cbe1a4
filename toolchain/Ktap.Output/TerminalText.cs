using System.Text;

namespace Ktap.Output;

/// <summary>
/// Makes board-supplied text safe for a terminal, as `ls` and `git` do: control characters
/// (C0 but tab and, where the text is output, newline; DEL; C1) and the bidirectional
/// overrides become visible escapes (\x1b, \u202e), so a board can neither move the cursor,
/// rewrite a line, set a title, plant a link (OSC 8), nor reorder what the user reads.
/// Text that is already safe is returned as it is (no copy).
/// </summary>
public static class TerminalText
{
    /// <summary>Output text (print values, histogram keys): keeps \n and \t.</summary>
    public static string Output(string s) => Escape(s, keepNewline: true);

    /// <summary>One line of a message: newlines are escaped too.</summary>
    public static string Line(string s) => Escape(s, keepNewline: false);

    /// <summary>A line quoted in a message, cut at <see cref="HostLimits.MessageChars"/>.</summary>
    public static string Quote(string s) => Line(s.Length > HostLimits.MessageChars ? s[..HostLimits.MessageChars] + "..." : s);

    public static bool IsUnsafe(char c, bool keepNewline) =>
        (c < ' ' && c != '\t' && !(keepNewline && c == '\n')) || (c >= '\u007f' && c <= '\u009f')
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f';

    public static string Escape(string s, bool keepNewline)
    {
        var i = 0;
        while (i < s.Length && !IsUnsafe(s[i], keepNewline)) i++;
        if (i == s.Length) return s;
        var sb = new StringBuilder(s.Length + 16).Append(s, 0, i);
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (!IsUnsafe(c, keepNewline)) sb.Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c <= '\u00ff') sb.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
