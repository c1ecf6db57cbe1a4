using Ktap.Compiler.Tests.Text;
using Ktap.Diagnostics;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Compiler.Tests.Syntax;

public class LexerTests
{
    private static (List<Token> Tokens, IReadOnlyList<Diagnostic> Diagnostics) Lex(string text)
    {
        var source = new SourceText("t.kp", text);
        var bag = new DiagnosticBag(source);
        var lexer = new Lexer(source, bag);
        var tokens = new List<Token>();
        for (var t = lexer.Next(); t.Kind != TokenKind.EndOfFile; t = lexer.Next()) tokens.Add(t);
        return (tokens, bag.ToSortedList());
    }

    private static List<TokenKind> Kinds(string text) => Lex(text).Tokens.Select(t => t.Kind).ToList();

    [Theory]
    [InlineData("+", TokenKind.Plus)] [InlineData("-", TokenKind.Minus)] [InlineData("*", TokenKind.Star)]
    [InlineData("/", TokenKind.Slash)] [InlineData("%", TokenKind.Percent)] [InlineData("^", TokenKind.Caret)]
    [InlineData("..", TokenKind.DotDot)] [InlineData("...", TokenKind.Ellipsis)] [InlineData("==", TokenKind.EqualEqual)]
    [InlineData("!=", TokenKind.BangEqual)] [InlineData("<", TokenKind.Less)] [InlineData("<=", TokenKind.LessEqual)]
    [InlineData(">", TokenKind.Greater)] [InlineData(">=", TokenKind.GreaterEqual)] [InlineData("!", TokenKind.Bang)]
    [InlineData("&&", TokenKind.AmpAmp)] [InlineData("||", TokenKind.PipePipe)] [InlineData("=", TokenKind.Equal)]
    [InlineData("+=", TokenKind.PlusEqual)] [InlineData("<<<", TokenKind.LessLessLess)] [InlineData("::", TokenKind.ColonColon)]
    [InlineData(":", TokenKind.Colon)] [InlineData(".", TokenKind.Dot)] [InlineData(";", TokenKind.Semicolon)]
    [InlineData(",", TokenKind.Comma)] [InlineData("(", TokenKind.OpenParen)] [InlineData("}", TokenKind.CloseBrace)]
    [InlineData("var", TokenKind.Var)] [InlineData("local", TokenKind.Local)] [InlineData("trace_end", TokenKind.TraceEnd)]
    [InlineData("argevent", TokenKind.ArgEvent)] [InlineData("argname", TokenKind.ArgName)] [InlineData("arg9", TokenKind.Arg9)]
    [InlineData("elseif", TokenKind.Elseif)] [InlineData("goto", TokenKind.Goto)] [InlineData("arg10", TokenKind.Name)]
    public void Every_operator_and_keyword_is_one_token(string text, TokenKind kind)
    {
        var (tokens, diags) = Lex(text);
        Assert.Empty(diags);
        Assert.Equal(kind, Assert.Single(tokens).Kind);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("0x10", 16L)]
    [InlineData("0XfF", 255L)]
    [InlineData("0xffffffffffffffff", -1L)]
    [InlineData("0xffffffff81000000", unchecked((long)0xffffffff81000000UL))]
    public void Numbers_are_64_bit_integers(string text, long value)
    {
        var (tokens, diags) = Lex(text);
        Assert.Empty(diags);
        Assert.Equal(value, Assert.Single(tokens).Number);
    }

    [Theory]
    [InlineData("⟦9223372036854775808⟧", "KTAP1008")]
    [InlineData("⟦99999999999999999999999999⟧", "KTAP1008")]
    [InlineData("⟦0x1ffffffffffffffff⟧", "KTAP1009")]
    [InlineData("⟦12abc⟧", "KTAP1007")]
    [InlineData("⟦0x⟧", "KTAP1007")]
    [InlineData("⟦1.5⟧", "KTAP1007")]
    [InlineData("x = ⟦$⟧", "KTAP1001")]
    [InlineData("⟦\"⟧abc\n", "KTAP1002")]
    [InlineData("⟦[[⟧abc", "KTAP1003")]
    [InlineData("\"a⟦\\q⟧\"", "KTAP1004")]
    [InlineData("\"⟦\\x4⟧\"", "KTAP1005")]
    [InlineData("\"⟦\\300⟧\"", "KTAP1006")]
    [InlineData("⟦`abc⟧", "KTAP1010")]
    [InlineData("⟦``⟧", "KTAP1011")]
    public void Malformed_tokens_are_diagnostics_at_their_span(string annotated, string code)
    {
        var a = AnnotatedText.Parse(annotated);
        a.AssertDiagnostics(Lex(a.Text).Diagnostics, code);
    }

    [Theory]
    [InlineData("\"a\\n\\t\\\\\\\"\\'\"", new byte[] { (byte)'a', 10, 9, (byte)'\\', (byte)'"', (byte)'\'' })]
    [InlineData("'\\xff\\x00\\x7F'", new byte[] { 0xFF, 0, 0x7F })]
    [InlineData("\"\\65\\0\\255\"", new byte[] { 65, 0, 255 })]
    [InlineData("\"é\"", new byte[] { 0xC3, 0xA9 })]
    [InlineData("[[a\nb]]", new byte[] { (byte)'a', 10, (byte)'b' })]
    [InlineData("[[\nfirst newline skipped]]", new byte[] { (byte)'f', (byte)'i', (byte)'r', (byte)'s', (byte)'t', (byte)' ', (byte)'n', (byte)'e', (byte)'w', (byte)'l', (byte)'i', (byte)'n', (byte)'e', (byte)' ', (byte)'s', (byte)'k', (byte)'i', (byte)'p', (byte)'p', (byte)'e', (byte)'d' })]
    [InlineData("[==[a]]b]==]", new byte[] { (byte)'a', (byte)']', (byte)']', (byte)'b' })]
    public void Strings_are_byte_strings_with_escapes(string text, byte[] bytes)
    {
        var (tokens, diags) = Lex(text);
        Assert.Empty(diags);
        var t = Assert.Single(tokens);
        Assert.Equal(TokenKind.String, t.Kind);
        Assert.Equal(bytes, t.Bytes);
    }

    [Fact]
    public void Symbol_literal_keeps_the_name()
    {
        var t = Assert.Single(Lex("`do_sys_open`").Tokens);
        Assert.Equal(TokenKind.Symbol, t.Kind);
        Assert.Equal("do_sys_open", t.Text);
    }

    [Fact]
    public void Comments_and_the_shebang_line_are_skipped()
    {
        Assert.Equal(new[] { TokenKind.Name, TokenKind.Equal, TokenKind.Number },
            Kinds("#!/usr/bin/env ktap\n# a comment\nx = 1 # trailing\n#last"));
    }

    [Fact]
    public void Hash_is_always_a_comment_as_in_ktap_0_4()
    {
        // where an operand is expected too: ktap 0.4's lexer never produced a '#' token
        Assert.Equal(new[] { TokenKind.Name, TokenKind.Equal }, Kinds("n = #t"));
        Assert.Equal(new[] { TokenKind.Name, TokenKind.OpenParen }, Kinds("f(#t)"));
        Assert.Equal(new[] { TokenKind.Name, TokenKind.Equal, TokenKind.Name }, Kinds("n = t #t is a comment here"));
        Assert.Equal(new[] { TokenKind.OpenBrace, TokenKind.CloseBrace }, Kinds("{ #do nothing\n}"));
        Assert.Equal(new[] { TokenKind.Name, TokenKind.Equal, TokenKind.Number }, Kinds("x = ##1\n1"));
        // errinfo.kp of ktap 0.4: a field, then a comment right after the comma
        Assert.Equal(new[] { TokenKind.OpenBracket, TokenKind.Number, TokenKind.CloseBracket, TokenKind.Equal,
            TokenKind.String, TokenKind.Comma, TokenKind.OpenBracket },
            Kinds("[1] = \"Operation not permitted\",  #EPERM\n["));
    }

    [Theory]
    [InlineData("9223372036854775808", long.MinValue)]
    [InlineData("18446744073709551615", -1L)]
    [InlineData("18446744073709551614", -2L)]
    [InlineData("18446744073709551616", -1L)]
    [InlineData("99999999999999999999999999", -1L)]
    public void Decimal_literals_beyond_int64_read_as_strtoul_did_with_a_warning(string text, long value)
    {
        var (tokens, diags) = Lex(text);
        var d = Assert.Single(diags);
        Assert.Equal("KTAP1008", d.Code);
        Assert.Equal(Ktap.Diagnostics.DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal($"decimal literal {text} does not fit in a 64-bit signed integer; it is read as ktap 0.4 read it: {value}", d.Message);
        Assert.Equal(value, Assert.Single(tokens).Number);
    }
}
