using Ktap.Diagnostics;
using Ktap.Text;

namespace Ktap.Syntax;

// The raw scanners the parser uses right after `trace`, `tick` and `profile`, where the
// text is not made of ordinary tokens (event definitions contain paths, '%', '$', '=').
public sealed partial class Lexer
{
    private void SkipSpacesOnLine()
    {
        while (!AtEnd && (_text[_pos] == ' ' || _text[_pos] == '\t')) _pos++;
    }

    /// <summary>
    /// The EVENTDEF text after `trace`: it runs to the first '{', or to a '/' or '#' that
    /// follows whitespace (a filter or a comment), or to the end of the line unless the line
    /// ends with ',' (a list of definitions may continue on the next line).
    /// </summary>
    public Token ScanEventText()
    {
        SkipSpacesOnLine();
        int start = _pos, lastNonSpace = _pos;
        while (!AtEnd)
        {
            char c = _text[_pos];
            if (c == '{' || c == '}') break;
            bool afterSpace = _pos > start && char.IsWhiteSpace(_text[_pos - 1]);
            if ((c == '/' || c == '#') && (afterSpace || _pos == start)) break;
            if (c == '\n' || c == '\r')
            {
                if (lastNonSpace > start && _text[lastNonSpace - 1] == ',') { _pos++; continue; }
                break;
            }
            _pos++;
            if (!char.IsWhiteSpace(c)) lastNonSpace = _pos;
        }
        var span = TextSpan.FromBounds(start, lastNonSpace);
        _pos = lastNonSpace;
        _previous = TokenKind.EventText;
        return new Token(TokenKind.EventText, span, _source.ToString(span));
    }

    /// <summary>True when the next non-blank character on this line opens a /FILTER/.</summary>
    public bool AtFilterStart()
    {
        SkipSpacesOnLine();
        return Peek() == '/';
    }

    /// <summary>
    /// A /FILTER/ starting at '/': its closing '/' is the first one outside double quotes
    /// that only blanks separate from '{' or the end of the line.
    /// </summary>
    public Token ScanFilter()
    {
        int open = _pos++;
        int contentStart = _pos;
        bool inQuote = false;
        while (!AtEnd && _text[_pos] != '\n' && _text[_pos] != '\r')
        {
            char c = _text[_pos];
            if (c == '"') inQuote = !inQuote;
            else if (c == '\\' && inQuote) { _pos += 2; continue; }
            else if (c == '/' && !inQuote && ClosesFilter(_pos + 1))
            {
                var span = TextSpan.FromBounds(contentStart, _pos);
                _pos++;
                _previous = TokenKind.FilterText;
                return new Token(TokenKind.FilterText, span, _source.ToString(span));
            }
            else if (c == '{' && !inQuote) break;
            _pos++;
        }
        _diagnostics.Report(Messages.UnterminatedFilter, new TextSpan(open, 1));
        var rest = TextSpan.FromBounds(contentStart, Math.Min(_pos, _text.Length));
        _previous = TokenKind.FilterText;
        return new Token(TokenKind.FilterText, rest, _source.ToString(rest));
    }

    private bool ClosesFilter(int i)
    {
        while (i < _text.Length && (_text[i] == ' ' || _text[i] == '\t')) i++;
        return i >= _text.Length || _text[i] == '{' || _text[i] == '\n' || _text[i] == '\r';
    }

    /// <summary>`-INTERVAL` after tick/profile: returns the INTERVAL text (no dash), or null when no '-' follows.</summary>
    public Token? ScanInterval()
    {
        if (Peek() != '-') return null;
        _pos++;
        int start = _pos;
        while (!AtEnd && IsNameChar(_text[_pos])) _pos++;
        var span = TextSpan.FromBounds(start, _pos);
        _previous = TokenKind.IntervalText;
        return new Token(TokenKind.IntervalText, span, _source.ToString(span));
    }
}
