namespace Ktap.Diagnostics;

public enum DiagnosticSeverity { Warning, Error }

/// <summary>
/// One message about a script, with a stable code (KTAPnnnn) and the span it is about
/// (1-based lines and columns; the end is inclusive of the last character's column + 1).
/// </summary>
public sealed record Diagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string Message,
    string File,
    int Line,
    int Column,
    int EndLine,
    int EndColumn)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>MSBuild's canonical form, which IDEs and CI logs recognise:
    /// <c>trace.kp(12,5): error KTAP1003: message</c>.</summary>
    public override string ToString() =>
        $"{File}({Line},{Column}): {(IsError ? "error" : "warning")} {Code}: {Message}";
}
