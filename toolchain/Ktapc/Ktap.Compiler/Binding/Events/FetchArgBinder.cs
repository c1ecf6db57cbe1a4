using System.Globalization;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Text;

namespace Ktap.Binding.Events;

/// <summary>
/// Kprobe-tracer fetch-args (`name=%REG`, `name=+OFF(%REG)`, `$stack`, `$stackN`, `$retval`,
/// and the portable `$argN`), checked and resolved for the target's registers.
/// </summary>
public sealed class FetchArgBinder(TargetProfile target, DiagnosticBag diagnostics)
{
    private static readonly Dictionary<string, FetchType> Types = new(StringComparer.Ordinal)
    {
        ["s8"] = FetchType.S8, ["s16"] = FetchType.S16, ["s32"] = FetchType.S32, ["s64"] = FetchType.S64,
        ["u8"] = FetchType.U8, ["u16"] = FetchType.U16, ["u32"] = FetchType.U32, ["u64"] = FetchType.U64,
        ["x8"] = FetchType.U8, ["x16"] = FetchType.U16, ["x32"] = FetchType.U32, ["x64"] = FetchType.U64,
        ["string"] = FetchType.String,
    };

    public List<FetchArgModel> Bind(List<(string Text, int Start)> words, bool isReturn, bool userSpace)
    {
        var result = new List<FetchArgModel>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (text, start) in words)
        {
            var arg = BindOne(text, start, result.Count + 1, isReturn, userSpace);
            if (arg == null) continue;
            if (!names.Add(arg.Name))
                diagnostics.Report(Messages.DuplicateFetchArg, new TextSpan(start, text.Length), arg.Name);
            result.Add(arg);
        }
        return result;
    }

    private FetchArgModel? BindOne(string text, int start, int position, bool isReturn, bool userSpace)
    {
        string name = "arg" + position.ToString(CultureInfo.InvariantCulture);
        string value = text;
        int valueStart = start;
        int eq = text.IndexOf('=');
        if (eq >= 0)
        {
            name = text[..eq];
            value = text[(eq + 1)..];
            valueStart = start + eq + 1;
            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return Bad(text, start);
        }
        // Untyped fetches are one signed machine word, as the kernel's kprobe tracer reads them:
        // 8 bytes at +OFF(%REG) on a 32-bit target would read the next word too.
        var type = target.WordSize == 4 ? FetchType.S32 : FetchType.S64;
        int typeColon = value.LastIndexOf(':');
        if (typeColon >= 0)
        {
            var typeText = value[(typeColon + 1)..];
            if (!Types.TryGetValue(typeText, out type))
            {
                diagnostics.Report(Messages.BadFetchType, new TextSpan(valueStart + typeColon + 1, Math.Max(1, typeText.Length)), typeText);
                return null;
            }
            value = value[..typeColon];
        }
        if (value.StartsWith('%'))
        {
            var reg = Register(value[1..], valueStart);
            return reg < 0 ? null : new FetchArgModel(name, FetchSource.Register, type, reg, 0);
        }
        if (value == "$stack") return new FetchArgModel(name, FetchSource.StackPointer, type, 0, 0);
        if (value == "$retval")
        {
            if (!isReturn) { diagnostics.Report(Messages.RetvalNotReturnProbe, new TextSpan(valueStart, value.Length)); return null; }
            return new FetchArgModel(name, FetchSource.ReturnValue, type, 0, 0);
        }
        if (value.StartsWith("$stack", StringComparison.Ordinal) && int.TryParse(value.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
            return new FetchArgModel(name, FetchSource.StackSlot, type, 0, slot);
        if (value.StartsWith("$arg", StringComparison.Ordinal) && int.TryParse(value.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return Argument(name, n, type, new TextSpan(valueStart, value.Length), userSpace);
        // [+-]OFF(%REG)
        int open = value.IndexOf('(');
        if (open >= 0 && value.EndsWith(')'))
        {
            var offText = value[..open];
            var inner = value[(open + 1)..^1];
            long sign = 1;
            if (offText.StartsWith('+')) offText = offText[1..];
            else if (offText.StartsWith('-')) { sign = -1; offText = offText[1..]; }
            bool okOffset = offText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? long.TryParse(offText.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var off) && offText.Length > 2
                : long.TryParse(offText, NumberStyles.None, CultureInfo.InvariantCulture, out off);
            if (!okOffset || !inner.StartsWith('%')) return Bad(text, start);
            var reg = Register(inner[1..], valueStart + open + 1);
            return reg < 0 ? null : new FetchArgModel(name, FetchSource.Memory, type, reg, sign * off);
        }
        return Bad(text, start);
    }

    private FetchArgModel? Bad(string text, int start)
    {
        diagnostics.Report(Messages.BadFetchArg, new TextSpan(start, Math.Max(1, text.Length)), text);
        return null;
    }

    /// <summary>The register's bundle number, or -1 after reporting it at its column (the '%' included).</summary>
    private int Register(string name, int percentPosition)
    {
        foreach (var r in target.Registers.Registers)
            if (r.Name == name) return r.Number;
        diagnostics.Report(Messages.UnknownRegister, new TextSpan(percentPosition, name.Length + 1), name, target.Name,
            string.Join(" ", target.Registers.Registers.Select(r => "%" + r.Name)));
        return -1;
    }

    private FetchArgModel? Argument(string name, int n, FetchType type, TextSpan span, bool userSpace)
    {
        if (n < 1 || n > 64) { diagnostics.Report(Messages.ArgNumberInvalid, span, n); return null; }
        var regs = CallingConvention.ArgumentRegisters(target, userSpace);
        if (n <= regs.Count)
        {
            var reg = target.Registers.Registers.First(r => r.Name == regs[n - 1]);
            return new FetchArgModel(name, FetchSource.Register, type, reg.Number, 0);
        }
        int slot = CallingConvention.FirstStackArgumentSlot(target.Arch) + (n - regs.Count - 1);
        diagnostics.Report(Messages.ArgOnStack, span, n, target.Name, slot);
        return new FetchArgModel(name, FetchSource.StackSlot, type, 0, slot);
    }
}
