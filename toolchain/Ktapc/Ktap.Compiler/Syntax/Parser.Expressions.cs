using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

public sealed partial class Parser
{
    private const int UnaryPriority = 12;

    private static bool StartsExpression(TokenKind k) => k switch
    {
        TokenKind.Nil or TokenKind.True or TokenKind.False or TokenKind.Number or TokenKind.String or
        TokenKind.Symbol or TokenKind.Ellipsis or TokenKind.Function or TokenKind.OpenBrace or
        TokenKind.Name or TokenKind.OpenParen or TokenKind.ArgEvent or TokenKind.ArgName or
        TokenKind.Not or TokenKind.Bang or TokenKind.Minus => true,
        _ => TokenFacts.IsEventArg(k),
    };

    private List<Expr> ParseExpressionList()
    {
        var list = new List<Expr> { ParseExpression() };
        while (Accept(TokenKind.Comma)) list.Add(ParseExpression());
        return list;
    }

    public Expr ParseExpression() => ParseSubExpression(0);

    private static (int Left, int Right, BinaryOp Op)? BinaryPriority(TokenKind k) => k switch
    {
        TokenKind.Or or TokenKind.PipePipe => (1, 1, BinaryOp.Or),
        TokenKind.And or TokenKind.AmpAmp => (2, 2, BinaryOp.And),
        TokenKind.EqualEqual => (3, 3, BinaryOp.Equal),
        TokenKind.BangEqual => (3, 3, BinaryOp.NotEqual),
        TokenKind.Less => (3, 3, BinaryOp.Less),
        TokenKind.LessEqual => (3, 3, BinaryOp.LessEqual),
        TokenKind.Greater => (3, 3, BinaryOp.Greater),
        TokenKind.GreaterEqual => (3, 3, BinaryOp.GreaterEqual),
        TokenKind.DotDot => (9, 8, BinaryOp.Concat),
        TokenKind.Plus => (10, 10, BinaryOp.Add),
        TokenKind.Minus => (10, 10, BinaryOp.Sub),
        TokenKind.Star => (11, 11, BinaryOp.Mul),
        TokenKind.Slash => (11, 11, BinaryOp.Div),
        TokenKind.Percent => (11, 11, BinaryOp.Mod),
        TokenKind.Caret => (14, 13, BinaryOp.Pow),
        _ => null,
    };

    /// <summary>Precedence climbing (as Lua's subexpr): operators binding tighter than <paramref name="limit"/>.</summary>
    private Expr ParseSubExpression(int limit)
    {
        int start = _current.Span.Start;
        if (!EnterNesting()) return new ErrorExpr(new TextSpan(start, 0));
        try
        {
            Expr left;
            UnaryOp? unary = _current.Kind switch
            {
                TokenKind.Not or TokenKind.Bang => UnaryOp.Not,
                TokenKind.Minus => UnaryOp.Negate,
                _ => null,
            };
            if (unary is { } u)
            {
                Advance();
                var operand = ParseSubExpression(UnaryPriority);
                left = new UnaryExpr(SpanFrom(start), u, operand);
            }
            else left = ParseSimpleExpression();

            // Each operator of a left-associative chain deepens the tree by one level, which
            // later passes walk recursively: it counts against the same depth budget.
            int chain = 0;
            try
            {
                while (BinaryPriority(_current.Kind) is { } p && p.Left > limit)
                {
                    if (_depth + chain >= MaxTreeDepth)
                    {
                        ReportOnce(Messages.NestingTooDeep, _current.Span, MaxTreeDepth);
                        SkipToUnbalancedClose();
                        return new ErrorExpr(SpanFrom(start));
                    }
                    var opToken = Advance();
                    chain++;
                    _depth += 1;
                    var right = ParseSubExpression(p.Right);
                    left = new BinaryExpr(SpanFrom(start), p.Op, left, right, opToken.Span);
                }
            }
            finally { _depth -= chain; }
            return left;
        }
        finally { LeaveNesting(); }
    }

    private Expr ParseSimpleExpression()
    {
        var t = _current;
        switch (t.Kind)
        {
            case TokenKind.Nil: Advance(); return new NilExpr(t.Span);
            case TokenKind.True: Advance(); return new BoolExpr(t.Span, true);
            case TokenKind.False: Advance(); return new BoolExpr(t.Span, false);
            case TokenKind.Number: Advance(); return new NumberExpr(t.Span, t.Number);
            case TokenKind.String: Advance(); return new StringExpr(t.Span, t.Bytes ?? Array.Empty<byte>());
            case TokenKind.Symbol: Advance(); return new SymbolExpr(t.Span, t.Text);
            case TokenKind.Ellipsis: Advance(); return new VarargExpr(t.Span);
            case TokenKind.ArgEvent: Advance(); return new ArgEventExpr(t.Span);
            case TokenKind.ArgName: Advance(); return new ArgNameExpr(t.Span);
            case TokenKind.Function:
            {
                Advance();
                var body = ParseFunctionBody(t.Span.Start, null);
                return new FunctionExpr(SpanFrom(t.Span.Start), body);
            }
            case TokenKind.OpenBrace: return ParseTable();
        }
        if (TokenFacts.IsEventArg(t.Kind))
        {
            Advance();
            return new EventArgExpr(t.Span, t.Kind - TokenKind.Arg1 + 1);
        }
        return ParseSuffixedExpression();
    }

    private Expr ParsePrimaryExpression()
    {
        var t = _current;
        if (t.Kind == TokenKind.Name)
        {
            Advance();
            return new NameExpr(t.Span, t.Text);
        }
        if (t.Kind == TokenKind.OpenParen)
        {
            Advance();
            var inner = ParseExpression();
            Expect(TokenKind.CloseParen);
            return new ParenExpr(SpanFrom(t.Span.Start), inner);
        }
        ReportExpected("an expression");
        // Consume the offending token unless it can end or separate something, so parsing moves on.
        if (!(t.Kind is TokenKind.CloseParen or TokenKind.CloseBrace or TokenKind.CloseBracket or TokenKind.Comma
              or TokenKind.EndOfFile or TokenKind.Semicolon) && !StartsStatement(t.Kind))
            Advance();
        return new ErrorExpr(new TextSpan(t.Span.Start, 0));
    }

    private Expr ParseSuffixedExpression()
    {
        int start = _current.Span.Start;
        var e = ParsePrimaryExpression();
        if (e is ErrorExpr) return e;
        int suffixes = 0;
        while (true)
        {
            // A long chain of suffixes builds a deep tree that later passes walk recursively.
            if (++suffixes > MaxDepth * 4)
            {
                ReportOnce(Messages.NestingTooDeep, _current.Span, MaxDepth);
                return new ErrorExpr(SpanFrom(start));
            }
            switch (_current.Kind)
            {
                case TokenKind.Dot:
                {
                    Advance();
                    var n = ExpectMemberName();
                    e = new MemberExpr(SpanFrom(start), e, n.Text, n.Span);
                    continue;
                }
                case TokenKind.OpenBracket:
                {
                    Advance();
                    var key = ParseExpression();
                    Expect(TokenKind.CloseBracket);
                    e = new IndexExpr(SpanFrom(start), e, key);
                    continue;
                }
                case TokenKind.Colon:
                {
                    Advance();
                    var n = ExpectMemberName();
                    var args = ParseCallArguments();
                    e = new MethodCallExpr(SpanFrom(start), e, n.Text, n.Span, args);
                    continue;
                }
                case TokenKind.OpenParen:
                {
                    var args = ParseCallArguments();
                    e = new CallExpr(SpanFrom(start), e, args);
                    continue;
                }
            }
            return e;
        }
    }

    /// <summary>
    /// The closing bracket of a list; when something else stands there, the rest of the list
    /// on this line is skipped up to its closing bracket, so one typo is one error.
    /// </summary>
    private void ExpectClosing(TokenKind close)
    {
        if (Accept(close)) return;
        Expect(close);
        int line = _source.GetLine(_current.Span.Start);
        int balance = 0;
        while (_current.Kind != TokenKind.EndOfFile && _source.GetLine(_current.Span.Start) == line)
        {
            var k = _current.Kind;
            if (k is TokenKind.OpenParen or TokenKind.OpenBracket or TokenKind.OpenBrace) balance++;
            else if (k is TokenKind.CloseParen or TokenKind.CloseBracket or TokenKind.CloseBrace)
            {
                if (balance == 0) { if (k == close) Advance(); return; }
                balance--;
            }
            Advance();
        }
    }

    private List<Expr> ParseCallArguments()
    {
        Expect(TokenKind.OpenParen);
        var args = new List<Expr>();
        if (!EnterNesting()) { Accept(TokenKind.CloseParen); return args; }
        try
        {
            if (_current.Kind != TokenKind.CloseParen) args = ParseExpressionList();
            ExpectClosing(TokenKind.CloseParen);
        }
        finally { LeaveNesting(); }
        return args;
    }

    private Expr ParseTable()
    {
        int start = _current.Span.Start;
        Advance();
        var fields = new List<TableField>();
        if (!EnterNesting()) { Accept(TokenKind.CloseBrace); return new TableExpr(SpanFrom(start), fields); }
        try
        {
            while (_current.Kind != TokenKind.CloseBrace && _current.Kind != TokenKind.EndOfFile)
            {
                int before = _current.Span.Start;
                if (_current.Kind == TokenKind.OpenBracket)
                {
                    Advance();
                    var key = ParseExpression();
                    Expect(TokenKind.CloseBracket);
                    Expect(TokenKind.Equal);
                    fields.Add(new TableField(FieldKind.Keyed, key, null, ParseExpression()));
                }
                else
                {
                    var value = ParseExpression();
                    if (value is NameExpr name && _current.Kind == TokenKind.Equal)
                    {
                        Advance();
                        fields.Add(new TableField(FieldKind.Named, null, name.Name, ParseExpression()));
                    }
                    else fields.Add(new TableField(FieldKind.Positional, null, null, value));
                }
                if (!Accept(TokenKind.Comma) && !Accept(TokenKind.Semicolon)) break;
                if (_current.Span.Start == before) break;
            }
            ExpectClosing(TokenKind.CloseBrace);
        }
        finally { LeaveNesting(); }
        return new TableExpr(SpanFrom(start), fields);
    }
}
