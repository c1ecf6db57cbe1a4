using System.CommandLine;
using Ktap.Output;
using Ktap.Tool.Linking;
using Ktap.Tool.Remote;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>`ktap list --board NAME [GLOB] [--fields]`: tracepoints and probe-able functions of the board.</summary>
public static class ListCommand
{
    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var glob = new Argument<string?>("GLOB")
        {
            Description = "Only names matching this pattern (sched:*, *open*, kprobe:vfs_*); probe:/path/elf[:GLOB] lists the uprobe symbols of a board file, sdt:/path/elf[:GLOB] its USDT markers",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var fields = new Option<bool>("--fields") { Description = "Show each tracepoint's fields (args.NAME in scripts)" };
        var command = new Command("list", "List the board's tracepoints (subsys:event) and kernel functions (probe:NAME)") { glob, fields };
        options.AddBoardOptions(command);
        command.Options.Add(options.Refresh);
        command.SetAction(p => Execute(context(), p.GetValue(options.Board), options.Settings(p), p.GetValue(glob), p.GetValue(fields), p.GetValue(options.Refresh)));
        return command;
    }

    public static int Execute(CommandContext ctx, string? boardName, SshSettings settings, string? glob, bool fields, bool refresh) => ctx.Guard(() =>
    {
        var board = ctx.Board(boardName);
        var pattern = Alias(glob ?? "*");
        using var connection = BoardScripts.ConnectStarting(ctx, board, settings);
        if (pattern.StartsWith("probe:/", StringComparison.Ordinal))
            return ListElf(ctx, connection, board.Name, pattern["probe:".Length..]);
        if (pattern.StartsWith("sdt:/", StringComparison.Ordinal))
            return ListSdt(ctx, connection, board.Name, pattern["sdt:".Length..]);
        var release = KernelRelease.Check(connection.RunText("uname -r").Trim(), connection.Endpoint.Host);
        var catalog = CatalogStore.Load(connection, board, release, refresh, withFunctions: !fields);
        var events = catalog.Match(pattern.StartsWith("probe:", StringComparison.Ordinal) ? "\0" : pattern);
        foreach (var e in events)
        {
            // names and declarations come from the board: escaped for the terminal
            ctx.Out.WriteLine(TerminalText.Line(e));
            if (fields)
                foreach (var f in catalog.Events[e])
                    ctx.Out.WriteLine($"    {TerminalText.Line(f.Declaration)};");
        }
        var count = events.Count;
        if (!fields)
        {
            var fnPattern = pattern.StartsWith("probe:", StringComparison.Ordinal) ? pattern["probe:".Length..] : pattern;
            foreach (var f in catalog.Functions.Where(f => Glob.Matches(fnPattern, f)))
            {
                ctx.Out.WriteLine($"probe:{TerminalText.Line(f)}");
                count++;
            }
        }
        if (count == 0)
        {
            var hint = Suggest.DidYouMean(pattern, catalog.Events.Keys.Concat(catalog.Functions));
            ctx.Err.WriteLine($"ktap: nothing on {board.Name} matches '{pattern}'{TerminalText.Quote(hint)}");
            return ExitCodes.ScriptError;
        }
        return ExitCodes.Success;
    });

    // The event kinds a script may write for a probe (language.md §3) list as probe:
    private static string Alias(string pattern)
    {
        foreach (var alias in new[] { "kprobe:", "kretprobe:", "uprobe:", "uretprobe:" })
            if (pattern.StartsWith(alias, StringComparison.Ordinal)) return "probe:" + pattern[alias.Length..];
        return pattern;
    }

    // probe:/path/elf[:GLOB]: the function symbols of a file on the board, as a script names them
    // (probe:/path:SYMBOL), read the way `ktap run` reads it to link a uprobe.
    private static int ListElf(CommandContext ctx, BoardConnection connection, string boardName, string spec)
    {
        var colon = spec.LastIndexOf(':');
        var (path, glob) = colon > 0 ? (spec[..colon], spec[(colon + 1)..]) : (spec, "*");
        if (glob.Length == 0) glob = "*";
        var missing = MissingFileHint.Message(path, boardName, connection.Run(MissingFileHint.Command(path)).Text);
        if (missing is not null) throw new KtapException(ExitCodes.ScriptError, missing);
        var elf = new ElfSymbols(connection.Download(path, HostLimits.ElfBytes), path);
        var names = elf.Symbols.Select(s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var matched = names.Where(n => Glob.Matches(glob, n)).ToList();
        foreach (var n in matched) ctx.Out.WriteLine($"probe:{TerminalText.Line(path)}:{TerminalText.Line(n)}");
        if (matched.Count > 0) return ExitCodes.Success;
        var why = names.Count == 0 ? " (it has no function symbols: stripped?)" : TerminalText.Quote(Suggest.DidYouMean(glob, names));
        ctx.Err.WriteLine($"ktap: no function of {TerminalText.Line(path)} on {boardName} matches '{TerminalText.Line(glob)}'{why}");
        return ExitCodes.ScriptError;
    }

    // sdt:/path/elf[:[PROVIDER:]GLOB]: the USDT markers of a file on the board, as a script names
    // them (sdt:/path:PROVIDER:MARKER), with their argument specs, read the way `ktap run` links them.
    private static int ListSdt(CommandContext ctx, BoardConnection connection, string boardName, string spec)
    {
        var colon = spec.IndexOf(':');
        var path = colon > 0 ? spec[..colon] : spec;
        var missing = MissingFileHint.Message(path, boardName, connection.Run(MissingFileHint.Command(path)).Text);
        if (missing is not null) throw new KtapException(ExitCodes.ScriptError, missing);
        var elf = new ElfSymbols(connection.Download(path, HostLimits.ElfBytes), path);
        var (provider, glob) = colon > 0 ? SdtLinker.Pattern("sdt:" + spec, path) : (null, "*");
        if (glob.Length == 0) glob = "*";
        var all = elf.SdtMarkers;
        var matched = all.Where(m => (provider is null || Glob.Matches(provider, m.Provider)) && Glob.Matches(glob, m.Name))
            .DistinctBy(m => (m.FullName, string.Join(' ', m.Arguments))).OrderBy(m => m.FullName, StringComparer.Ordinal).ToList();
        foreach (var m in matched)
        {
            var args = m.Arguments.Count == 0 ? "" : "  " + string.Join(' ', m.Arguments.Select((a, i) => $"arg{i + 1}={a}"));
            var sem = (m.SemaphoreOffset != 0 ? "  (semaphore)" : "") + (m.Thumb ? "  (Thumb code: cannot be probed)" : "");
            ctx.Out.WriteLine(TerminalText.Line($"sdt:{path}:{m.FullName}{args}{sem}"));
        }
        if (matched.Count > 0) return ExitCodes.Success;
        var wanted = provider is null ? glob : $"{provider}:{glob}";
        ctx.Err.WriteLine($"ktap: no USDT marker of {TerminalText.Line(path)} on {boardName} matches '{TerminalText.Line(wanted)}'{TerminalText.Quote(Suggest.DidYouMean(wanted, all.Select(m => m.Name).Distinct()))}");
        return ExitCodes.ScriptError;
    }
}
