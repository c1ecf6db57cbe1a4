using System.Text;
using Ktap.Output;

namespace Ktap.Tool.Remote;

/// <summary>
/// Reads lines from a stream the board writes (the session's stderr) without trusting it to
/// send newlines: a line longer than <see cref="HostLimits.StderrLineChars"/> bytes is cut,
/// and the rest of it is skipped, so a flood never grows one string without bound.
/// </summary>
public sealed class BoundedLines(Stream stream, int maxLine = HostLimits.StderrLineChars)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _at, _end;
    private readonly MemoryStream _line = new();

    /// <summary>The next line (without its newline), or null at the end of the stream.</summary>
    public string? ReadLine()
    {
        _line.SetLength(0);
        var cut = false;
        while (true)
        {
            if (_at == _end)
            {
                _end = stream.Read(_buffer, 0, _buffer.Length);
                _at = 0;
                if (_end <= 0)
                {
                    _end = 0;
                    return _line.Length > 0 || cut ? Text(cut) : null;
                }
            }
            var newline = Array.IndexOf(_buffer, (byte)'\n', _at, _end - _at);
            var stop = newline < 0 ? _end : newline;
            var room = (int)Math.Max(0, maxLine - _line.Length);
            var take = Math.Min(room, stop - _at);
            _line.Write(_buffer, _at, take);
            if (stop - _at > take) cut = true;
            _at = newline < 0 ? _end : newline + 1;
            if (newline >= 0) return Text(cut);
        }
    }

    private string Text(bool cut)
    {
        var s = Encoding.UTF8.GetString(_line.GetBuffer(), 0, (int)_line.Length);
        return cut ? s + "... (line cut)" : s;
    }
}
