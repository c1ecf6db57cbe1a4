using Ktap.Text;

namespace Ktap.Syntax;

/// <summary>
/// One token. <see cref="Text"/> is the name, keyword or raw text; <see cref="Number"/> the
/// value of a number; <see cref="Bytes"/> the decoded bytes of a string (strings are byte
/// strings: "\xff" is the single byte 0xFF). Synthesised tokens (made by the parser to
/// recover from a missing one) have <see cref="IsMissing"/> set and an empty span.
/// </summary>
public sealed record Token(TokenKind Kind, TextSpan Span, string Text, long Number = 0, byte[]? Bytes = null, bool IsMissing = false)
{
    public static Token Missing(TokenKind kind, int position) => new(kind, new TextSpan(position, 0), "", IsMissing: true);
}
