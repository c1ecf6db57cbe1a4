namespace Ktap.Binding;

/// <summary>Reads a printf format the way the host decoder will: counts its conversions.</summary>
public static class PrintfFormat
{
    private const string Conversions = "diuxXocsp";
    private const string IntegerConversions = "diuxXo";

    /// <summary>The number of values the format consumes, or the first unsupported conversion.</summary>
    public static (int Count, string? Bad) Analyse(byte[] format)
    {
        int count = 0;
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%') continue;
            int start = i++;
            if (i < format.Length && format[i] == '%') continue;
            while (i < format.Length && "-0+ #".IndexOf((char)format[i]) >= 0) i++;
            while (i < format.Length && format[i] >= '0' && format[i] <= '9') i++;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                while (i < format.Length && format[i] >= '0' && format[i] <= '9') i++;
            }
            // C's length modifiers (hh h l ll) are accepted and mean nothing: every number is
            // 64 bits. ktap 0.4's scripts write %ld and %llu. Only before integer conversions.
            int modifiers = i;
            if (i < format.Length && (format[i] == 'l' || format[i] == 'h'))
            {
                i++;
                if (i < format.Length && format[i] == format[i - 1]) i++;
            }
            bool integer = i < format.Length && IntegerConversions.IndexOf((char)format[i]) >= 0;
            if (i >= format.Length || Conversions.IndexOf((char)format[i]) < 0 || (i > modifiers && !integer))
            {
                int end = Math.Min(i + 1, format.Length);
                return (count, System.Text.Encoding.Latin1.GetString(format, start, end - start));
            }
            count++;
        }
        return (count, null);
    }
}
