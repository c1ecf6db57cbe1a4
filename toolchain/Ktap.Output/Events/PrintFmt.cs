using System.Globalization;
using System.Text;

namespace Ktap.Output.Events;

/// <summary>
/// A tracepoint's "print fmt:" line from its tracefs format file, parsed once: the printf
/// format and its argument expressions, the C subset the kernel's TP_printk macros expand
/// to (REC->field, integer arithmetic, casts, ?:, __get_str, __print_symbolic,
/// __print_flags). ftrace applies it to print one line of its `trace` file; the host does the
/// same for `argevent` (docs/language.md). Anything outside the subset (__print_hex,
/// dynamic arrays, a kernel function) makes <see cref="Parse"/> return null, and the caller
/// keeps the event's plain field list: a wrong line is worse than a plain one.
/// </summary>
public sealed class PrintFmt
{
    private PrintFmt(string format, IReadOnlyList<Expr> args) { Format = format; Args = args; }

    public string Format { get; }
    internal IReadOnlyList<Expr> Args { get; }

    /// <summary>Parses the text after "print fmt: "; null when it is outside the supported subset.</summary>
    public static PrintFmt? Parse(string text)
    {
        try
        {
            var p = new Parser(text);
            var format = p.StringLiterals() ?? throw new FormatException("no format string");
            var args = new List<Expr>();
            while (p.Accept(","))
                args.Add(p.Expression());
            p.End();
            return new PrintFmt(format, args);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The line for one event: <paramref name="field"/> gives a field's value (a long or a
    /// string) or null when the event has no such field. Null when an argument cannot be
    /// computed or does not fit its conversion.
    /// </summary>
    public string? Apply(Func<string, object?> field, int wordBits)
    {
        try
        {
            var values = Args.Select(a => a.Eval(field, wordBits)).ToList();
            return KernelPrintf.Format(Format, values, wordBits);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // ---- expressions ----
    internal abstract record Expr
    {
        public abstract object Eval(Func<string, object?> field, int wordBits);
        protected static long Num(object v) => v is long n ? n : throw new FormatException("a string where a number is needed");
    }

    private sealed record Literal(object Value) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits) => Value;
    }

    private sealed record Field(string Name) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits) =>
            field(Name) ?? throw new FormatException($"no field {Name}");
    }

    private sealed record Unary(string Op, Expr Operand) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits)
        {
            var v = Num(Operand.Eval(field, wordBits));
            return Op switch { "-" => -v, "+" => v, "!" => v == 0 ? 1L : 0L, "~" => ~v, _ => throw new FormatException(Op) };
        }
    }

    /// <summary>A cast: truncates to the type's width and extends by its signedness; unknown typedefs leave the value.</summary>
    private sealed record Cast(int Bits, bool Signed, bool Boolean, Expr Operand) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits)
        {
            var o = Operand.Eval(field, wordBits);
            if (o is string) return o; // (const char *)__get_str(x)
            var v = (long)o;
            if (Boolean) return v != 0 ? 1L : 0L;
            int bits = Bits < 0 ? wordBits : Bits;
            return bits == 0 ? v : Truncate(v, bits, Signed);
        }
    }

    private sealed record Binary(string Op, Expr Left, Expr Right) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits)
        {
            if (Op == "&&") return Num(Left.Eval(field, wordBits)) != 0 && Num(Right.Eval(field, wordBits)) != 0 ? 1L : 0L;
            if (Op == "||") return Num(Left.Eval(field, wordBits)) != 0 || Num(Right.Eval(field, wordBits)) != 0 ? 1L : 0L;
            long a = Num(Left.Eval(field, wordBits)), b = Num(Right.Eval(field, wordBits));
            return Op switch
            {
                "*" => a * b,
                "/" => b == 0 ? throw new FormatException("division by zero") : a / b,
                "%" => b == 0 ? throw new FormatException("division by zero") : a % b,
                "+" => a + b, "-" => a - b,
                "<<" => a << (int)(b & 63), ">>" => (long)((ulong)a >> (int)(b & 63)),
                "<" => a < b ? 1L : 0L, ">" => a > b ? 1L : 0L, "<=" => a <= b ? 1L : 0L, ">=" => a >= b ? 1L : 0L,
                "==" => a == b ? 1L : 0L, "!=" => a != b ? 1L : 0L,
                "&" => a & b, "^" => a ^ b, "|" => a | b,
                _ => throw new FormatException(Op),
            };
        }
    }

    private sealed record Conditional(Expr Test, Expr Then, Expr Else) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits) =>
            Num(Test.Eval(field, wordBits)) != 0 ? Then.Eval(field, wordBits) : Else.Eval(field, wordBits);
    }

    private sealed record GetStr(string Name) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits) =>
            field(Name) as string ?? throw new FormatException($"{Name} is not a string");
    }

    /// <summary>__print_symbolic: the name of the first entry equal to the value, else the value in hex (trace_print_symbols_seq).</summary>
    private sealed record Symbolic(Expr Value, IReadOnlyList<(Expr Key, string Name)> Table) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits)
        {
            var v = Num(Value.Eval(field, wordBits));
            foreach (var (key, name) in Table)
                if (Num(key.Eval(field, wordBits)) == v) return name;
            return "0x" + ((ulong)v).ToString("x", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// __print_flags: the names of the entries whose bits are all set, in table order, joined
    /// by the delimiter, each taking its bits out; what is left is appended in hex
    /// (trace_print_flags_seq).
    /// </summary>
    private sealed record Flags(Expr Value, string Delimiter, IReadOnlyList<(Expr Key, string Name)> Table) : Expr
    {
        public override object Eval(Func<string, object?> field, int wordBits)
        {
            var v = Num(Value.Eval(field, wordBits));
            var sb = new StringBuilder();
            foreach (var (key, name) in Table)
            {
                var mask = Num(key.Eval(field, wordBits));
                if (mask == 0 || (v & mask) != mask) continue;
                v &= ~mask;
                if (sb.Length > 0) sb.Append(Delimiter);
                sb.Append(name);
            }
            if (v != 0)
            {
                if (sb.Length > 0) sb.Append(Delimiter);
                sb.Append("0x").Append(((ulong)v).ToString("x", CultureInfo.InvariantCulture));
            }
            return sb.ToString();
        }
    }

    internal static long Truncate(long v, int bits, bool signed)
    {
        if (bits >= 64) return v;
        var mask = (1UL << bits) - 1;
        var u = (ulong)v & mask;
        if (signed && (u & (1UL << (bits - 1))) != 0) u |= ~mask;
        return (long)u;
    }

    // ---- parser: recursive descent over C tokens ----
    private sealed class Parser
    {
        private readonly List<string> _tokens;
        private int _pos;

        public Parser(string text) => _tokens = Tokenize(text);

        private string? Peek(int ahead = 0) => _pos + ahead < _tokens.Count ? _tokens[_pos + ahead] : null;
        private string Next() => _pos < _tokens.Count ? _tokens[_pos++] : throw new FormatException("unexpected end");
        public bool Accept(string t) { if (Peek() != t) return false; _pos++; return true; }
        private void Expect(string t) { if (!Accept(t)) throw new FormatException($"expected {t} at {Peek() ?? "end"}"); }
        public void End() { if (_pos != _tokens.Count) throw new FormatException($"unexpected {Peek()}"); }

        /// <summary>One or more adjacent string literals, concatenated; null if none is next.</summary>
        public string? StringLiterals()
        {
            if (Peek() is not { } t || t[0] != '"') return null;
            var sb = new StringBuilder();
            while (Peek() is { } s && s[0] == '"') sb.Append(Unescape(Next()));
            return sb.ToString();
        }

        public Expr Expression() => Conditional();

        private Expr Conditional()
        {
            var test = Binary(0);
            if (!Accept("?")) return test;
            var then = Expression();
            Expect(":");
            return new Conditional(test, then, Conditional());
        }

        private static readonly string[][] Levels =
        [
            ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
        ];

        private Expr Binary(int level)
        {
            if (level == Levels.Length) return UnaryExpr();
            var left = Binary(level + 1);
            while (Peek() is { } op && Levels[level].Contains(op))
            {
                Next();
                left = new Binary(op, left, Binary(level + 1));
            }
            return left;
        }

        private Expr UnaryExpr()
        {
            if (Peek() is "-" or "+" or "!" or "~") { var op = Next(); return new Unary(op, UnaryExpr()); }
            if (Peek() == "(" && CastAhead(out var end))
            {
                var type = _tokens.GetRange(_pos + 1, end - _pos - 1);
                _pos = end + 1;
                var (bits, signed, boolean) = TypeOf(type);
                return new Cast(bits, signed, boolean, UnaryExpr());
            }
            return Postfix(Primary());
        }

        private Expr Postfix(Expr e) =>
            Peek() is "[" or "." or "->" ? throw new FormatException("member or index access") : e;

        private Expr Primary()
        {
            var t = Next();
            if (t == "(") { var e = Expression(); Expect(")"); return e; }
            if (t[0] == '"') { _pos--; return new Literal(StringLiterals()!); }
            if (t[0] == '\'') return new Literal((long)Unescape(t)[0]);
            if (char.IsDigit(t[0])) return new Literal(Number(t));
            if (!IsIdentifier(t)) throw new FormatException($"unexpected {t}");
            if (t == "REC") { Expect("->"); return new Field(Identifier()); }
            if (Accept("(")) return Call(t);
            throw new FormatException($"unknown name {t}"); // an enum the kernel did not resolve, a macro
        }

        private Expr Call(string name)
        {
            switch (name)
            {
                case "__get_str":
                {
                    var f = Identifier();
                    Expect(")");
                    return new GetStr(f);
                }
                case "__print_symbolic":
                {
                    var value = Expression();
                    var table = Table();
                    return new Symbolic(value, table);
                }
                case "__print_flags":
                {
                    var value = Expression();
                    Expect(",");
                    var delimiter = StringLiterals() ?? throw new FormatException("__print_flags without a delimiter");
                    return new Flags(value, delimiter, Table());
                }
                default:
                    throw new FormatException($"function {name}");
            }
        }

        // ", { KEY, "NAME" }, ... )" — the entries after the value (and delimiter) up to the call's end.
        private List<(Expr, string)> Table()
        {
            var table = new List<(Expr, string)>();
            while (Accept(","))
            {
                Expect("{");
                var key = Expression();
                Expect(",");
                var name = StringLiterals() ?? throw new FormatException("table entry without a name");
                Expect("}");
                table.Add((key, name));
            }
            Expect(")");
            return table;
        }

        private string Identifier()
        {
            var t = Next();
            return IsIdentifier(t) ? t : throw new FormatException($"expected a name at {t}");
        }

        // "( TYPE-WORDS [*...] )" followed by the start of an operand: a cast, not a parenthesised name.
        private bool CastAhead(out int end)
        {
            end = -1;
            int i = _pos + 1;
            bool any = false;
            while (i < _tokens.Count && (IsIdentifier(_tokens[i]) || _tokens[i] == "*"))
            {
                if (_tokens[i] == "REC") return false;
                any = true; i++;
            }
            if (!any || i >= _tokens.Count || _tokens[i] != ")") return false;
            var first = _tokens[_pos + 1];
            bool typeWord = TypeWords.Contains(first) || first.EndsWith("_t", StringComparison.Ordinal) || SizedType(first) > 0 || i - _pos > 2;
            if (!typeWord) return false;
            var after = i + 1 < _tokens.Count ? _tokens[i + 1] : null;
            if (after is null || after is ")" or "," or "?" or ":" or "}" ||
                (Levels.Any(l => l.Contains(after)) && after is not "-" and not "+" and not "*" and not "&"))
                return false;
            end = i;
            return true;
        }

        private static readonly HashSet<string> TypeWords = new(StringComparer.Ordinal)
        {
            "unsigned", "signed", "int", "long", "short", "char", "void", "bool", "_Bool", "const", "volatile", "struct", "union", "enum",
        };

        private static int SizedType(string t) => t switch
        {
            "u8" or "s8" or "__u8" or "__s8" or "uint8_t" or "int8_t" => 8,
            "u16" or "s16" or "__u16" or "__s16" or "uint16_t" or "int16_t" => 16,
            "u32" or "s32" or "__u32" or "__s32" or "uint32_t" or "int32_t" => 32,
            "u64" or "s64" or "__u64" or "__s64" or "uint64_t" or "int64_t" => 64,
            _ => 0,
        };

        // Bits -1: the word; 0: leave the value (a typedef whose width the host does not know).
        private static (int Bits, bool Signed, bool Boolean) TypeOf(List<string> words)
        {
            if (words.Contains("*")) return (-1, false, false);
            if (words.Contains("bool") || words.Contains("_Bool")) return (0, false, true);
            if (words.Count == 1 && SizedType(words[0]) is > 0 and var n)
                return (n, words[0][0] == 's' || words[0].StartsWith("__s", StringComparison.Ordinal) || words[0].StartsWith("int", StringComparison.Ordinal), false);
            if (words.Contains("size_t") || words.Contains("uintptr_t")) return (-1, false, false);
            if (words.Contains("ssize_t") || words.Contains("intptr_t")) return (-1, true, false);
            bool unsigned = words.Contains("unsigned");
            int longs = words.Count(w => w == "long");
            if (longs >= 2) return (64, !unsigned, false);
            if (longs == 1) return (-1, !unsigned, false);
            if (words.Contains("short")) return (16, !unsigned, false);
            if (words.Contains("char")) return (8, !unsigned, false);
            if (words.Contains("int") || unsigned || words.Contains("signed")) return (32, !unsigned, false);
            return (0, true, false);
        }

        private static bool IsIdentifier(string t) => t.Length > 0 && (char.IsLetter(t[0]) || t[0] == '_');

        private static long Number(string t)
        {
            var s = t.TrimEnd('u', 'U', 'l', 'L');
            try
            {
                if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    return (long)ulong.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (s.Length > 1 && s[0] == '0')
                    return (long)Convert.ToUInt64(s, 8);
                return (long)ulong.Parse(s, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is OverflowException or ArgumentException or System.FormatException)
            {
                throw new FormatException($"bad number {t}");
            }
        }

        private static List<string> Tokenize(string text)
        {
            var tokens = new List<string>();
            int i = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                int s = i;
                if (c is '"' or '\'')
                {
                    i++;
                    while (i < text.Length && text[i] != c) i += text[i] == '\\' ? 2 : 1;
                    if (i >= text.Length) throw new FormatException("unterminated literal");
                    tokens.Add(text[s..++i]);
                    continue;
                }
                if (char.IsLetterOrDigit(c) || c == '_')
                {
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                    tokens.Add(text[s..i]);
                    continue;
                }
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "->" or "<<" or ">>" or "<=" or ">=" or "==" or "!=" or "&&" or "||") { tokens.Add(two); i += 2; continue; }
                if ("(){},?:+-*/%&|^!~<>[].".Contains(c)) { tokens.Add(c.ToString()); i++; continue; }
                throw new FormatException($"unexpected character {c}");
            }
            return tokens;
        }

        private static string Unescape(string literal)
        {
            var body = literal[1..^1];
            var sb = new StringBuilder();
            for (int i = 0; i < body.Length; i++)
            {
                if (body[i] != '\\' || i + 1 >= body.Length) { sb.Append(body[i]); continue; }
                char e = body[++i];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            return sb.ToString();
        }
    }
}
