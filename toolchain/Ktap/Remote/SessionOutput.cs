namespace Ktap.Tool.Remote;

/// <summary>What the board reported at the end of a session (its summary record).</summary>
public sealed record SessionSummary(ulong LostRecords, ulong RuntimeErrors, IReadOnlyList<string> Messages)
{
    /// <summary>The script's exit(code), when it gave one (the summary record's a = 1).</summary>
    public long? ExitCode { get; init; }

    /// <summary>The status the session asks for: Output.SummaryRecord.SessionStatus's rule.</summary>
    public int SessionStatus => new Output.SummaryRecord(LostRecords, RuntimeErrors, 0, 0, [], 0) { ExitCode = ExitCode }.SessionStatus;
}

/// <summary>
/// Where a session's record stream goes: decoded live as bytes arrive (in any chunking), then
/// completed at EOF, giving the board's summary (null when the stream had no summary record).
/// </summary>
public interface ISessionOutput
{
    void Write(ReadOnlySpan<byte> data);
    SessionSummary? Complete();
    /// <summary>The board's summary record has arrived: the session is over on the board
    /// (exit() in a handler ends it there while a workload may still run).</summary>
    bool Ended => false;
}
