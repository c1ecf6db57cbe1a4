using System.CommandLine;
using Ktap.Bundle;
using Ktap.Bytecode;
using Ktap.Output;

namespace Ktap.Cli;

/// <summary>`ktapc dump trace.kbc`: header fields, section table and the disassembly with source lines.</summary>
public static class DumpCommand
{
    public static Command Create(CliContext context)
    {
        var bundle = new Argument<string>("bundle") { Description = "Bundle file (.kbc) to show." };
        var source = CommonOptions.Source();
        var command = new Command("dump", "Show a bundle's header, section table and disassembly.") { bundle, source };
        command.SetAction(parse => Run(parse.GetValue(bundle)!, parse.GetValue(source), context));
        return command;
    }

    public static int Run(string bundlePath, string? sourcePath, CliContext context)
    {
        byte[] data;
        try { data = File.ReadAllBytes(context.FullPath(bundlePath)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.Fail(ExitCodes.Usage, $"cannot read '{bundlePath}': {e.Message}");
        }

        BundleModel model;
        try { model = BundleReader.Read(data); }
        catch (BundleFormatException e) { return context.Fail(ExitCodes.ScriptError, $"{bundlePath}: {e.Message}"); }

        string? source = null;
        if (sourcePath is not null)
        {
            try { source = File.ReadAllText(context.FullPath(sourcePath)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.Fail(ExitCodes.Usage, $"cannot read '{sourcePath}': {e.Message}");
            }
        }
        else source = FindSource(bundlePath, model.SourceName, context);

        // Every string of the bundle is untrusted text: control characters are escaped.
        var output = new TerminalWriter(context.Out);
        output.WriteLine($"bundle {bundlePath}: {data.Length} bytes, target {model.Target.Name}");
        BundleDescriber.Describe(data, model, output);
        BundleDescriber.DescribeTables(model, output);
        output.WriteLine();
        Disassembler.Disassemble(model, output, source);
        output.Flush();
        return ExitCodes.Success;
    }

    // The bundle's source_name is untrusted text, never a path to open: only a script file
    // (.kp) of that plain name right beside the bundle is read, so a bundle cannot make dump
    // print lines of another local file (--source names any file explicitly).
    private static string? FindSource(string bundlePath, string? sourceName, CliContext context)
    {
        if (sourceName is null || !IsPlainScriptName(Path.GetFileName(sourceName))) return null;
        var bundleDir = Path.GetDirectoryName(context.FullPath(bundlePath)) ?? context.CurrentDirectory;
        var candidate = Path.Combine(bundleDir, Path.GetFileName(sourceName));
        if (!File.Exists(candidate) || new FileInfo(candidate).Length > SourceLimit) return null;
        try { return File.ReadAllText(candidate); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private const int SourceLimit = 16 << 20;

    private static bool IsPlainScriptName(string name) =>
        name.EndsWith(".kp", StringComparison.Ordinal) && name.Length > 3 && name.Length <= 255 && name != ".kp"
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+');
}
