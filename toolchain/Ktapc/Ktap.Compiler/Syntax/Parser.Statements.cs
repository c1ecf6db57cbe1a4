using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

public sealed partial class Parser
{
    private Stmt? ParseStatement()
    {
        if (!EnterNesting()) return null;
        try
        {
            var s = ParseStatementCore();
            Accept(TokenKind.Semicolon);
            return s;
        }
        finally { LeaveNesting(); }
    }

    private Stmt? ParseStatementCore()
    {
        int start = _current.Span.Start;
        switch (_current.Kind)
        {
            case TokenKind.Semicolon: Advance(); return null;
            case TokenKind.If: return ParseIf();
            case TokenKind.While:
            {
                Advance();
                var cond = ParseParenCondition();
                var body = ParseBlock();
                return new WhileStmt(SpanFrom(start), cond, body);
            }
            case TokenKind.Repeat:
            {
                Advance();
                var body = ParseBlock();
                Expect(TokenKind.Until);
                var cond = ParseExpression();
                return new RepeatStmt(SpanFrom(start), body, cond);
            }
            case TokenKind.For: return ParseFor();
            case TokenKind.Function:
            {
                Advance();
                var n = ExpectName();
                var name = new NameExpr(n.Span, n.Text);
                var body = ParseFunctionBody(start, n.Text);
                return new FunctionStmt(SpanFrom(start), name, body);
            }
            case TokenKind.Local:
            case TokenKind.Var:
                return ParseLocal();
            case TokenKind.Return:
            {
                Advance();
                var values = StartsExpression(_current.Kind) ? ParseExpressionList() : new List<Expr>();
                return new ReturnStmt(SpanFrom(start), values);
            }
            case TokenKind.Break: Advance(); return new BreakStmt(SpanFrom(start));
            case TokenKind.Goto:
            {
                Advance();
                var label = ExpectName();
                return new GotoStmt(SpanFrom(start), label.Text, label.Span);
            }
            case TokenKind.ColonColon:
            {
                Advance();
                var label = ExpectName();
                Expect(TokenKind.ColonColon);
                return new LabelStmt(SpanFrom(start), label.Text);
            }
            case TokenKind.Trace: return ParseTrace();
            case TokenKind.TraceEnd:
            {
                Advance();
                var body = ParseBlock();
                return new TraceEndStmt(SpanFrom(start), new FunctionBody(SpanFrom(start), "trace_end", Array.Empty<Param>(), false, body));
            }
            case TokenKind.Tick:
            case TokenKind.Profile:
                return ParseTimer();
            case TokenKind.Do:
            case TokenKind.End:
                ReportOnce(Messages.ReservedKeyword, _current.Span, _current.Text);
                Advance();
                return null;
        }
        if (_current.Kind == TokenKind.Name && BpftraceProbe() is { } hint) return SkipBpftraceProbe(start, hint);
        if (_current.Kind is TokenKind.Name or TokenKind.OpenParen) return ParseExpressionStatement();
        ReportOnce(Messages.UnexpectedToken, _current.Span, Describe(_current));
        Advance();
        SkipToStatementStart();
        return null;
    }

    /// <summary>Skips tokens that cannot start a statement (recovery after a syntax error).</summary>
    private void SkipToStatementStart()
    {
        while (_current.Kind != TokenKind.EndOfFile && _current.Kind != TokenKind.CloseBrace &&
               !StartsStatement(_current.Kind))
            Advance();
    }

    private static bool StartsStatement(TokenKind k) => k switch
    {
        TokenKind.If or TokenKind.While or TokenKind.Repeat or TokenKind.For or TokenKind.Function or
        TokenKind.Local or TokenKind.Var or TokenKind.Return or TokenKind.Break or TokenKind.Goto or
        TokenKind.ColonColon or TokenKind.Trace or TokenKind.TraceEnd or TokenKind.Tick or TokenKind.Profile or
        TokenKind.Name or TokenKind.Semicolon or TokenKind.OpenParen => true,
        _ => false,
    };

    private Expr ParseParenCondition()
    {
        Expect(TokenKind.OpenParen);
        var e = ParseExpression();
        Expect(TokenKind.CloseParen);
        return e;
    }

    private Stmt ParseIf()
    {
        int start = _current.Span.Start;
        Advance();
        var branches = new List<(Expr, Block)> { (ParseParenCondition(), ParseBlock()) };
        Block? elseBody = null;
        while (true)
        {
            if (_current.Kind == TokenKind.Elseif)
            {
                Advance();
                branches.Add((ParseParenCondition(), ParseBlock()));
                continue;
            }
            if (_current.Kind == TokenKind.Else)
            {
                Advance();
                if (_current.Kind == TokenKind.If) // `else if` reads as `elseif`
                {
                    Advance();
                    branches.Add((ParseParenCondition(), ParseBlock()));
                    continue;
                }
                elseBody = ParseBlock();
            }
            break;
        }
        return new IfStmt(SpanFrom(start), branches, elseBody);
    }

    private Stmt ParseFor()
    {
        int start = _current.Span.Start;
        Advance();
        Expect(TokenKind.OpenParen);
        var first = ExpectName();
        var firstParam = new Param(first.Text, first.Span);
        if (Accept(TokenKind.Equal))
        {
            var init = ParseExpression();
            Expect(TokenKind.Comma);
            var limit = ParseExpression();
            Expr? step = Accept(TokenKind.Comma) ? ParseExpression() : null;
            Expect(TokenKind.CloseParen);
            var body = ParseBlock();
            return new NumericForStmt(SpanFrom(start), firstParam, init, limit, step, body);
        }
        var names = new List<Param> { firstParam };
        while (Accept(TokenKind.Comma))
        {
            var n = ExpectName();
            names.Add(new Param(n.Text, n.Span));
        }
        Expect(TokenKind.In);
        var values = ParseExpressionList();
        Expect(TokenKind.CloseParen);
        var loopBody = ParseBlock();
        return new GenericForStmt(SpanFrom(start), names, values, loopBody);
    }

    private Stmt ParseLocal()
    {
        int start = _current.Span.Start;
        Advance();
        if (_current.Kind == TokenKind.Function)
        {
            Advance();
            var n = ExpectName();
            var body = ParseFunctionBody(start, n.Text);
            return new LocalFunctionStmt(SpanFrom(start), new Param(n.Text, n.Span), body);
        }
        var names = new List<Param>();
        do
        {
            var n = ExpectName();
            names.Add(new Param(n.Text, n.Span));
        } while (Accept(TokenKind.Comma));
        var values = Accept(TokenKind.Equal) ? ParseExpressionList() : new List<Expr>();
        return new LocalStmt(SpanFrom(start), names, values);
    }

    private Stmt ParseTrace()
    {
        var keyword = _current;
        int start = keyword.Span.Start;
        _lexer.Position = keyword.Span.End;
        var events = _lexer.ScanEventText();
        if (events.Span.Length == 0)
            ReportOnce(Messages.MissingEventDefinition, new TextSpan(keyword.Span.Start, keyword.Span.Length));
        Token? filter = null;
        if (_lexer.AtFilterStart()) filter = _lexer.ScanFilter();
        _previousEnd = _lexer.Position;
        _current = NextNonBad();
        var body = ParseBlock();
        var handler = new FunctionBody(SpanFrom(start), "trace " + events.Text, Array.Empty<Param>(), false, body);
        return new TraceStmt(SpanFrom(start), events, filter, handler);
    }

    private Stmt ParseTimer()
    {
        var keyword = _current;
        int start = keyword.Span.Start;
        bool isProfile = keyword.Kind == TokenKind.Profile;
        _lexer.Position = keyword.Span.End;
        var interval = _lexer.ScanInterval();
        if (interval == null)
        {
            ReportOnce(Messages.MissingInterval, keyword.Span, keyword.Text);
            interval = Token.Missing(TokenKind.IntervalText, keyword.Span.End);
        }
        _previousEnd = _lexer.Position;
        _current = NextNonBad();
        var body = ParseBlock();
        var handler = new FunctionBody(SpanFrom(start), keyword.Text + "-" + interval.Text, Array.Empty<Param>(), false, body);
        return new TimerStmt(SpanFrom(start), isProfile, interval, handler);
    }

    private Stmt? ParseExpressionStatement()
    {
        int start = _current.Span.Start;
        var first = ParseSuffixedExpression();
        if (_current.Kind == TokenKind.Equal || _current.Kind == TokenKind.Comma)
        {
            var targets = new List<Expr> { first };
            while (Accept(TokenKind.Comma)) targets.Add(ParseSuffixedExpression());
            Expect(TokenKind.Equal);
            var values = ParseExpressionList();
            foreach (var t in targets) CheckAssignable(t);
            return new AssignStmt(SpanFrom(start), targets, values);
        }
        if (_current.Kind == TokenKind.PlusEqual || _current.Kind == TokenKind.LessLessLess)
        {
            var op = Advance();
            var value = ParseExpression();
            CheckAssignable(first);
            return new CompoundAssignStmt(SpanFrom(start), op.Kind == TokenKind.PlusEqual ? CompoundOp.Add : CompoundOp.Aggregate, first, value, op.Span);
        }
        if (first is CallExpr or MethodCallExpr) return new CallStmt(SpanFrom(start), first);
        if (first is not ErrorExpr)
            ReportOnce(Messages.NotAStatement, first.Span);
        SkipToStatementStart();
        return null;
    }

    private void CheckAssignable(Expr target)
    {
        if (target is NameExpr or IndexExpr or MemberExpr or ErrorExpr) return;
        ReportOnce(Messages.CannotAssign, target.Span);
    }
}
