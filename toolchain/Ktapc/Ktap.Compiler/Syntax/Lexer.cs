using System.Text;
using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

/// <summary>
/// Hand-written lexer for language.md §1. It produces one token per call to
/// <see cref="Next"/>, so the parser can switch to the raw scanners of
/// <see cref="RawScanner"/> after `trace`, `tick` and `profile`. It never throws: every
/// malformed input becomes a diagnostic and a token the parser can recover from.
/// </summary>
public sealed partial class Lexer
{
    private readonly SourceText _source;
    private readonly string _text;
    private readonly DiagnosticBag _diagnostics;
    private int _pos;
    private TokenKind _previous = TokenKind.Semicolon;

    public Lexer(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _text = source.Text;
        _diagnostics = diagnostics;
    }

    /// <summary>Where the next token starts being looked for.</summary>
    public int Position
    {
        get => _pos;
        set { _pos = value; _previous = TokenKind.Semicolon; }
    }

    public SourceText Source => _source;
    internal DiagnosticBag Diagnostics => _diagnostics;

    public Token Next()
    {
        var token = Scan();
        _previous = token.Kind;
        return token;
    }

    private char Peek(int offset = 0) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private bool AtEnd => _pos >= _text.Length;

    private static bool IsNameStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    private static bool IsNameChar(char c) => IsNameStart(c) || (c >= '0' && c <= '9');
    private static bool IsDigit(char c) => c >= '0' && c <= '9';
    private static bool IsHexDigit(char c) => IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

    private Token Scan()
    {
        SkipTrivia();
        int start = _pos;
        if (AtEnd) return new Token(TokenKind.EndOfFile, new TextSpan(_text.Length, 0), "");
        char c = _text[_pos];
        if (IsNameStart(c)) return ScanName();
        if (IsDigit(c)) return ScanNumber();
        switch (c)
        {
            case '"': case '\'': return ScanQuotedString(c);
            case '`': return ScanSymbol();
            case '[':
                if (Peek(1) == '[' || (Peek(1) == '=' && LongBracketLevel() >= 0)) return ScanLongString();
                return Punct(TokenKind.OpenBracket, 1);
            case '+': return Peek(1) == '=' ? Punct(TokenKind.PlusEqual, 2) : Punct(TokenKind.Plus, 1);
            case '-': return Punct(TokenKind.Minus, 1);
            case '*': return Punct(TokenKind.Star, 1);
            case '/': return Punct(TokenKind.Slash, 1);
            case '%': return Punct(TokenKind.Percent, 1);
            case '^': return Punct(TokenKind.Caret, 1);
            case '.':
                if (Peek(1) == '.') return Peek(2) == '.' ? Punct(TokenKind.Ellipsis, 3) : Punct(TokenKind.DotDot, 2);
                return Punct(TokenKind.Dot, 1);
            case '=': return Peek(1) == '=' ? Punct(TokenKind.EqualEqual, 2) : Punct(TokenKind.Equal, 1);
            case '!': return Peek(1) == '=' ? Punct(TokenKind.BangEqual, 2) : Punct(TokenKind.Bang, 1);
            case '~':
                if (Peek(1) == '=') // Lua's spelling of != : accept it, it is unambiguous
                    return Punct(TokenKind.BangEqual, 2);
                break;
            case '<':
                if (Peek(1) == '<' && Peek(2) == '<') return Punct(TokenKind.LessLessLess, 3);
                return Peek(1) == '=' ? Punct(TokenKind.LessEqual, 2) : Punct(TokenKind.Less, 1);
            case '>': return Peek(1) == '=' ? Punct(TokenKind.GreaterEqual, 2) : Punct(TokenKind.Greater, 1);
            case '&': if (Peek(1) == '&') return Punct(TokenKind.AmpAmp, 2); break;
            case '|': if (Peek(1) == '|') return Punct(TokenKind.PipePipe, 2); break;
            case '(': return Punct(TokenKind.OpenParen, 1);
            case ')': return Punct(TokenKind.CloseParen, 1);
            case '{': return Punct(TokenKind.OpenBrace, 1);
            case '}': return Punct(TokenKind.CloseBrace, 1);
            case ']': return Punct(TokenKind.CloseBracket, 1);
            case ';': return Punct(TokenKind.Semicolon, 1);
            case ',': return Punct(TokenKind.Comma, 1);
            case ':': return Peek(1) == ':' ? Punct(TokenKind.ColonColon, 2) : Punct(TokenKind.Colon, 1);
            case '@': case '$':
                if (ScanBpftraceName() is { } name) return name;
                break;
        }
        // A bad character: one diagnostic for the whole run of them.
        _pos++;
        while (!AtEnd && IsBadStart(_text[_pos])) _pos++;
        var span = TextSpan.FromBounds(start, _pos);
        _diagnostics.Report(Messages.BadCharacter, span, Printable(c));
        return new Token(TokenKind.Bad, span, _text.Substring(start, _pos - start));
    }

    /// <summary>
    /// bpftrace's `@map`, `$var`, `$retval` and `$1` in a script body: one diagnostic that gives
    /// the ktap spelling, and a name token so the parser goes on without a cascade of errors.
    /// </summary>
    private Token? ScanBpftraceName()
    {
        int start = _pos;
        char sigil = _text[_pos];
        int i = _pos + 1;
        while (i < _text.Length && IsNameChar(_text[i])) i++;
        string word = _text.Substring(start + 1, i - start - 1);
        if (sigil == '$' && word.Length == 0) return null; // a lone '$' is just a bad character
        string hint;
        if (sigil == '@')
            hint = word.Length == 0
                ? "a table has a name: write counts = ptable() and counts[key] <<< value"
                : $"a global is a plain name ({word}); for an aggregation write {word} = ptable() and {word}[key] <<< value";
        else if (word == "retval")
            hint = "the return value is a fetch-arg of a return probe: trace probe:FUNC%return ret=$retval { print(arg2) }";
        else if (word.All(IsDigit))
            hint = $"the script's arguments are arg[1], arg[2], ... (here arg[{word}])";
        else if (IsDigit(word[0]))
            return null;
        else
            hint = $"a local variable is declared var {word} and has no '$'";
        _pos = i;
        var span = TextSpan.FromBounds(start, _pos);
        _diagnostics.Report(Messages.BpftraceToken, span, _source.ToString(span), hint);
        return new Token(TokenKind.Name, span, word.Length == 0 || IsDigit(word[0]) ? "_" + word : word);
    }

    private bool IsBadStart(char c) =>
        !(IsNameChar(c) || char.IsWhiteSpace(c) || "\"'`[]#+-*/%^.=!~<>&|(){};,:".IndexOf(c) >= 0);

    internal static string Printable(char c) =>
        c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) ? $"\\x{(int)c:X2}" : char.IsSurrogate(c) ? $"U+{(int)c:X4}" : c.ToString();

    private Token Punct(TokenKind kind, int length)
    {
        var span = new TextSpan(_pos, length);
        _pos += length;
        return new Token(kind, span, _text.Substring(span.Start, length));
    }

    /// <summary>
    /// Skips spaces, newlines and comments. `#` starts a comment to the end of the line
    /// everywhere, as in ktap 0.4, whose lexer never produced a `#` token: so
    /// `[1] = "x", #EPERM` is a field and a comment. Length is written len(x).
    /// </summary>
    private void SkipTrivia()
    {
        while (!AtEnd)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') { _pos++; continue; }
            if (c == '#')
            {
                while (!AtEnd && _text[_pos] != '\n' && _text[_pos] != '\r') _pos++;
                continue;
            }
            return;
        }
    }

    private Token ScanName()
    {
        int start = _pos;
        while (!AtEnd && IsNameChar(_text[_pos])) _pos++;
        var text = _text.Substring(start, _pos - start);
        return new Token(TokenFacts.KeywordOrName(text), TextSpan.FromBounds(start, _pos), text);
    }

    private Token ScanNumber()
    {
        int start = _pos;
        bool hex = _text[_pos] == '0' && (Peek(1) == 'x' || Peek(1) == 'X');
        ulong value = 0;
        bool overflow = false, wideDecimal = false;
        if (hex)
        {
            _pos += 2;
            int digitsStart = _pos;
            while (!AtEnd && IsHexDigit(_text[_pos]))
            {
                if ((value >> 60) != 0) overflow = true;
                value = (value << 4) | (uint)HexValue(_text[_pos]);
                _pos++;
            }
            if (_pos == digitsStart)
            {
                SkipNameChars();
                var bad = TextSpan.FromBounds(start, _pos);
                _diagnostics.Report(Messages.MalformedNumber, bad, _text.Substring(start, _pos - start));
                return new Token(TokenKind.Number, bad, _source.ToString(bad));
            }
        }
        else
        {
            // As ktap 0.4 read it (C's strtoul, then the 64 bits as a signed number): up to
            // 2^64-1 the literal keeps its bits (so 18446744073709551615 is -1), beyond that
            // it saturates to 2^64-1. Both only warn, so ktap 0.4's scripts compile unchanged.
            bool saturated = false;
            while (!AtEnd && IsDigit(_text[_pos]))
            {
                uint d = (uint)(_text[_pos] - '0');
                if (saturated || value > (ulong.MaxValue - d) / 10) { saturated = true; value = ulong.MaxValue; }
                else value = value * 10 + d;
                _pos++;
            }
            wideDecimal = saturated || value > long.MaxValue;
        }
        if (!AtEnd && (IsNameChar(_text[_pos]) || _text[_pos] == '.' && IsDigit(Peek(1))))
        {
            SkipNameChars();
            while (!AtEnd && (_text[_pos] == '.' || IsNameChar(_text[_pos]))) _pos++;
            var bad = TextSpan.FromBounds(start, _pos);
            _diagnostics.Report(Messages.MalformedNumber, bad, _source.ToString(bad));
            return new Token(TokenKind.Number, bad, _source.ToString(bad));
        }
        var span = TextSpan.FromBounds(start, _pos);
        if (overflow)
        {
            _diagnostics.Report(Messages.HexNumberTooLarge, span, _source.ToString(span));
            value = 0;
        }
        else if (wideDecimal)
            _diagnostics.Report(Messages.NumberTooLarge, span, _source.ToString(span), unchecked((long)value));
        return new Token(TokenKind.Number, span, _source.ToString(span), unchecked((long)value));
    }

    private void SkipNameChars()
    {
        while (!AtEnd && IsNameChar(_text[_pos])) _pos++;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private Token ScanSymbol()
    {
        int start = _pos++;
        while (!AtEnd && (IsNameChar(_text[_pos]) || _text[_pos] == '.')) _pos++;
        var name = _text.Substring(start + 1, _pos - start - 1);
        if (Peek() != '`')
        {
            var bad = TextSpan.FromBounds(start, _pos);
            _diagnostics.Report(Messages.UnterminatedSymbol, bad);
            return new Token(TokenKind.Symbol, bad, name);
        }
        _pos++;
        var span = TextSpan.FromBounds(start, _pos);
        if (name.Length == 0) _diagnostics.Report(Messages.EmptySymbol, span);
        return new Token(TokenKind.Symbol, span, name);
    }

    private Token ScanQuotedString(char quote)
    {
        int start = _pos++;
        var bytes = new List<byte>();
        while (true)
        {
            if (AtEnd || _text[_pos] == '\n' || _text[_pos] == '\r')
            {
                var bad = TextSpan.FromBounds(start, _pos);
                _diagnostics.Report(Messages.UnterminatedString, new TextSpan(start, 1));
                return new Token(TokenKind.String, bad, _source.ToString(bad), Bytes: bytes.ToArray());
            }
            char c = _text[_pos];
            if (c == quote) { _pos++; break; }
            if (c == '\\') { ScanEscape(bytes); continue; }
            AppendUtf8(bytes, ref _pos);
        }
        var span = TextSpan.FromBounds(start, _pos);
        return StringToken(span, bytes.ToArray());
    }

    private Token StringToken(TextSpan span, byte[] bytes)
    {
        if (bytes.Length > MaxStringBytes) _diagnostics.Report(Messages.StringTooLong, new TextSpan(span.Start, 1), bytes.Length);
        return new Token(TokenKind.String, span, _source.ToString(span), Bytes: bytes);
    }

    /// <summary>The bundle format's limit on one string.</summary>
    public const int MaxStringBytes = 65535;

    private void ScanEscape(List<byte> bytes)
    {
        int start = _pos++;
        if (AtEnd) return; // the unterminated string is reported by the caller
        char c = _text[_pos];
        switch (c)
        {
            case 'n': bytes.Add((byte)'\n'); _pos++; return;
            case 't': bytes.Add((byte)'\t'); _pos++; return;
            case 'r': bytes.Add((byte)'\r'); _pos++; return;
            case 'a': bytes.Add(7); _pos++; return;
            case 'b': bytes.Add(8); _pos++; return;
            case 'f': bytes.Add(12); _pos++; return;
            case 'v': bytes.Add(11); _pos++; return;
            case '\\': case '"': case '\'': bytes.Add((byte)c); _pos++; return;
            case '\n': bytes.Add((byte)'\n'); _pos++; return;
            case '\r': bytes.Add((byte)'\n'); _pos++; if (Peek() == '\n') _pos++; return;
            case 'x':
            {
                _pos++;
                int v = 0, n = 0;
                while (n < 2 && !AtEnd && IsHexDigit(_text[_pos])) { v = v * 16 + HexValue(_text[_pos]); _pos++; n++; }
                if (n < 2) _diagnostics.Report(Messages.BadHexEscape, TextSpan.FromBounds(start, _pos));
                bytes.Add((byte)v);
                return;
            }
        }
        if (IsDigit(c))
        {
            int v = 0, n = 0;
            while (n < 3 && !AtEnd && IsDigit(_text[_pos])) { v = v * 10 + (_text[_pos] - '0'); _pos++; n++; }
            if (v > 255) _diagnostics.Report(Messages.DecimalEscapeTooLarge, TextSpan.FromBounds(start, _pos), v);
            bytes.Add((byte)Math.Min(v, 255));
            return;
        }
        _pos++;
        _diagnostics.Report(Messages.UnknownEscape, TextSpan.FromBounds(start, _pos), Printable(c));
    }

    private void AppendUtf8(List<byte> bytes, ref int pos)
    {
        char c = _text[pos];
        if (c < 0x80) { bytes.Add((byte)c); pos++; return; }
        int len = char.IsHighSurrogate(c) && pos + 1 < _text.Length && char.IsLowSurrogate(_text[pos + 1]) ? 2 : 1;
        bytes.AddRange(Encoding.UTF8.GetBytes(_text, pos, len));
        pos += len;
    }

    /// <summary>At '[': the level of a long bracket `[==[` (number of '='), or -1.</summary>
    private int LongBracketLevel()
    {
        int i = 1;
        while (Peek(i) == '=') i++;
        return Peek(i) == '[' ? i - 1 : -1;
    }

    private Token ScanLongString()
    {
        int start = _pos;
        int level = LongBracketLevel();
        _pos += level + 2;
        if (Peek() == '\r') { _pos++; if (Peek() == '\n') _pos++; }
        else if (Peek() == '\n') { _pos++; if (Peek() == '\r') _pos++; }
        int contentStart = _pos;
        while (!AtEnd)
        {
            if (_text[_pos] == ']')
            {
                int i = 1;
                while (Peek(i) == '=') i++;
                if (i - 1 == level && Peek(i) == ']')
                {
                    var bytes = Encoding.UTF8.GetBytes(_text, contentStart, _pos - contentStart);
                    _pos += i + 1;
                    return StringToken(TextSpan.FromBounds(start, _pos), bytes);
                }
            }
            _pos++;
        }
        _diagnostics.Report(Messages.UnterminatedLongString, new TextSpan(start, level + 2));
        var all = TextSpan.FromBounds(start, _pos);
        return new Token(TokenKind.String, all, _source.ToString(all), Bytes: Encoding.UTF8.GetBytes(_text, contentStart, _pos - contentStart));
    }
}
