using Ktap.Text;

namespace Ktap.Compiler.Tests.Text;

public class SourceTextTests
{
    [Theory]
    [InlineData("a\nbc\nd", 0, 1, 1)]
    [InlineData("a\nbc\nd", 2, 2, 1)]
    [InlineData("a\nbc\nd", 3, 2, 2)]
    [InlineData("a\nbc\nd", 5, 3, 1)]
    [InlineData("a\r\nb", 3, 2, 1)]
    [InlineData("a\rb", 2, 2, 1)]
    [InlineData("", 0, 1, 1)]
    public void Positions_map_to_one_based_lines_and_columns(string text, int position, int line, int column)
    {
        Assert.Equal((line, column), new SourceText("f", text).GetLineColumn(position));
    }

    [Fact]
    public void Annotations_are_removed_and_spans_kept()
    {
        var a = AnnotatedText.Parse("x = ⟦1 +⟧ ⟦y⟧");
        Assert.Equal("x = 1 + y", a.Text);
        Assert.Equal(new[] { new TextSpan(4, 3), new TextSpan(8, 1) }, a.Spans);
    }
}
