using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Diagnostics;
using Ktap.Catalog;

namespace Ktap.Targets.Host;

/// <summary>
/// Compiles every script of one request: reports each diagnostic against the script's full
/// path, writes each bundle atomically, and removes the stale bundle of a script that failed
/// so that nothing outdated can be deployed. With a board (a saved event catalog), each
/// compiled script's tracepoints and `args.NAME` fields are checked against it
/// (<see cref="EventCheck"/>, the same check as `ktap run`).
/// </summary>
internal sealed class ScriptBatch(CompileRequest request, Func<CompileOptions, CompileResult> compile, TextWriter output)
{
    private EventCatalog? _catalog;
    private string _boardName = "";

    public bool Run()
    {
        if (request.Board is { } board && !LoadCatalog(board))
        {
            // Compiling without the check would let a build pass that was asked to check.
            foreach (var script in request.Scripts)
                DeleteStale(script.Output);
            return false;
        }
        bool allCompiled = true;
        foreach (var script in request.Scripts)
            allCompiled &= CompileOne(script);
        return allCompiled;
    }

    private bool LoadCatalog(string board)
    {
        try
        {
            _catalog = SavedCatalog.Load(board);
            _boardName = SavedCatalog.DisplayName(board);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.WriteLine(CanonicalDiagnostic.FileError(board, "KTAPMSB101",
                $"cannot read the event catalog named by KtapBoard: {e.Message} (KtapBoard takes the catalog folder ktap saves, ${{KTAP_STATE_DIR}}/boards/NAME/catalog/RELEASE/, or its {SavedCatalog.FormatsFile})"));
            return false;
        }
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

        var diagnostics = result.Diagnostics.ToList();
        if (_catalog is not null && result.Bundle is not null && !result.Diagnostics.Any(d => d.IsError))
            diagnostics.AddRange(EventDiagnostics.From(EventCheck.Check(BundleReader.Read(result.Bundle), _catalog), fileName, source, _boardName));
        foreach (var diagnostic in diagnostics)
            output.WriteLine(CanonicalDiagnostic.Format(diagnostic, ResolveFile(diagnostic, fileName, script.Source)));

        if (result.Bundle is null || diagnostics.Any(d => d.IsError))
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
