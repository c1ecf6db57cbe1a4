using Ktap.Diagnostics;

namespace Ktap.Targets.Host;

/// <summary>
/// MSBuild's canonical message form with the full span, which MSBuild turns into an error or
/// warning event carrying code, file, line, column, end line and end column:
/// <c>/src/probes/a.kp(3,5,3,9): error KTAP1003: message</c>.
/// </summary>
internal static class CanonicalDiagnostic
{
    public static string Format(Diagnostic diagnostic, string file) =>
        $"{file}({diagnostic.Line},{diagnostic.Column},{diagnostic.EndLine},{diagnostic.EndColumn}): " +
        $"{(diagnostic.IsError ? "error" : "warning")} {diagnostic.Code}: {OneLine(diagnostic.Message)}";

    /// <summary>A message about a whole file (no position), e.g. it cannot be read.</summary>
    public static string FileError(string file, string code, string message) =>
        $"{file}: error {code}: {OneLine(message)}";

    public static string FileWarning(string file, string code, string message) =>
        $"{file}: warning {code}: {OneLine(message)}";

    // MSBuild parses one line at a time; a line break would cut the message.
    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
