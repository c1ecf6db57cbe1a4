using Ktap.Binding;
using Ktap.Bundle;
using Ktap.Diagnostics;
using Ktap.Profiles;
using Ktap.Text;

namespace Ktap.Emit;

/// <summary>Turns a bound script into a <see cref="BundleModel"/> for one target.</summary>
public static class CodeGenerator
{
    public const int MaxGlobals = 65536;
    public const int MaxFunctions = 65536;
    public const int MaxInstructions = 1_048_576;

    public static BundleModel Generate(BoundScript script, TargetProfile target, SourceText source, DiagnosticBag diagnostics,
        IReadOnlyList<string>? scriptArguments = null)
    {
        var model = new BundleModel(target) { SourceName = source.FileName };
        var constants = new ConstantPool(model);
        int instructions = 0;
        foreach (var info in script.Functions)
        {
            var function = new FunctionEmitter(info, script.Table, model, constants, script.Globals, source, diagnostics).Emit();
            model.Functions.Add(function);
            instructions += function.Code.Count;
            if (info.IsMain) model.MainFunction = info.Index;
            foreach (var e in info.Events)
                model.Events.Add(new EventModel(e.Kind, info.Index, e.Spec, e.Target, e.Filter, e.Value, e.FetchArgs));
        }
        foreach (var g in script.Globals.Slots) model.Globals.Add(g.Name);
        model.Arguments = new List<string> { source.FileName };
        if (scriptArguments != null) model.Arguments.AddRange(scriptArguments);

        var end = new TextSpan(Math.Max(0, source.Length - 1), 0);
        if (model.Globals.Count > MaxGlobals) diagnostics.Report(Messages.TooManyGlobals, end, MaxGlobals);
        if (model.Functions.Count > MaxFunctions) diagnostics.Report(Messages.TooManyFunctions, end, MaxFunctions);
        if (model.Constants.Count > MaxFunctions) diagnostics.Report(Messages.TooManyConstants, end, MaxFunctions);
        if (instructions > MaxInstructions) diagnostics.Report(Messages.TooManyInstructions, end, MaxInstructions);
        return model;
    }
}
