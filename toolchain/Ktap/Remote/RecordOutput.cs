using System.Buffers.Binary;
using Ktap.Bundle;
using Ktap.Output;

namespace Ktap.Tool.Remote;

/// <summary>
/// Decodes a session's record stream live with Ktap.Output's decoder: bytes arrive in any
/// chunking, each complete record (its length is the first u32, in the bundle's byte order)
/// is printed as soon as it is whole.
/// </summary>
public sealed class RecordOutput : ISessionOutput
{
    private readonly OutputDecoder _decoder;
    private readonly OutputFormat _format;
    private readonly TextWriter _output, _diagnostics;
    private byte[] _pending = new byte[64 * 1024];
    private int _count;
    private SummaryRecord? _summary;

    public RecordOutput(BundleModel bundle, OutputFormat format, TextWriter output, TextWriter diagnostics)
    {
        _decoder = new OutputDecoder(bundle);
        _format = format;
        _output = output;
        _diagnostics = diagnostics;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (_count + data.Length > _pending.Length) Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _count + data.Length));
        data.CopyTo(_pending.AsSpan(_count));
        _count += data.Length;
        var used = 0;
        while (_count - used >= RecordReader.HeaderSize)
        {
            var span = _pending.AsSpan(used);
            var length = (int)(_decoder.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span));
            if (length < RecordReader.HeaderSize)
                throw new KtapException(ExitCodes.Failure, $"the board sent a damaged record (length {length})");
            if (_count - used < length) break;
            Decode(_pending.AsSpan(used, length).ToArray());
            used += length;
        }
        _pending.AsSpan(used, _count - used).CopyTo(_pending);
        _count -= used;
        _output.Flush();
    }

    private void Decode(byte[] record)
    {
        try
        {
            foreach (var r in RecordReader.ReadAll(record, _decoder.BigEndian))
            {
                if (r is SummaryRecord s) _summary = s;
                if (_format == OutputFormat.Json) _output.Write(_decoder.Json(r) + "\n");
                else _decoder.Text(r, _output, _diagnostics);
            }
        }
        catch (Exception e) when (e is RecordFormatException or PrintfException)
        {
            throw new KtapException(ExitCodes.Failure, $"cannot decode the board's output: {e.Message}");
        }
    }

    public SessionSummary? Complete()
    {
        if (_count > 0) _diagnostics.WriteLine($"ktap: the stream ended inside a record ({_count} bytes left over)");
        return _summary is null ? null : new SessionSummary(_summary.Lost, _summary.RuntimeErrors, []);
    }
}
