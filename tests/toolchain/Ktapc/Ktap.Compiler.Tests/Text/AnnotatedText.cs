using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Compiler.Tests.Text;

/// <summary>
/// A test script with its expected diagnostic spans marked inline as ⟦...⟧ (brackets that
/// the language does not use, so `t[k]` stays readable). Parse removes the marks and keeps
/// the spans in order.
/// </summary>
public sealed class AnnotatedText
{
    public const char Open = '⟦';
    public const char Close = '⟧';

    private AnnotatedText(string text, IReadOnlyList<TextSpan> spans) { Text = text; Spans = spans; }

    public string Text { get; }
    public IReadOnlyList<TextSpan> Spans { get; }

    public static AnnotatedText Parse(string annotated)
    {
        var sb = new System.Text.StringBuilder();
        var spans = new List<TextSpan>();
        var starts = new Stack<int>();
        foreach (char c in annotated)
        {
            if (c == Open) starts.Push(sb.Length);
            else if (c == Close) spans.Add(TextSpan.FromBounds(starts.Pop(), sb.Length));
            else sb.Append(c);
        }
        if (starts.Count != 0) throw new ArgumentException("unbalanced marks in test text");
        return new AnnotatedText(sb.ToString(), spans.OrderBy(s => s.Start).ToList());
    }

    /// <summary>Asserts the diagnostics (sorted) have exactly the marked spans and the given codes, in order.</summary>
    public void AssertDiagnostics(IReadOnlyList<Diagnostic> diagnostics, params string[] codes)
    {
        Assert.True(codes.Length == Spans.Count, $"test is inconsistent: {Spans.Count} marks, {codes.Length} codes");
        var text = new SourceText("t.kp", Text);
        var shown = string.Join("\n", diagnostics);
        Assert.True(diagnostics.Count == codes.Length, $"expected {codes.Length} diagnostics, got {diagnostics.Count}:\n{shown}");
        for (int i = 0; i < codes.Length; i++)
        {
            var d = diagnostics[i];
            var (line, col) = text.GetLineColumn(Spans[i].Start);
            // An empty mark (a missing token) is reported one column wide, as the bag does.
            var (endLine, endCol) = Spans[i].Length == 0 ? (line, col + 1) : text.GetLineColumn(Spans[i].End);
            Assert.True(codes[i] == d.Code, $"diagnostic {i}: expected {codes[i]}, got {d}\nall:\n{shown}");
            Assert.True((line, col, endLine, endCol) == (d.Line, d.Column, d.EndLine, d.EndColumn),
                $"diagnostic {i} ({d.Code}): expected span {line}:{col}-{endLine}:{endCol}, got {d.Line}:{d.Column}-{d.EndLine}:{d.EndColumn}\nall:\n{shown}");
        }
    }
}
