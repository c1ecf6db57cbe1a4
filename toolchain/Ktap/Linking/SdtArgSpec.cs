using System.Globalization;
using System.Text.RegularExpressions;
using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Tool.Linking;

/// <summary>
/// Turns one argument spec of a USDT note ("-4@%edx", "8@-8(%rbp)", "-4@[r7, #-12]",
/// "-4@x2", "-4@9") into the bundle's fetch-arg (a register, or memory at register +
/// offset, with the sized type the spec gives: "-4" is s32, "8" u64). The operand is in the
/// target assembler's syntax, which sys/sdt.h copies from the compiler's asm operand.
/// What the bundle cannot express gives a reason instead: a constant ("$5", "#5"), an
/// address relative to a symbol or with an index register, a value wider than the register
/// that holds it (a 64-bit value in one 32-bit register: its other half is in a register
/// the note does not name).
/// </summary>
public static partial class SdtArgSpec
{
    /// <summary>The fetch-arg "argN" for the spec, or the reason it cannot be one.</summary>
    public static (FetchArgModel? Arg, string? Why) Translate(string spec, int number, TargetProfile target)
    {
        var name = "arg" + number.ToString(CultureInfo.InvariantCulture);
        var at = spec.IndexOf('@');
        int size = target.WordSize;
        var signed = true;
        var operand = spec;
        if (at >= 0)
        {
            if (!int.TryParse(spec.AsSpan(0, at), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || Math.Abs(n) is not (1 or 2 or 4 or 8))
                return (null, "its size is not 1, 2, 4 or 8 bytes");
            signed = n < 0;
            size = Math.Abs(n);
            operand = spec[(at + 1)..];
        }
        var type = (size, signed) switch
        {
            (1, true) => FetchType.S8, (1, false) => FetchType.U8,
            (2, true) => FetchType.S16, (2, false) => FetchType.U16,
            (4, true) => FetchType.S32, (4, false) => FetchType.U32,
            (_, true) => FetchType.S64, _ => FetchType.U64,
        };
        var parsed = target.Arch switch
        {
            TargetArch.X86 or TargetArch.X86_64 => X86(operand),
            TargetArch.ArmV7 => Arm(operand),
            TargetArch.Arm64 => Arm64(operand),
            TargetArch.PowerPC => PowerPC(operand),
            _ => null,
        };
        if (parsed is not { } p) return (null, Unsupported(operand));
        var reg = target.FindRegister(p.Register);
        if (reg is null) return (null, $"register '{p.Register}' is not one of {target.Name}'s");
        var width = p.Width == 0 ? target.WordSize : p.Width;
        if (!p.Memory && size > width)
            return (null, $"a {size * 8}-bit value in a {width * 8}-bit register: the other half is in a register the note does not name");
        return (new FetchArgModel(name, p.Memory ? FetchSource.Memory : FetchSource.Register, type, reg.Number, p.Offset), null);
    }

    private static string Unsupported(string operand) =>
        operand.StartsWith('$') || operand.StartsWith('#') || operand.StartsWith('i') ? "it is a constant, not a register or memory"
        : "it is neither a register nor memory at a register + offset (a symbol-relative or indexed address?)";

    /// <summary>The register (named as in ktap_regs.def), its width in bytes (0: the word), memory or not, offset.</summary>
    private readonly record struct Operand(string Register, int Width, bool Memory, long Offset);

    [GeneratedRegex(@"^([+-]?(?:0x[0-9a-fA-F]+|\d+))?\(%([a-z0-9]+)\)$")]
    private static partial Regex X86Memory();

    private static Operand? X86(string text)
    {
        if (text.StartsWith('%')) return X86Register(text[1..]) is { } r ? new Operand(r.Name, r.Width, false, 0) : null;
        var m = X86Memory().Match(text);
        if (!m.Success || X86Register(m.Groups[2].Value) is not { } b || !Offset(m.Groups[1].Value, out var off)) return null;
        return new Operand(b.Name, 0, true, off);
    }

    // rax eax ax al → ax (8, 4, 2, 1 bytes); r8 r8d r8w r8b → r8. ah..dh are the second byte
    // of a register: no fetch-arg reads that.
    private static (string Name, int Width)? X86Register(string r)
    {
        if (r.Length >= 2 && r[0] == 'r' && char.IsAsciiDigit(r[1]))
        {
            var digits = r[1..].TrimEnd('d', 'w', 'b');
            var suffix = r[(1 + digits.Length)..];
            var width = suffix switch { "" => 8, "d" => 4, "w" => 2, "b" => 1, _ => -1 };
            return width < 0 ? null : ("r" + digits, width);
        }
        string[] bases = ["ax", "bx", "cx", "dx", "si", "di", "bp", "sp", "ip"];
        foreach (var b in bases)
        {
            if (r == "r" + b) return (b, 8);
            if (r == "e" + b) return (b, 4);
            if (r == b) return (b, 2);
        }
        return r switch
        {
            "al" => ("ax", 1), "bl" => ("bx", 1), "cl" => ("cx", 1), "dl" => ("dx", 1),
            "sil" => ("si", 1), "dil" => ("di", 1), "bpl" => ("bp", 1), "spl" => ("sp", 1),
            _ => null,
        };
    }

    [GeneratedRegex(@"^\[([a-z0-9]+)(?:,\s*#?([+-]?(?:0x[0-9a-fA-F]+|\d+)))?\]$")]
    private static partial Regex BracketMemory();

    private static Operand? Arm(string text)
    {
        static string? Reg(string r) => r switch
        {
            "fp" => "r11", "ip" => "r12", "sl" => "r10", "sb" => "r9", "sp" or "lr" or "pc" => r,
            _ when Regex.IsMatch(r, "^r([0-9]|1[0-5])$") => r switch { "r13" => "sp", "r14" => "lr", "r15" => "pc", _ => r },
            _ => null,
        };
        return Bracketed(text, Reg, _ => 0);
    }

    private static Operand? Arm64(string text) => Bracketed(text,
        r => r == "sp" ? "sp" : Regex.IsMatch(r, "^[xw]([0-9]|[12][0-9]|30)$") ? "x" + r[1..] : null,
        r => r.StartsWith('w') ? 4 : 0);

    // "r7" or "[r7]" or "[r7, #-12]" (ARM), "[sp, 24]" (AArch64)
    private static Operand? Bracketed(string text, Func<string, string?> reg, Func<string, int> width)
    {
        if (!text.StartsWith('['))
            return reg(text) is { } r ? new Operand(r, width(text), false, 0) : null;
        var m = BracketMemory().Match(text);
        if (!m.Success || reg(m.Groups[1].Value) is not { } b || !Offset(m.Groups[2].Value, out var off)) return null;
        return new Operand(b, 0, true, off);
    }

    [GeneratedRegex(@"^(?:%?r)?([0-9]|[12][0-9]|3[01])$")]
    private static partial Regex PpcRegister();

    [GeneratedRegex(@"^([+-]?(?:0x[0-9a-fA-F]+|\d+))\((?:%?r)?([0-9]|[12][0-9]|3[01])\)$")]
    private static partial Regex PpcMemory();

    // GCC prints PowerPC registers as bare numbers: "-4@9" is r9, "-4@8(31)" memory at r31+8.
    private static Operand? PowerPC(string text)
    {
        if (PpcRegister().Match(text) is { Success: true } r) return new Operand("gpr" + r.Groups[1].Value, 0, false, 0);
        var m = PpcMemory().Match(text);
        if (!m.Success || !Offset(m.Groups[1].Value, out var off)) return null;
        return new Operand("gpr" + m.Groups[2].Value, 0, true, off);
    }

    private static bool Offset(string text, out long value)
    {
        value = 0;
        if (text.Length == 0) return true;
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('+', '-');
        var ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (negative) value = -value;
        return ok;
    }
}
