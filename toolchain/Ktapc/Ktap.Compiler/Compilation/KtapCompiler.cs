using Ktap.Diagnostics;

namespace Ktap.Compilation;

/// <summary>What to compile and for which target profile (a name or alias from `ktapc targets`).</summary>
public sealed record CompileOptions(string Target, string FileName, string Source)
{
    /// <summary>The script's arguments (arg[1..]); arg[0] is the file name.</summary>
    public IReadOnlyList<string> ScriptArguments { get; init; } = Array.Empty<string>();
    /// <summary>Session budgets for the bundle's LIMITS section (`--limit KEY=N`, Bundle.LimitSetting).</summary>
    public IReadOnlyList<(Ktap.Bundle.LimitKey Key, ulong Value)> Limits { get; init; } = Array.Empty<(Ktap.Bundle.LimitKey, ulong)>();
    /// <summary>Turn every warning into an error.</summary>
    public bool WarningsAsErrors { get; init; }
}

/// <summary>The bundle (null when any error was reported) and every diagnostic, in source order.</summary>
public sealed record CompileResult(byte[]? Bundle, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Success => Bundle is not null;
}

/// <summary>The one entry point that ktapc, Ktap.Targets and ktap use to compile a script.</summary>
public static partial class KtapCompiler
{
    public static CompileResult Compile(CompileOptions options) => CompileCore(options);

    // Implemented by the compiler pipeline (lex → parse → bind → emit → write bundle).
    private static partial CompileResult CompileCore(CompileOptions options);
}
