namespace Ktap.Cli;

/// <summary>The streams a ktapc run reads and writes; tests pass their own.</summary>
public sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, string CurrentDirectory)
{
    /// <summary>The process's streams. Standard input is opened only when a script is read from it
    /// ("-"): setting up Console.In cost about 2 % of a cold compile that never reads it.</summary>
    public static CliContext FromConsole() => new(new StdinOnFirstUse(), Console.Out, Console.Error, Environment.CurrentDirectory);

    private sealed class StdinOnFirstUse : TextReader
    {
        public override int Peek() => Console.In.Peek();
        public override int Read() => Console.In.Read();
        public override int Read(char[] buffer, int index, int count) => Console.In.Read(buffer, index, count);
        public override string? ReadLine() => Console.In.ReadLine();
        public override string ReadToEnd() => Console.In.ReadToEnd();
    }

    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);

    /// <summary>Prints "ktapc: message" on the error stream and returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"ktapc: {message}");
        return exitCode;
    }
}
