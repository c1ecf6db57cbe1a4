using System.Globalization;
using System.Text;

namespace Ktap.Output.Events;

/// <summary>
/// The kernel's vsnprintf as a print fmt uses it (lib/vsprintf.c): flags, width, precision,
/// the length modifiers that decide how many bits of the value print (none: int, h: short,
/// hh: char, l/z/t: the target's word, ll/L/j: 64 bits), %d %i %u %x %X %o %c %s, and %p with
/// its extension letters. Pointers print in hex with 0x (%p's hashing is a kernel privacy
/// measure that the host cannot and need not repeat; %pS prints the address, not the symbol).
/// Values are longs or strings; a mismatch or a malformed format throws FormatException.
/// </summary>
public static class KernelPrintf
{
    private const int MaxWidth = 256; // a board-supplied format must not ask for a huge padding

    public static string Format(string format, IReadOnlyList<object> values, int wordBits)
    {
        var sb = new StringBuilder();
        int vi = 0, i = 0;
        while (i < format.Length)
        {
            char ch = format[i++];
            if (ch != '%') { sb.Append(ch); continue; }
            if (i < format.Length && format[i] == '%') { sb.Append('%'); i++; continue; }
            bool left = false, zero = false, plus = false, space = false, alt = false;
            for (; i < format.Length && "-0+ #".Contains(format[i]); i++)
            {
                switch (format[i]) { case '-': left = true; break; case '0': zero = true; break; case '+': plus = true; break; case ' ': space = true; break; default: alt = true; break; }
            }
            int width = Digits(format, ref i), precision = -1;
            if (i < format.Length && format[i] == '.') { i++; precision = Digits(format, ref i); }
            int bits = 32;
            if (i + 1 < format.Length && format.Substring(i, 2) is "ll" or "hh") { bits = format[i] == 'l' ? 64 : 8; i += 2; }
            else if (i < format.Length && "lhzjtL".Contains(format[i]))
            {
                bits = format[i] switch { 'h' => 16, 'j' or 'L' => 64, _ => wordBits };
                i++;
            }
            if (i >= format.Length) throw new FormatException("format ends inside a conversion");
            char conv = format[i++];
            if (vi >= values.Count) throw new FormatException("more conversions than values");
            var v = values[vi++];
            string text;
            switch (conv)
            {
                case 's':
                    text = v as string ?? throw new FormatException("%s of a number");
                    if (precision >= 0 && text.Length > precision) text = text[..precision];
                    break;
                case 'c':
                    text = ((char)(byte)Number(v)).ToString();
                    break;
                case 'd' or 'i':
                {
                    var n = PrintFmt.Truncate(Number(v), bits, signed: true);
                    text = Sign(n, plus, space) + Digits(Math.Abs((decimal)n).ToString(CultureInfo.InvariantCulture), precision);
                    break;
                }
                case 'u':
                    text = Digits(Unsigned(v, bits).ToString(CultureInfo.InvariantCulture), precision);
                    break;
                case 'x' or 'X':
                {
                    var u = Unsigned(v, bits);
                    text = Digits(u.ToString(conv == 'x' ? "x" : "X", CultureInfo.InvariantCulture), precision);
                    if (alt && u != 0) text = (conv == 'x' ? "0x" : "0X") + text;
                    break;
                }
                case 'o':
                    text = Digits(Convert.ToString((long)Unsigned(v, bits), 8), precision);
                    if (alt && text[0] != '0') text = "0" + text;
                    break;
                case 'p':
                    while (i < format.Length && char.IsLetterOrDigit(format[i])) i++; // %pS %ps %pI4 %pK ...
                    text = "0x" + Unsigned(v, wordBits).ToString("x", CultureInfo.InvariantCulture);
                    zero = false;
                    break;
                default:
                    throw new FormatException($"conversion %{conv}");
            }
            sb.Append(Pad(text, width, left, zero && !left && precision < 0 && conv != 's' && conv != 'c'));
        }
        if (vi != values.Count) throw new FormatException("fewer conversions than values");
        return sb.ToString();
    }

    private static long Number(object v) => v as long? ?? throw new FormatException("a string where a number is needed");

    private static ulong Unsigned(object v, int bits) => bits >= 64 ? (ulong)Number(v) : (ulong)Number(v) & ((1UL << bits) - 1);

    private static string Sign(long n, bool plus, bool space) => n < 0 ? "-" : plus ? "+" : space ? " " : "";

    private static string Digits(string digits, int precision) =>
        precision < 0 ? digits : precision == 0 && digits == "0" ? "" : digits.PadLeft(Math.Min(precision, MaxWidth), '0');

    private static string Pad(string text, int width, bool left, bool zero)
    {
        if (text.Length >= width) return text;
        if (left) return text.PadRight(width);
        if (!zero) return text.PadLeft(width);
        int signs = text.Length > 0 && text[0] is '-' or '+' or ' ' ? 1 : text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? 2 : 0;
        return text[..signs] + text[signs..].PadLeft(width - signs, '0');
    }

    private static int Digits(string format, ref int i)
    {
        int n = 0;
        if (i < format.Length && format[i] == '*') throw new FormatException("* width");
        while (i < format.Length && char.IsAsciiDigit(format[i]))
        {
            n = n * 10 + (format[i++] - '0');
            if (n > MaxWidth) throw new FormatException("width over the limit");
        }
        return n;
    }
}
