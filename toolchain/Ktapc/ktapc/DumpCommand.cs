using System.CommandLine;
using Ktap.Bundle;
using Ktap.Bytecode;

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
        catch (BundleFormatException e) { return context.Fail(ExitCodes.ScriptErrors, $"{bundlePath}: {e.Message}"); }

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

        context.Out.WriteLine($"bundle {bundlePath}: {data.Length} bytes, target {model.Target.Name}");
        BundleDescriber.Describe(data, model, context.Out);
        BundleDescriber.DescribeTables(model, context.Out);
        context.Out.WriteLine();
        Disassembler.Disassemble(model, context.Out, source);
        return ExitCodes.Ok;
    }

    // The source named in the bundle, next to the bundle or in the current directory; lines
    // are shown only when it is there (the bundle never depends on host paths).
    private static string? FindSource(string bundlePath, string? sourceName, CliContext context)
    {
        if (sourceName is null || sourceName.StartsWith('<')) return null;
        var bundleDir = Path.GetDirectoryName(context.FullPath(bundlePath)) ?? context.CurrentDirectory;
        foreach (var candidate in new[] { Path.Combine(bundleDir, Path.GetFileName(sourceName)), context.FullPath(sourceName) })
            if (File.Exists(candidate))
            {
                try { return File.ReadAllText(candidate); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
            }
        return null;
    }
}
