namespace Ktap.Syntax;

public enum TokenKind
{
    EndOfFile,
    Bad,
    Name,
    Number,
    String,
    Symbol,          // `kernel_symbol`
    EventText,       // raw EVENTDEF text after `trace` (made by the parser's raw scan)
    FilterText,      // raw /FILTER/ text, without the slashes
    IntervalText,    // raw INTERVAL after `tick-` / `profile-`

    // keywords
    Trace, TraceEnd, Tick, Profile, Function, Local, Var, If, Else, Elseif, While, For, In,
    Repeat, Until, Return, Break, Goto, Do, End, Nil, True, False, And, Or, Not,
    ArgEvent, ArgName, Arg1, Arg2, Arg3, Arg4, Arg5, Arg6, Arg7, Arg8, Arg9,

    // punctuation and operators
    Plus, Minus, Star, Slash, Percent, Caret, DotDot, Ellipsis,
    EqualEqual, BangEqual, Less, LessEqual, Greater, GreaterEqual,
    Bang, AmpAmp, PipePipe, Equal, PlusEqual, LessLessLess,
    OpenParen, CloseParen, OpenBrace, CloseBrace, OpenBracket, CloseBracket,
    Semicolon, Colon, ColonColon, Comma, Dot,
}

public static class TokenFacts
{
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["trace"] = TokenKind.Trace, ["trace_end"] = TokenKind.TraceEnd, ["tick"] = TokenKind.Tick,
        ["profile"] = TokenKind.Profile, ["function"] = TokenKind.Function, ["local"] = TokenKind.Local,
        ["var"] = TokenKind.Var, ["if"] = TokenKind.If, ["else"] = TokenKind.Else, ["elseif"] = TokenKind.Elseif,
        ["while"] = TokenKind.While, ["for"] = TokenKind.For, ["in"] = TokenKind.In, ["repeat"] = TokenKind.Repeat,
        ["until"] = TokenKind.Until, ["return"] = TokenKind.Return, ["break"] = TokenKind.Break,
        ["goto"] = TokenKind.Goto, ["do"] = TokenKind.Do, ["end"] = TokenKind.End, ["nil"] = TokenKind.Nil,
        ["true"] = TokenKind.True, ["false"] = TokenKind.False, ["and"] = TokenKind.And, ["or"] = TokenKind.Or,
        ["not"] = TokenKind.Not, ["argevent"] = TokenKind.ArgEvent, ["argname"] = TokenKind.ArgName,
        ["arg1"] = TokenKind.Arg1, ["arg2"] = TokenKind.Arg2, ["arg3"] = TokenKind.Arg3, ["arg4"] = TokenKind.Arg4,
        ["arg5"] = TokenKind.Arg5, ["arg6"] = TokenKind.Arg6, ["arg7"] = TokenKind.Arg7, ["arg8"] = TokenKind.Arg8,
        ["arg9"] = TokenKind.Arg9,
    };

    public static TokenKind KeywordOrName(string text) => Keywords.TryGetValue(text, out var k) ? k : TokenKind.Name;

    public static bool IsKeyword(TokenKind kind) => kind >= TokenKind.Trace && kind <= TokenKind.Arg9;

    public static bool IsEventArg(TokenKind kind) => kind >= TokenKind.Arg1 && kind <= TokenKind.Arg9;

    /// <summary>How a token kind is written, for messages ("expected ')'").</summary>
    public static string Display(TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "end of file",
        TokenKind.Bad => "bad character",
        TokenKind.Name => "name",
        TokenKind.Number => "number",
        TokenKind.String => "string",
        TokenKind.Symbol => "`symbol`",
        TokenKind.EventText => "event definition",
        TokenKind.FilterText => "filter",
        TokenKind.IntervalText => "interval",
        TokenKind.Plus => "'+'", TokenKind.Minus => "'-'", TokenKind.Star => "'*'", TokenKind.Slash => "'/'",
        TokenKind.Percent => "'%'", TokenKind.Caret => "'^'", TokenKind.DotDot => "'..'", TokenKind.Ellipsis => "'...'",
        TokenKind.EqualEqual => "'=='", TokenKind.BangEqual => "'!='", TokenKind.Less => "'<'",
        TokenKind.LessEqual => "'<='", TokenKind.Greater => "'>'", TokenKind.GreaterEqual => "'>='", TokenKind.Bang => "'!'",
        TokenKind.AmpAmp => "'&&'", TokenKind.PipePipe => "'||'", TokenKind.Equal => "'='", TokenKind.PlusEqual => "'+='",
        TokenKind.LessLessLess => "'<<<'", TokenKind.OpenParen => "'('", TokenKind.CloseParen => "')'",
        TokenKind.OpenBrace => "'{'", TokenKind.CloseBrace => "'}'", TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'", TokenKind.Semicolon => "';'", TokenKind.Colon => "':'",
        TokenKind.ColonColon => "'::'", TokenKind.Comma => "','", TokenKind.Dot => "'.'",
        _ => "'" + Keywords.First(k => k.Value == kind).Key + "'",
    };
}
