using System.Buffers.Binary;
using Ktap.Bundle;
using Ktap.Output;

namespace Ktap.Tool.Remote;

/// <summary>
/// Decodes a session's record stream live with Ktap.Output's decoder: bytes arrive in any
/// chunking, each complete record (its length is the first u32, in the bundle's byte order)
/// is printed as soon as it is whole. The stream comes from the board, so a record's length
/// is checked before anything is buffered for it: the buffer never holds more than one
/// record of at most <see cref="HostLimits.RecordBytes"/> plus the chunk being read, and
/// bytes are moved only once per record.
/// </summary>
public sealed class RecordOutput : ISessionOutput
{
    private readonly OutputDecoder _decoder;
    private readonly OutputFormat _format;
    private readonly TextWriter _output, _diagnostics;
    private byte[] _pending = new byte[64 * 1024];
    private int _count;
    private SummaryRecord? _summary;
    // -T: the board sends a TIME record before each record (docs/record-format.md)
    private ulong? _time;
    private readonly TimestampPrefixer _prefixer = new();

    public RecordOutput(BundleModel bundle, OutputFormat format, TextWriter output, TextWriter diagnostics, bool trustedFormats = false, bool? colour = null)
    {
        _decoder = new OutputDecoder(bundle) { TrustedFormats = trustedFormats, Colour = colour ?? OutputDecoder.TerminalColour(output) };
        _format = format;
        _output = output;
        _diagnostics = diagnostics;
    }

    /// <summary>The board's kernel symbols for stack frames and address keys (null: as the board sent them).</summary>
    public IAddressNames? Names { get => _decoder.Names; set => _decoder.Names = value; }
    public IAddressNames? UserNames { get => _decoder.UserNames; set => _decoder.UserNames = value; }
    /// <summary>The board's event formats for `argevent` (null: the event's fields as the module sent them).</summary>
    public Ktap.Output.Events.IEventLines? EventLines { get => _decoder.EventLines; set => _decoder.EventLines = value; }

    /// <summary>Sees every decoded record as it arrives, before it is printed (--folded, --flamegraph).</summary>
    public Action<Record>? RecordSeen { get; set; }

    /// <summary>The most bytes held at once (for tests of the bound).</summary>
    public int BufferSize => _pending.Length;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            // Complete the record in the buffer first (or at least its header).
            if (_count > 0)
            {
                var need = (_count < RecordReader.HeaderSize ? RecordReader.HeaderSize : Length(_pending)) - _count;
                var take = Math.Min(need, data.Length);
                Reserve(_count + take);
                data[..take].CopyTo(_pending.AsSpan(_count));
                _count += take;
                data = data[take..];
                if (_count >= RecordReader.HeaderSize && _count == Length(_pending))
                {
                    Decode(_pending.AsSpan(0, _count));
                    _count = 0;
                }
                continue;
            }
            // Whole records straight from the chunk, no copy.
            if (data.Length >= RecordReader.HeaderSize && Length(data) is var length && data.Length >= length)
            {
                Decode(data[..length]);
                data = data[length..];
                continue;
            }
            // The start of a record: keep it (the header is checked once it is whole).
            var first = Math.Min(data.Length, data.Length >= RecordReader.HeaderSize ? Length(data) : RecordReader.HeaderSize);
            Reserve(first);
            data[..first].CopyTo(_pending);
            _count = first;
            data = data[first..];
        }
        _output.Flush();
    }

    // The record length of a header, checked against the limits before it is trusted.
    private int Length(ReadOnlySpan<byte> header)
    {
        var field = header.Slice(RecordLayout.OffLength, RecordLayout.SizeLength);
        var length = _decoder.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field);
        if (length < RecordReader.HeaderSize || length % RecordLayout.Align != 0 || length > HostLimits.RecordBytes)
            throw new KtapException(ExitCodes.Failure,
                $"cannot decode the board's output: a record of {length} bytes (records are {RecordLayout.HeaderSize} to {HostLimits.RecordBytes} bytes, a multiple of {RecordLayout.Align})");
        return (int)length;
    }

    private void Reserve(int size)
    {
        if (size > _pending.Length) Array.Resize(ref _pending, Math.Min(HostLimits.RecordBytes, Math.Max(size, _pending.Length * 2)));
    }

    private void Decode(ReadOnlySpan<byte> record)
    {
        try
        {
            foreach (var r in RecordReader.ReadAll(record.ToArray(), _decoder.BigEndian))
            {
                if (r is TimeRecord t) { _time = t.Nanoseconds; continue; } // the next record's time
                if (r is SummaryRecord s) _summary = s;
                RecordSeen?.Invoke(r);
                if (_format == OutputFormat.Json) _output.Write(_decoder.Json(r, _time) + "\n");
                else if (_time is { } ns) Timestamped(r, ns);
                else _decoder.Text(r, _output, _diagnostics);
            }
        }
        catch (Exception e) when (e is RecordFormatException or PrintfException or OverflowException or ArgumentException or FormatException)
        {
            throw new KtapException(ExitCodes.Failure, $"cannot decode the board's output: {TerminalText.Quote(e.Message)}");
        }
    }

    // Text with -T: the record's lines start with its time; errors and the summary (ktap's
    // own report, on stderr) are not output lines and keep their form.
    private void Timestamped(Record r, ulong ns)
    {
        var text = new StringWriter();
        _decoder.Text(r, text, _diagnostics);
        if (r is AnsiRecord) { _prefixer.Pass(text.ToString()); _output.Write(text.ToString()); }
        else _output.Write(_prefixer.Apply(text.ToString(), ns));
    }

    public bool Ended => _summary is not null; // read on the thread that decodes

    public SessionSummary? Complete()
    {
        if (_count > 0) _diagnostics.WriteLine($"ktap: the stream ended inside a record ({_count} bytes left over)");
        return _summary is null ? null : new SessionSummary(_summary.Lost, _summary.RuntimeErrors, []) { ExitCode = _summary.ExitCode };
    }
}
