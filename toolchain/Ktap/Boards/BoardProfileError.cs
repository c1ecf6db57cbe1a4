namespace Ktap.Tool.Boards;

/// <summary>One problem in a profile file, at the YAML mark where it is (1-based line and column).</summary>
public sealed record BoardProfileError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: error: {Message}";
}

public sealed class BoardProfileException : KtapException
{
    public BoardProfileException(IReadOnlyList<BoardProfileError> errors)
        : base(ExitCodes.BoardProfile, string.Join(Environment.NewLine, errors)) => Errors = errors;
    public IReadOnlyList<BoardProfileError> Errors { get; }
}
