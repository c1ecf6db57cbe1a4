using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Emit;
using Ktap.Profiles;
using Ktap.Syntax;
using Ktap.Text;

namespace Ktap.Compilation;

/// <summary>The bundle model (null when any error was reported) and every diagnostic, in source order.</summary>
public sealed record ModelResult(BundleModel? Model, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Success => Model is not null;
}

public static partial class KtapCompiler
{
    private static partial CompileResult CompileCore(CompileOptions options)
    {
        var (model, bag, source) = LargeStack.Run(() => Analyse(options));
        if (model == null) return new CompileResult(null, bag.ToSortedList(options.WarningsAsErrors));
        byte[] bytes;
        try
        {
            bytes = BundleWriter.Write(model);
        }
        catch (InvalidOperationException e) // the writer refuses what the format cannot hold (size limits)
        {
            bag.Report(Messages.BundleTooLarge, new TextSpan(0, 0), e.Message);
            return new CompileResult(null, bag.ToSortedList(options.WarningsAsErrors));
        }
        return new CompileResult(bytes, bag.ToSortedList(options.WarningsAsErrors));
    }

    /// <summary>Lex, parse, bind and generate code, stopping before the bundle is written (tests read the model).</summary>
    public static ModelResult CompileToModel(CompileOptions options)
    {
        var (model, bag, _) = LargeStack.Run(() => Analyse(options));
        return new ModelResult(model, bag.ToSortedList(options.WarningsAsErrors));
    }

    private static (BundleModel? Model, DiagnosticBag Diagnostics, SourceText Source) Analyse(CompileOptions options)
    {
        var source = new SourceText(options.FileName, options.Source ?? "");
        var bag = new DiagnosticBag(source);
        var target = TargetProfiles.Find(options.Target ?? "");
        if (target == null)
        {
            var known = string.Join(", ", TargetProfiles.All.Select(p => p.Name + " (" + string.Join(", ", p.Aliases) + ")"));
            bag.Report(Messages.UnknownTarget, new TextSpan(0, 0), options.Target, known);
            return (null, bag, source);
        }
        var syntax = Parser.Parse(source, bag);
        var bound = Binder.Bind(syntax, target, bag);
        if (bag.HasErrors) return (null, bag, source);
        var model = CodeGenerator.Generate(bound, target, source, bag, options.ScriptArguments);
        LimitSetting.Apply(model, options.Limits);
        bool failed = bag.HasErrors || (options.WarningsAsErrors && bag.Count > 0);
        return (failed ? null : model, bag, source);
    }
}
