using System.CommandLine;
using Ktap.Compilation;
using Ktap.Profiles;

namespace Ktap.Cli;

/// <summary>What `ktapc [options] script.kp [-- args]` was asked to do.</summary>
public sealed record CompileRequest(
    string? Script,
    string? Eval,
    string? Target,
    string? Output,
    bool WarningsAsErrors,
    IReadOnlyList<string> ScriptArguments,
    IReadOnlyList<string>? Limits = null);

/// <summary>The default verb: compile a script (file, `-` for stdin, or -e text) into a bundle.</summary>
public static class CompileCommand
{
    public const string StdinName = "<stdin>";
    public const string EvalName = "<command-line>";

    public static void Configure(RootCommand root, CliContext context)
    {
        var script = new Argument<string?>("script") { Description = "Script file, or - to read standard input.", Arity = ArgumentArity.ZeroOrOne };
        var args = new Argument<string[]>("args") { Description = "Script arguments (after --): arg[1], arg[2], ... in the script.", Arity = ArgumentArity.ZeroOrMore };
        var target = CommonOptions.Target();
        var output = CommonOptions.Output();
        var eval = new Option<string?>("--eval", "-e") { Description = "Compile this script text (a one-liner) instead of a file.", HelpName = "script" };
        var warnAsError = new Option<bool>("--warnaserror") { Description = "Treat warnings as errors." };
        var limits = new Option<string[]>("--limit")
        {
            Description = $"A session budget in the bundle ({Ktap.Bundle.LimitSetting.Usage}; repeatable); the module caps it by its ceilings.",
            HelpName = "key=N",
        };
        root.Add(script);
        root.Add(args);
        root.Add(target);
        root.Add(output);
        root.Add(eval);
        root.Add(warnAsError);
        root.Add(limits);
        root.SetAction(parse => Run(new CompileRequest(
            parse.GetValue(script), parse.GetValue(eval), parse.GetValue(target), parse.GetValue(output),
            parse.GetValue(warnAsError), parse.GetValue(args) ?? Array.Empty<string>(), parse.GetValue(limits)), context));
    }

    public static int Run(CompileRequest request, CliContext context)
    {
        var scriptPath = request.Script;
        // The parser takes any word as the script; a word like --bogus is a mistyped option.
        if (scriptPath is { Length: > 1 } && scriptPath[0] == '-')
            return context.Fail(ExitCodes.Usage, $"unknown option '{scriptPath}' (see ktapc --help)");
        var scriptArgs = request.ScriptArguments.ToList();
        if (request.Eval is not null && scriptPath is not null)
        {
            // With -e there is no script file: a positional word is the first script argument.
            scriptArgs.Insert(0, scriptPath);
            scriptPath = null;
        }
        if (request.Eval is null && scriptPath is null)
            return context.Fail(ExitCodes.Usage, "no script: give a script file, - for standard input, or -e 'script' (see ktapc --help)");
        if (request.Target is null)
            return context.Fail(ExitCodes.Usage, $"no target: give --target {string.Join("|", TargetProfiles.All.Select(p => p.Name))}");
        var profile = TargetProfiles.Find(request.Target);
        if (profile is null) return context.Fail(ExitCodes.Usage, UnknownTarget(request.Target));

        var budgets = new List<(Ktap.Bundle.LimitKey, ulong)>();
        foreach (var text in request.Limits ?? [])
        {
            if (Ktap.Bundle.LimitSetting.Parse(text, out var error) is not { } limit) return context.Fail(ExitCodes.Usage, error!);
            budgets.Add(limit);
        }

        string fileName, source;
        if (request.Eval is not null) (fileName, source) = (EvalName, request.Eval);
        else if (scriptPath == "-") (fileName, source) = (StdinName, context.In.ReadToEnd());
        else
        {
            fileName = scriptPath!;
            try { source = File.ReadAllText(context.FullPath(scriptPath!)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.Fail(ExitCodes.Usage, $"cannot read '{scriptPath}': {e.Message}");
            }
        }

        var output = request.Output;
        if (output is null)
        {
            if (fileName == EvalName || fileName == StdinName)
                return context.Fail(ExitCodes.Usage, "give -o FILE for a script from -e or standard input");
            output = Path.ChangeExtension(scriptPath!, ".kbc");
        }
        if (scriptPath is not null && scriptPath != "-" && context.FullPath(output) == context.FullPath(scriptPath))
            return context.Fail(ExitCodes.Usage, $"the output '{output}' would overwrite the script; give -o FILE");

        CompileResult result;
        try
        {
            result = KtapCompiler.Compile(new CompileOptions(profile.Name, fileName, source)
            {
                ScriptArguments = scriptArgs,
                Limits = budgets,
                WarningsAsErrors = request.WarningsAsErrors,
            });
        }
        catch (Exception e)
        {
            // A compiler bug must still end as one line and an exit code, never a stack trace.
            return context.Fail(ExitCodes.ScriptError, $"internal compiler error: {e.GetType().Name}: {e.Message}");
        }

        foreach (var d in result.Diagnostics) context.Error.WriteLine(d.ToString());
        if (result.Bundle is null) return ExitCodes.ScriptError;

        // Write beside the target and rename, so a failed write never leaves half a bundle.
        var full = context.FullPath(output);
        var temporary = full + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, result.Bundle);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { }
            return context.Fail(ExitCodes.Usage, $"cannot write '{output}': {e.Message}");
        }
        return ExitCodes.Success;
    }

    public static string UnknownTarget(string name)
    {
        var suggestions = TargetProfiles.Suggest(name);
        var hint = suggestions.Count > 0 ? $"; did you mean {string.Join(" or ", suggestions.Take(2))}?" : "";
        return $"unknown target '{name}'{hint} (known: {string.Join(", ", TargetProfiles.Names)})";
    }
}
