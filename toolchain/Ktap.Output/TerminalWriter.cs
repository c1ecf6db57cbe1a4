namespace Ktap.Output;

/// <summary>
/// A writer that passes text on with <see cref="TerminalText.Output"/> applied: for output
/// made wholly of untrusted text and the tool's own layout (`ktapc dump` of a bundle from
/// disk), so no string of the input can reach the terminal raw.
/// </summary>
public sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;
    public override void Write(char value) => inner.Write(TerminalText.Output(value.ToString()));
    public override void Write(string? value) { if (value is not null) inner.Write(TerminalText.Output(value)); }
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));
    public override void WriteLine(string? value) { Write(value); inner.Write(inner.NewLine); }
    public override void WriteLine() => inner.Write(inner.NewLine);
    public override void Flush() => inner.Flush();
}
