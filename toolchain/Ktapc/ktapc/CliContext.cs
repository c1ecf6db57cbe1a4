namespace Ktap.Cli;

/// <summary>The streams a ktapc run reads and writes; tests pass their own.</summary>
public sealed record CliContext(TextReader In, TextWriter Out, TextWriter Error, string CurrentDirectory)
{
    public static CliContext FromConsole() => new(Console.In, Console.Out, Console.Error, Environment.CurrentDirectory);

    public string FullPath(string path) => Path.GetFullPath(path, CurrentDirectory);

    /// <summary>Prints "ktapc: message" on the error stream and returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine($"ktapc: {message}");
        return exitCode;
    }
}
