using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

/// <summary>
/// Recursive-descent parser for language.md §2. It recovers from errors by synthesising
/// a missing token or skipping to a point where a statement can start, so one run reports
/// every syntax error; nesting deeper than <see cref="MaxDepth"/> is one diagnostic, not a
/// stack overflow.
/// </summary>
public sealed partial class Parser
{
    /// <summary>Nesting of brackets, blocks and right-recursive operators.</summary>
    public const int MaxDepth = 200;
    /// <summary>Depth of an expression tree, left-associative operator chains included.</summary>
    public const int MaxTreeDepth = 1000;

    private readonly Lexer _lexer;
    private readonly DiagnosticBag _diagnostics;
    private readonly SourceText _source;
    private Token _current;
    private int _previousEnd;
    private int _depth;   // tree depth so far (nesting plus operator chains)
    private int _nesting; // bracket/block nesting only
    private int _lastErrorPosition = -1;
    private int _tokenCount;
    private int _errorTokenCount = -1;

    public Parser(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
        _lexer = new Lexer(source, diagnostics);
        _current = NextNonBad();
    }

    public static ScriptSyntax Parse(SourceText source, DiagnosticBag diagnostics) => new Parser(source, diagnostics).ParseScript();

    public ScriptSyntax ParseScript()
    {
        var statements = new List<Stmt>();
        while (_current.Kind != TokenKind.EndOfFile)
        {
            int before = _current.Span.Start;
            if (_current.Kind == TokenKind.CloseBrace)
            {
                ReportOnce(Messages.UnmatchedCloseBrace, _current.Span);
                Advance();
                continue;
            }
            var s = ParseStatement();
            if (s != null) statements.Add(s);
            if (_current.Kind != TokenKind.EndOfFile && _current.Span.Start == before) Advance();
        }
        var span = new TextSpan(0, _source.Length);
        var main = new FunctionBody(span, null, Array.Empty<Param>(), false, new Block(span, statements));
        return new ScriptSyntax(main);
    }

    // ---- token plumbing ----

    private Token NextNonBad()
    {
        var t = _lexer.Next();
        while (t.Kind == TokenKind.Bad)
        {
            _errorTokenCount = _tokenCount; // the lexer reported it: a parse error right after adds nothing
            t = _lexer.Next();
        }
        return t;
    }

    private Token Advance()
    {
        var t = _current;
        _previousEnd = t.Span.End;
        _tokenCount++;
        _current = NextNonBad();
        return t;
    }

    private bool Accept(TokenKind kind)
    {
        if (_current.Kind != kind) return false;
        Advance();
        return true;
    }

    /// <summary>Consumes the expected token, or reports it and synthesises it where it was missing.</summary>
    private Token Expect(TokenKind kind)
    {
        if (_current.Kind == kind) return Advance();
        ReportExpected(TokenFacts.Display(kind));
        return Token.Missing(kind, _previousEnd);
    }

    private void ReportExpected(string what)
    {
        var span = _current.Kind == TokenKind.EndOfFile ? new TextSpan(_previousEnd, 0) : _current.Span;
        ReportOnce(Messages.Expected, span, what, Describe(_current));
    }

    private static string Describe(Token t) => t.Kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.Name => $"name '{t.Text}'",
        TokenKind.Number => $"number {t.Text}",
        TokenKind.String => "a string",
        _ => TokenFacts.Display(t.Kind),
    };

    /// <summary>Reports unless an error was already reported at this very position (cascades add nothing).</summary>
    private void ReportOnce(MessageDescriptor message, TextSpan span, params object?[] args)
    {
        // One mistake often breaks the next token too: stay quiet until recovery has consumed
        // at least two tokens since the last error.
        if (span.Start == _lastErrorPosition || (_errorTokenCount >= 0 && _tokenCount - _errorTokenCount < 2)) return;
        _lastErrorPosition = span.Start;
        _errorTokenCount = _tokenCount;
        _diagnostics.Report(message, span, args);
    }

    private bool EnterNesting()
    {
        if (++_nesting > MaxDepth || _depth >= MaxTreeDepth)
        {
            _nesting--;
            ReportOnce(Messages.NestingTooDeep, _current.Span, MaxDepth);
            SkipToUnbalancedClose();
            return false;
        }
        _depth++;
        return true;
    }

    private void LeaveNesting() { _depth--; _nesting--; }

    /// <summary>After a nesting overflow: skip the rest of the nested text so every level can close normally.</summary>
    private void SkipToUnbalancedClose()
    {
        int balance = 0;
        while (_current.Kind != TokenKind.EndOfFile)
        {
            var k = _current.Kind;
            if (k is TokenKind.OpenParen or TokenKind.OpenBracket or TokenKind.OpenBrace) balance++;
            else if (k is TokenKind.CloseParen or TokenKind.CloseBracket or TokenKind.CloseBrace)
            {
                if (balance == 0) return;
                balance--;
            }
            Advance();
        }
    }

    private TextSpan SpanFrom(int start) => TextSpan.FromBounds(start, Math.Max(start, _previousEnd));

    // ---- blocks ----

    private Block ParseBlock()
    {
        int start = _current.Span.Start;
        var open = Expect(TokenKind.OpenBrace);
        var statements = new List<Stmt>();
        if (!EnterNesting()) { Accept(TokenKind.CloseBrace); return new Block(SpanFrom(start), statements); }
        try
        {
            while (_current.Kind != TokenKind.CloseBrace && _current.Kind != TokenKind.EndOfFile)
            {
                int before = _current.Span.Start;
                var s = ParseStatement();
                if (s != null) statements.Add(s);
                if (_current.Span.Start == before && _current.Kind != TokenKind.CloseBrace && _current.Kind != TokenKind.EndOfFile) Advance();
            }
            if (_current.Kind == TokenKind.EndOfFile && !open.IsMissing)
                ReportOnce(Messages.UnclosedBlock, open.Span);
            else
                Expect(TokenKind.CloseBrace);
        }
        finally { LeaveNesting(); }
        return new Block(SpanFrom(start), statements);
    }

    private FunctionBody ParseFunctionBody(int start, string? name)
    {
        Expect(TokenKind.OpenParen);
        var parameters = new List<Param>();
        bool vararg = false;
        if (_current.Kind != TokenKind.CloseParen)
        {
            do
            {
                if (_current.Kind == TokenKind.Ellipsis) { Advance(); vararg = true; break; }
                var n = ExpectName();
                parameters.Add(new Param(n.Text, n.Span));
            } while (Accept(TokenKind.Comma));
        }
        Expect(TokenKind.CloseParen);
        var body = ParseBlock();
        return new FunctionBody(SpanFrom(start), name, parameters, vararg, body);
    }

    private Token ExpectName()
    {
        if (_current.Kind == TokenKind.Name) return Advance();
        if (TokenFacts.IsKeyword(_current.Kind))
        {
            ReportOnce(Messages.KeywordAsName, _current.Span, _current.Text);
            return Advance();
        }
        ReportExpected("a name");
        return Token.Missing(TokenKind.Name, _previousEnd);
    }

    /// <summary>After '.' or ':': any name, keywords included (timer.tick, timer.profile).</summary>
    private Token ExpectMemberName()
    {
        if (_current.Kind == TokenKind.Name || TokenFacts.IsKeyword(_current.Kind)) return Advance();
        ReportExpected("a name");
        return Token.Missing(TokenKind.Name, _previousEnd);
    }
}
