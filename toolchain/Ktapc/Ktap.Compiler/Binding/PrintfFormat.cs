namespace Ktap.Binding;

/// <summary>Reads a printf format the way the host decoder will: counts its conversions.</summary>
public static class PrintfFormat
{
    private const string Conversions = "diuxXocsp";

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
            if (i >= format.Length || Conversions.IndexOf((char)format[i]) < 0)
            {
                int end = Math.Min(i + 1, format.Length);
                return (count, System.Text.Encoding.Latin1.GetString(format, start, end - start));
            }
            count++;
        }
        return (count, null);
    }
}
