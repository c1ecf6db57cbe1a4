using Ktap.Tool.Boards;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>
/// What every command's plain method gets: writers, the environment, the board catalog and
/// how to connect. Tests build one with string writers and their own catalog.
/// </summary>
public sealed class CommandContext
{
    public CommandContext(TextWriter output, TextWriter error, Func<string, string?> env, BoardCatalog catalog)
    {
        Out = output;
        Err = error;
        Env = env;
        Catalog = catalog;
    }

    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public Func<string, string?> Env { get; }
    public BoardCatalog Catalog { get; }

    /// <summary>Cancelled by Ctrl-C (SIGINT): a running session then ends in order.</summary>
    public CancellationToken Interrupt { get; init; }

    /// <summary>Err is a terminal (a person watches it): `ktap run` then says when tracing starts.</summary>
    public bool ErrIsTerminal { get; init; }

    public static CommandContext FromProcess(TextWriter output, TextWriter error, CancellationToken interrupt = default, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        return new CommandContext(output, error, env, BoardCatalog.FromEnvironment(env))
        {
            Interrupt = interrupt,
            ErrIsTerminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected,
        };
    }

    public BoardProfile Board(string? name) => Catalog.Load(name ?? Catalog.DefaultBoardName());

    public BoardConnection Connect(BoardProfile board, SshSettings settings) =>
        BoardConnection.Open(SshEndpoint.From(board), settings, Err);

    /// <summary>
    /// Runs a command body: a <see cref="KtapException"/> becomes its message and exit code.
    /// The message may quote the board: it is escaped for the terminal (newlines kept, they
    /// separate a profile's errors). Anything else goes to the one top-level handler (KtapCli.Run).
    /// </summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (KtapException e)
        {
            Err.WriteLine($"ktap: error: {Ktap.Output.TerminalText.Escape(e.Message, keepNewline: true)}");
            return e.ExitCode;
        }
    }
}
