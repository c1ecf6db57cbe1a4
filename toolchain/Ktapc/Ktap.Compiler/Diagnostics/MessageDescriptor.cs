namespace Ktap.Diagnostics;

/// <summary>
/// One entry of the message catalog: a stable code, a severity and a composite-format
/// message ({0}, {1}, ...). Every message the compiler can report is one of these, in
/// <see cref="Messages"/>; docs/diagnostics.md lists them all (a test checks it).
/// </summary>
public sealed record MessageDescriptor(string Code, DiagnosticSeverity Severity, string Format)
{
    public string Render(object?[] args) =>
        args.Length == 0 ? Format : string.Format(System.Globalization.CultureInfo.InvariantCulture, Format, args);
}
