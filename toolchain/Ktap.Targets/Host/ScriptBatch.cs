using Ktap.Compilation;
using Ktap.Diagnostics;

namespace Ktap.Targets.Host;

/// <summary>
/// Compiles every script of one request: reports each diagnostic against the script's full
/// path, writes each bundle atomically, and removes the stale bundle of a script that failed
/// so that nothing outdated can be deployed.
/// </summary>
internal sealed class ScriptBatch(CompileRequest request, Func<CompileOptions, CompileResult> compile, TextWriter output)
{
    public bool Run()
    {
        bool allCompiled = true;
        foreach (var script in request.Scripts)
            allCompiled &= CompileOne(script);
        if (request.Board is { } board)
            allCompiled &= ReportBoardNotChecked(board);
        return allCompiled;
    }

    private bool CompileOne(ScriptRequest script)
    {
        string source;
        try
        {
            source = File.ReadAllText(script.Source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine(CanonicalDiagnostic.FileError(script.Source, "KTAPMSB012", $"cannot read the script: {e.Message}"));
            DeleteStale(script.Output);
            return false;
        }

        // The bundle records only the file name: no host paths inside a bundle.
        var fileName = Path.GetFileName(script.Source);
        CompileResult result;
        try
        {
            result = compile(new CompileOptions(script.Target, fileName, source) { WarningsAsErrors = request.WarningsAsErrors });
        }
        catch (Exception e)
        {
            output.WriteLine(CanonicalDiagnostic.FileError(script.Source, "KTAPMSB013", $"internal compiler error: {e.GetType().Name}: {e.Message}"));
            DeleteStale(script.Output);
            return false;
        }

        foreach (var diagnostic in result.Diagnostics)
            output.WriteLine(CanonicalDiagnostic.Format(diagnostic, ResolveFile(diagnostic, fileName, script.Source)));

        if (result.Bundle is null || result.Diagnostics.Any(d => d.IsError))
        {
            DeleteStale(script.Output);
            return false;
        }
        WriteAtomically(script.Output, result.Bundle);
        output.WriteLine($"ktapc-msbuild: {script.Source} -> {script.Output} ({script.Target}, {result.Bundle.Length} bytes)");
        return true;
    }

    // Diagnostics name the file as the compiler was given it; IDEs need the full path.
    private static string ResolveFile(Diagnostic diagnostic, string fileName, string fullPath) =>
        string.IsNullOrEmpty(diagnostic.File) || diagnostic.File == fileName ? fullPath : diagnostic.File;

    private bool ReportBoardNotChecked(string board)
    {
        // Not finished: CompileOptions has no board or event catalog input yet, so say so
        // rather than let the build look as if events had been checked.
        var message = File.Exists(board)
            ? $"events were not checked against this board profile or catalog: the ktap compiler in this package cannot check events yet ({request.Scripts.Count} script(s) compiled without the check)"
            : "the board profile or event catalog named by KtapBoard does not exist";
        output.WriteLine(File.Exists(board)
            ? CanonicalDiagnostic.FileWarning(board, "KTAPMSB100", message)
            : CanonicalDiagnostic.FileError(board, "KTAPMSB101", message));
        return File.Exists(board);
    }

    private static void WriteAtomically(string path, byte[] bundle)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bundle);
        File.Move(temporary, path, overwrite: true);
    }

    private static void DeleteStale(string path)
    {
        if (File.Exists(path))
            File.Delete(path);
    }
}
