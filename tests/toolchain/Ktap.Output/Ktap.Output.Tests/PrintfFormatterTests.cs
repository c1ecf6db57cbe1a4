using System.Text;
using Ktap.Output;

namespace Ktap.Output.Tests;

public class PrintfFormatterTests
{
    private static string F(string fmt, params object?[] values) =>
        PrintfFormatter.Format(Encoding.UTF8.GetBytes(fmt), values.Select(v => v switch
        {
            null => RecordValue.Nil,
            long n => RecordValue.Num(n),
            int n => RecordValue.Num(n),
            string s => RecordValue.Str(s),
            RecordValue r => r,
            _ => throw new ArgumentException("value"),
        }).ToList());

    // Expected strings are what glibc's printf gives for the same format and a 64-bit argument.
    [Theory]
    [InlineData("%d", 42L, "42")]
    [InlineData("%i", -42L, "-42")]
    [InlineData("%5d|", 42L, "   42|")]
    [InlineData("%-5d|", 42L, "42   |")]
    [InlineData("%05d", 42L, "00042")]
    [InlineData("%05d", -42L, "-0042")]
    [InlineData("%-05d|", -42L, "-42  |")]
    [InlineData("%+d", 42L, "+42")]
    [InlineData("% d", 42L, " 42")]
    [InlineData("%.3d", -5L, "-005")]
    [InlineData("%8.3d|", 7L, "     007|")]
    [InlineData("%08.3d|", 7L, "     007|")]
    [InlineData("%.0d|", 0L, "|")]
    [InlineData("%u", -1L, "18446744073709551615")]
    [InlineData("%x", 255L, "ff")]
    [InlineData("%x", -1L, "ffffffffffffffff")]
    [InlineData("%X", 48879L, "BEEF")]
    [InlineData("%#x", 255L, "0xff")]
    [InlineData("%#x", 0L, "0")]
    [InlineData("%o", 8L, "10")]
    [InlineData("%#o", 8L, "010")]
    [InlineData("%c", 65L, "A")]
    [InlineData("%3c|", 65L, "  A|")]
    [InlineData("%p", 4096L, "0x1000")]
    [InlineData("%d", long.MinValue, "-9223372036854775808")]
    public void Numbers(string fmt, long value, string expected) => Assert.Equal(expected, F(fmt, value));

    [Fact]
    public void LengthModifiersAreAccepted() => Assert.Equal("1 2 3", F("%ld %lld %hd", 1L, 2L, 3L));

    [Theory]
    [InlineData("%s", "str", "str")]
    [InlineData("%10s|", "right", "     right|")]
    [InlineData("%-10s|", "left", "left      |")]
    [InlineData("%.2s", "trunc", "tr")]
    [InlineData("%5.1s|", "ab", "    a|")]
    public void Strings(string fmt, string value, string expected) => Assert.Equal(expected, F(fmt, value));

    [Fact]
    public void PercentAndPlainText() => Assert.Equal("100% of 3\n", F("100%% of %d\n", 3L));

    [Fact]
    public void StringConversionOfOtherValuesPrintsThemAsPrintWould() =>
        Assert.Equal("nil 12 true", F("%s %s %s", null, 12L, new RecordValue(ValueTag.True)));

    [Fact]
    public void NumberConversionOfAStatisticsCellUsesItsCount() =>
        Assert.Equal("3", F("%d", new RecordValue(ValueTag.Statistics, Count: 3, Sum: 10, Min: 1, Max: 5)));

    [Fact]
    public void TooFewValuesIsAnError() =>
        Assert.Contains("more conversions", Assert.Throws<PrintfException>(() => F("%d %d", 1L)).Message);

    [Fact]
    public void TooManyValuesIsAnError() =>
        Assert.Contains("1 conversions for 2 values", Assert.Throws<PrintfException>(() => F("%d", 1L, 2L)).Message);

    [Fact]
    public void UnknownConversionIsAnError() =>
        Assert.Contains("%q", Assert.Throws<PrintfException>(() => F("%q", 1L)).Message);
}
