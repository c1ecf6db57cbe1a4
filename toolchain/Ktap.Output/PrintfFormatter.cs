using System.Globalization;
using System.Text;

namespace Ktap.Output;

/// <summary>A printf format that cannot be applied to its values.</summary>
public sealed class PrintfException(string message) : Exception(message);

/// <summary>
/// C printf for ktap's conversions: %d %i %u %x %X %o %c %s %p %%, flags - 0 + (and space, #),
/// width, precision; values are 64-bit integers. Formatting happens here, on the host.
/// A number conversion given a statistics cell uses its count; given anything else that is
/// not a number, it prints the value as print would (the board cannot abort for it).
/// </summary>
public static class PrintfFormatter
{
    /// <param name="escape">Applied to each converted value (board-supplied text on a terminal: <see cref="TerminalText.Output"/>).</param>
    public static string Format(byte[] format, IReadOnlyList<RecordValue> values, Func<string, string>? escape = null)
    {
        var sb = new StringBuilder();
        string fmt = Encoding.UTF8.GetString(format);
        int vi = 0, i = 0;
        while (i < fmt.Length)
        {
            char ch = fmt[i++];
            if (ch != '%') { sb.Append(ch); continue; }
            if (i < fmt.Length && fmt[i] == '%') { sb.Append('%'); i++; continue; }
            bool left = false, zero = false, plus = false, space = false, alt = false;
            for (; i < fmt.Length; i++)
            {
                char f = fmt[i];
                if (f == '-') left = true;
                else if (f == '0') zero = true;
                else if (f == '+') plus = true;
                else if (f == ' ') space = true;
                else if (f == '#') alt = true;
                else break;
            }
            int width = 0, precision = -1;
            width = Number(fmt, ref i, "width");
            if (i < fmt.Length && fmt[i] == '.')
            {
                i++;
                precision = 0;
                precision = Number(fmt, ref i, "precision");
            }
            while (i < fmt.Length && (fmt[i] == 'l' || fmt[i] == 'h')) i++;
            if (i >= fmt.Length) throw new PrintfException("format ends inside a conversion");
            char conv = fmt[i++];
            if (vi >= values.Count) throw new PrintfException($"format has more conversions than the {values.Count} values");
            var v = values[vi++];
            var text = Convert(conv, v, left, zero, plus, space, alt, width, precision);
            sb.Append(escape is null ? text : escape(text));
        }
        if (vi != values.Count) throw new PrintfException($"format has {vi} conversions for {values.Count} values");
        return sb.ToString();
    }

    // A width or precision; the format may come from the board (dynamic printf, a bundle
    // from disk), so it is bounded before it can ask for a huge padding string.
    private static int Number(string fmt, ref int i, string what)
    {
        var n = 0;
        while (i < fmt.Length && char.IsAsciiDigit(fmt[i]))
        {
            n = n * 10 + (fmt[i++] - '0');
            if (n > HostLimits.PrintfWidth) throw new PrintfException($"printf {what} over the limit of {HostLimits.PrintfWidth}");
        }
        return n;
    }

    private static string Convert(char conv, RecordValue v, bool left, bool zero, bool plus, bool space, bool alt,
        int width, int precision)
    {
        if (conv == 's')
        {
            string s = ValueText.Of(v);
            if (precision >= 0 && s.Length > precision) s = s[..precision];
            return Pad(s, width, left, false);
        }
        if (conv == 'c')
        {
            string s = v.Tag == ValueTag.Number ? ((char)(byte)v.Number).ToString() : ValueText.Of(v);
            return Pad(s, width, left, false);
        }
        long n;
        if (v.Tag == ValueTag.Number) n = v.Number;
        else if (v.Tag == ValueTag.Statistics) n = v.Count;
        else return Pad(ValueText.Of(v), width, left, false);

        string digits, prefix = "";
        switch (conv)
        {
            case 'd':
            case 'i':
                digits = n < 0 ? ((ulong)(-(n + 1)) + 1UL).ToString(CultureInfo.InvariantCulture) : n.ToString(CultureInfo.InvariantCulture);
                prefix = n < 0 ? "-" : plus ? "+" : space ? " " : "";
                break;
            case 'u': digits = ((ulong)n).ToString(CultureInfo.InvariantCulture); break;
            case 'x': digits = ((ulong)n).ToString("x", CultureInfo.InvariantCulture); if (alt && n != 0) prefix = "0x"; break;
            case 'X': digits = ((ulong)n).ToString("X", CultureInfo.InvariantCulture); if (alt && n != 0) prefix = "0X"; break;
            case 'o': digits = System.Convert.ToString(n, 8); if (alt && digits[0] != '0') digits = "0" + digits; break;
            case 'p': digits = ((ulong)n).ToString("x", CultureInfo.InvariantCulture); prefix = "0x"; break;
            default: throw new PrintfException($"unknown conversion %{conv}");
        }
        if (precision >= 0)
        {
            if (precision == 0 && n == 0 && conv != 'p') digits = "";
            if (digits.Length < precision) digits = new string('0', precision - digits.Length) + digits;
            zero = false; // C: a precision turns the 0 flag off for integers
        }
        if (zero && !left && prefix.Length + digits.Length < width)
            digits = new string('0', width - prefix.Length - digits.Length) + digits;
        return Pad(prefix + digits, width, left, false);
    }

    private static string Pad(string s, int width, bool left, bool _) =>
        s.Length >= width ? s : left ? s + new string(' ', width - s.Length) : new string(' ', width - s.Length) + s;
}
