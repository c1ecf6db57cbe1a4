using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Binding.Events;

/// <summary>
/// Checks a /FILTER/ against the kernel's event-filter grammar (predicates `field OP value`
/// joined by &amp;&amp;, ||, !, parentheses) so a typo is reported at its column here rather
/// than as EINVAL on the board. The text itself goes to the bundle unchanged.
/// </summary>
public sealed class FilterChecker
{
    private readonly string _text;
    private readonly int _base;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<(string Text, int Start, bool IsValue)> _tokens = new();
    private int _next;
    private bool _failed;

    private FilterChecker(string text, int basePosition, DiagnosticBag diagnostics)
    {
        _text = text;
        _base = basePosition;
        _diagnostics = diagnostics;
    }

    public static void Check(string text, int basePosition, DiagnosticBag diagnostics)
    {
        var checker = new FilterChecker(text, basePosition, diagnostics);
        if (!checker.Tokenize()) return;
        if (checker._tokens.Count == 0) { checker.Fail(0, 1, "the filter is empty"); return; }
        checker.ParseOr(0);
        if (!checker._failed && checker._next < checker._tokens.Count)
        {
            var t = checker._tokens[checker._next];
            checker.Fail(t.Start, t.Text.Length, $"unexpected '{t.Text}'");
        }
    }

    private const string OperatorChars = "=!<>&~|()";

    private bool Tokenize()
    {
        int i = 0;
        while (i < _text.Length)
        {
            char c = _text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (c == '"' || c == '\'')
            {
                i++;
                while (i < _text.Length && _text[i] != c) i += _text[i] == '\\' ? 2 : 1;
                if (i >= _text.Length) { Fail(start, 1, "unterminated string"); return false; }
                i++;
                _tokens.Add((_text[start..i], start, true));
                continue;
            }
            if (OperatorChars.IndexOf(c) >= 0)
            {
                string two = i + 1 < _text.Length ? _text.Substring(i, 2) : "";
                string op = two is "==" or "!=" or "<=" or ">=" or "&&" or "||" ? two : c.ToString();
                if (op == "|" || op == "=") { Fail(start, 1, op == "|" ? "'|' is not an operator; use '||'" : "'=' is not an operator; use '=='"); return false; }
                i += op.Length;
                _tokens.Add((op, start, false));
                continue;
            }
            while (i < _text.Length && !char.IsWhiteSpace(_text[i]) && OperatorChars.IndexOf(_text[i]) < 0 && _text[i] != '"' && _text[i] != '\'') i++;
            _tokens.Add((_text[start..i], start, true));
        }
        return true;
    }

    private void Fail(int start, int length, string message)
    {
        if (_failed) return;
        _failed = true;
        _diagnostics.Report(Messages.BadFilter, new TextSpan(_base + start, Math.Max(1, length)), message);
    }

    private (string Text, int Start, bool IsValue)? Peek => _next < _tokens.Count ? _tokens[_next] : null;

    private void FailAtEnd(string message)
    {
        if (Peek is { } t) Fail(t.Start, t.Text.Length, message);
        else Fail(_text.Length, 1, message); // at the closing slash
    }

    private void ParseOr(int depth)
    {
        ParseAnd(depth);
        while (!_failed && Peek is { IsValue: false, Text: "||" }) { _next++; ParseAnd(depth); }
    }

    private void ParseAnd(int depth)
    {
        ParseUnary(depth);
        while (!_failed && Peek is { IsValue: false, Text: "&&" }) { _next++; ParseUnary(depth); }
    }

    private void ParseUnary(int depth)
    {
        if (_failed) return;
        if (depth > 100) { FailAtEnd("nested too deeply"); return; }
        var t = Peek;
        if (t is { IsValue: false, Text: "!" }) { _next++; ParseUnary(depth + 1); return; }
        if (t is { IsValue: false, Text: "(" })
        {
            _next++;
            ParseOr(depth + 1);
            if (_failed) return;
            if (Peek is { IsValue: false, Text: ")" }) { _next++; return; }
            FailAtEnd("expected ')'");
            return;
        }
        if (t is not { IsValue: true } field || field.Text.StartsWith('"') || field.Text.StartsWith('\''))
        {
            FailAtEnd(t == null ? "expected a field name at the end of the filter" : $"expected a field name, found '{t.Value.Text}'");
            return;
        }
        _next++;
        var op = Peek;
        if (op is not { IsValue: false } o || o.Text is "(" or ")" or "&&" or "||" or "!")
        {
            Fail(field.Start, field.Text.Length, $"expected an operator (== != < <= > >= & ~) after '{field.Text}'");
            return;
        }
        _next++;
        if (Peek is not { IsValue: true })
        {
            Fail(o.Start, o.Text.Length, $"expected a value after '{o.Text}'");
            return;
        }
        _next++;
    }
}
