using System.CommandLine;
using Ktap.Bundle;
using Ktap.Compilation;
using Ktap.Output;
using Ktap.Profiles;
using Ktap.Tool.Boards;
using Ktap.Tool.Linking;
using Ktap.Tool.Remote;
using Ktap.Tool.Stacks;
using Ktap.Tool.Symbols;
using Ktap.Tool.Ssh;

namespace Ktap.Tool.Commands;

/// <summary>Everything `ktap run` was asked to do.</summary>
public sealed record RunRequest(
    string? Board,
    SshSettings Settings,
    string? Script,
    string? Eval,
    OutputFormat Format,
    string? OutputFile,
    TimeSpan? Duration,
    IReadOnlyList<string> Workload,
    bool Refresh,
    string Color = "auto",
    int? Pid = null,
    bool AllTasks = false,
    // --folded FILE, --flamegraph FILE.svg (docs/ktap.md, "Flame graphs")
    string? Folded = null,
    string? FlameGraph = null,
    // the words between SCRIPT and `--`: arg[1], arg[2]... (ktap 0.4's script arguments)
    IReadOnlyList<string>? ScriptArguments = null,
    // --limit KEY=N: session budgets written into the bundle (Bundle.LimitSetting)
    IReadOnlyList<string>? Limits = null,
    // -q: no "Tracing..." line when the session is armed
    bool Quiet = false,
    // -C CPU: only that CPU's events (the module's "cpu N" command)
    int? Cpu = null,
    // -T: each output line starts with its record's time since the session started
    bool Timestamps = false);

/// <summary>
/// `ktap run`: compile for the board's target (or check a .kbc), link against the board,
/// run the session and decode its records live; the end-of-session report goes to stderr.
/// </summary>
public static class RunCommand
{
    /// <summary>Makes the live decoder of a session's records (Ktap.Output); the flag: the bundle was compiled in this run (its printf formats are the user's own text).</summary>
    public static Func<BundleModel, OutputFormat, TextWriter, TextWriter, bool, bool, ISessionOutput> OutputFactory { get; set; } = (b, f, o, d, trusted, colour) => new RecordOutput(b, f, o, d, trusted, colour);

    public static Command Create(CommonOptions options, Func<CommandContext> context)
    {
        var script = new Argument<string?>("SCRIPT") { Description = "A script (.kp) or a compiled bundle (.kbc)", Arity = ArgumentArity.ZeroOrOne };
        var workload = new Argument<string[]>("ARG|CMD")
        {
            Description = "Before --: the script's arguments (arg[1], arg[2], ...); after --: a command to run on the board, traced with its descendants; the session ends when it exits",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var eval = new Option<string?>("-e", "--eval") { Description = "Run this one-line script instead of a file" };
        var format = CommonOptions.FormatOption("text (as ktap printed) or json (one JSON object per line)");
        var color = CommonOptions.ColorOption();
        var output = new Option<string?>("-o", "--output") { Description = "Write the output to this file instead of the terminal" };
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "End the session after this long (e.g. 10s)",
            CustomParser = r => CommonOptions.ParseDuration(r),
        };
        var pid = new Option<int?>("-p", "--pid") { Description = "Trace only this process of the board and its threads (ktap 0.4's -p); no CMD" };
        var allTasks = new Option<bool>("-a", "--all-tasks") { Description = "With -- CMD: trace every task while CMD runs, not only CMD and its descendants" };
        // Flame graphs: the session's stacks folded into a file and drawn as an SVG.
        var folded = new Option<string?>("--folded") { Description = "Also write the session's stacks in folded form (a;b;c COUNT: flamegraph.pl, speedscope) to this file" };
        var flameGraph = new Option<string?>("--flamegraph") { Description = "Also write the session's stacks as an interactive SVG flame graph to this file" };
        var limits = new Option<string[]>("--limit")
        {
            Description = $"A session budget ({LimitSetting.Usage}; repeatable), written into the bundle; the module caps it by its ceilings",
            HelpName = "key=N",
        };
        var cpu = new Option<int?>("-C", "--cpu") { Description = "Trace only this CPU's events (ktap 0.4's -C); tick-N handlers run regardless", HelpName = "CPU" };
        var timestamps = new Option<bool>("-T", "--timestamp") { Description = "Start each output line with the time its record was written, seconds.microseconds since the session started (ktap 0.4's -T); JSON gets a time_ns field" };
        var quiet = new Option<bool>("-q", "--quiet") { Description = "Do not say when tracing starts (ktap 0.4's -q); the line is only written to a terminal" };
        var command = new Command("run", "Compile a script for the board, run it there and print its output live") { script, workload, eval, format, output, duration, color };
        command.Options.Add(pid);
        command.Options.Add(allTasks);
        command.Options.Add(folded);
        command.Options.Add(flameGraph);
        command.Options.Add(limits);
        command.Options.Add(quiet);
        command.Options.Add(cpu);
        command.Options.Add(timestamps);
        options.AddBoardOptions(command);
        command.Options.Add(options.Refresh);
        command.SetAction(p =>
        {
            var (scriptPath, scriptArgs, cmd) = Positional(p, p.GetValue(script), p.GetValue(workload) ?? [], p.GetValue(eval) is not null);
            return Execute(context(), new RunRequest(
                p.GetValue(options.Board), options.Settings(p), scriptPath, p.GetValue(eval), CommonOptions.ToFormat(p.GetValue(format)),
                p.GetValue(output), p.GetValue(duration), cmd, p.GetValue(options.Refresh), p.GetValue(color) ?? "auto",
                Pid: p.GetValue(pid), AllTasks: p.GetValue(allTasks), Folded: p.GetValue(folded), FlameGraph: p.GetValue(flameGraph),
                ScriptArguments: scriptArgs, Limits: p.GetValue(limits) ?? [], Quiet: p.GetValue(quiet), Cpu: p.GetValue(cpu),
                Timestamps: p.GetValue(timestamps)));
        });
        return command;
    }

    /// <summary>
    /// Splits the positional words at `--` (ktap 0.4: `ktap script.kp ARG... -- CMD`): before
    /// it the script (unless -e) and its arguments, after it the workload. Without `--` there
    /// is no workload: `ktap run s.kp 2` passes 2 as arg[1], it does not run a command "2".
    /// </summary>
    public static (string? Script, IReadOnlyList<string> ScriptArguments, IReadOnlyList<string> Workload) Positional(
        System.CommandLine.ParseResult parse, string? script, IReadOnlyList<string> rest, bool eval)
    {
        var words = script is null ? rest.ToList() : [script, .. rest];
        var dash = -1;
        for (var i = 0; i < parse.Tokens.Count; i++)
            if (parse.Tokens[i].Type == System.CommandLine.Parsing.TokenType.DoubleDash) { dash = i; break; }
        // every token after `--` is a positional word (the parser reads no option there)
        var after = dash < 0 ? 0 : Math.Min(parse.Tokens.Count - dash - 1, words.Count);
        var before = words.Take(words.Count - after).ToList();
        var workload = words.Skip(words.Count - after).ToList();
        if (eval) return (null, before, workload);
        return before.Count == 0 ? (null, [], workload) : (before[0], before.Skip(1).ToList(), workload);
    }

    private static StreamWriter? OpenOutput(string? path)
    {
        if (path is null) return null;
        if (Directory.Exists(path)) throw new KtapException(ExitCodes.Failure, $"cannot write the output file {path}: it is a directory");
        try { return new StreamWriter(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new KtapException(ExitCodes.Failure, $"cannot write the output file {path}: {e.Message}", e);
        }
    }

    public static int Execute(CommandContext ctx, RunRequest request) => ctx.Guard(() =>
    {
        if ((request.Script is null) == (request.Eval is null))
            throw new KtapException(ExitCodes.Usage, request.Script is null ? "give a script (.kp or .kbc) or -e 'one-liner'" : "give either a script or -e, not both");
        var scope = Scope(request);
        if (request.Cpu is < 0 or > 4095)
            throw new KtapException(ExitCodes.Usage, $"-C {request.Cpu}: a CPU number is 0 to 4095 (the board refuses one it does not have)");
        var budgets = new List<(LimitKey, ulong)>();
        foreach (var text in request.Limits ?? [])
            budgets.Add(LimitSetting.Parse(text, out var limitError) ?? throw new KtapException(ExitCodes.Usage, limitError!));
        if (request.ScriptArguments is { Count: > 0 } && request.Script is { } bundlePath && bundlePath.EndsWith(".kbc", StringComparison.OrdinalIgnoreCase))
            throw new KtapException(ExitCodes.Usage,
                $"script arguments ({string.Join(' ', request.ScriptArguments)}) need a script: {bundlePath} was compiled with its own (ktapc SCRIPT ARG...); a command to run goes after --");
        // The output file is opened before anything else: a path that cannot be written is the
        // user's mistake, reported before a board is started or a connection made.
        var stackFiles = new StackFiles(request.Folded, request.FlameGraph, $"ktap run {request.Script ?? "-e"}");
        stackFiles.CheckPaths();
        using var file = OpenOutput(request.OutputFile);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timing = ctx.Env("KTAP_TIMING") == "1";
        void Stage(string name) { if (timing) ctx.Err.WriteLine($"ktap: timing: {name} at {clock.Elapsed.TotalMilliseconds:0} ms"); }
        var board = ctx.Board(request.Board);
        var target = KnownTargets.Resolve(board.Target)!;
        // Connecting (SSH handshake) and compiling take about as long each: do them at once.
        // Only connecting: an emulated board that must be built or booted first waits for the
        // script to compile, so a script error starts nothing (CI once saw a failing test's
        // board build collide with the next test's).
        var connecting = Task.Run(() => BoardScripts.TryConnect(ctx, board, request.Settings));
        BundleModel model;
        try
        {
            model = LoadBundle(ctx, request, board, target, budgets);
        }
        catch
        {
            // Script errors win over connection problems; close the connection when it comes.
            connecting.ContinueWith(t => { if (t.IsCompletedSuccessfully) t.Result?.Dispose(); }, TaskScheduler.Default);
            throw;
        }
        Stage("compiled");
        using var connection = connecting.GetAwaiter().GetResult() ?? BoardScripts.StartAndConnect(ctx, board, request.Settings);
        Stage("connected");
        // Release and architecture are cached per board: with a warm cache the session is the
        // only round trip, and the session script itself checks they still hold.
        var factsFile = Path.Combine(board.StateDirectory, "facts");
        var cached = request.Refresh ? null : QuickFacts.TryLoad(factsFile);
        var writer = (TextWriter?)file ?? ctx.Out;
        SessionResult result;
        try
        {
            result = RunSession(ctx, request, board, target, connection, model, cached ?? ReadFacts(connection, factsFile), cached is not null, writer, Stage, scope, stackFiles);
        }
        catch (FactsChangedException)
        {
            model = LoadBundle(ctx, request, board, target, budgets);
            result = RunSession(ctx, request, board, target, connection, model, ReadFacts(connection, factsFile), false, writer, Stage, scope, stackFiles);
        }
        catch (KtapException e) when (e.ExitCode == ExitCodes.ModuleMissing && board.Emulated && board.ModuleFile is { } ko && File.Exists(ko))
        {
            // The embedded default: a freshly booted emulated board gets its module on first use.
            ctx.Err.WriteLine($"ktap: {DeployCommand.Install(board, connection, ModuleFile.Read(ko))}");
            model = LoadBundle(ctx, request, board, target, budgets);
            result = RunSession(ctx, request, board, target, connection, model, ReadFacts(connection, factsFile), false, writer, Stage, scope, stackFiles);
        }
        writer.Flush();
        Stage("session ended");
        var code = Report(ctx, result);
        if (stackFiles.Wanted && stackFiles.Write(ctx.Err) is var stacksCode && stacksCode != ExitCodes.Success && code == ExitCodes.Success) code = stacksCode;
        return code;
    });

    private static QuickFacts ReadFacts(BoardConnection connection, string factsFile)
    {
        var facts = QuickFacts.Read(connection);
        facts.Save(factsFile);
        return facts;
    }

    private static SessionResult RunSession(CommandContext ctx, RunRequest request, BoardProfile board, TargetProfile target,
        BoardConnection connection, BundleModel model, QuickFacts facts, bool factsFromCache, TextWriter writer, Action<string> stage, SessionScope scope, StackFiles stackFiles)
    {
        if (stackFiles.Wanted) stackFiles.CheckScript(model, request.Script ?? "-e");
        stage("facts known");
        try
        {
            facts.CheckRuns(target, board.Name, request.Script ?? "the script");
        }
        catch (KtapException) when (factsFromCache)
        {
            throw new FactsChangedException(); // stale cache: read the board again before refusing
        }
        // kallsyms is read at most once per run: for symbol literals when linking, for names when decoding.
        KernelSymbols? kallsyms = null;
        KernelSymbols Kallsyms() => kallsyms ??= KernelSymbolStore.Load(connection, board, facts.Release);
        // The event catalog likewise: the link step checks tracepoints against it, and argevent's
        // lines are printed from its fields and print fmts.
        EventCatalog? catalog = null;
        EventCatalog Catalog() => catalog ??= CatalogStore.Load(connection, board, facts.Release, request.Refresh, withFunctions: false);
        var semaphores = Link(ctx, connection, board, facts.Release, model, request.Refresh, Catalog, Kallsyms);
        if (!facts.HasDevice)
            throw new KtapException(ExitCodes.ModuleMissing, $"the ktapvm module is not loaded on {board.Name} (/dev/ktap is missing): ktap deploy --board {board.Name}");
        var bundle = BundleWriter.Write(model);
        stage("linked");
        var compiledHere = request.Script is not { } path || !path.EndsWith(".kbc", StringComparison.OrdinalIgnoreCase);
        var output = OutputFactory(model, request.Format, writer, ctx.Err, compiledHere, CommonOptions.ColourOn(request.Color, writer));
        if (output is RecordOutput records && AddressNaming.BundleNeedsNames(model))
            records.Names = KernelNames(ctx, Kallsyms);
        if (output is RecordOutput urecords && AddressNaming.BundleNeedsUserNames(model))
            urecords.UserNames = UserNames(ctx, connection, model, request.Workload);
        if (output is RecordOutput erecords && Ktap.Output.Events.EventNaming.BundleNeedsLines(model))
            erecords.EventLines = new Ktap.Output.Events.EventLines(
                Catalog().Events,
                CatalogStore.PrintFmts(connection, board, facts.Release, request.Refresh), target.WordSize * 8);
        if (stackFiles.Wanted) stackFiles.Attach(output);
        if (ctx.Env("KTAP_TIMING") == "1") output = new FirstOutputTimer(output, () => stage("first records"));
        // ktap 0.4's start line, for a person at a terminal (never into a file or a pipe)
        Action? armed = request.Quiet || !ctx.ErrIsTerminal ? null
            : () => { lock (ctx.Err) ctx.Err.WriteLine($"Tracing on {board.Name}... Hit Ctrl-C to end."); };
        return SessionRunner.Run(connection, bundle, request.Workload, request.Duration, output, ctx.Err, ctx.Interrupt,
            expect: factsFromCache ? (facts.Release, facts.Machine) : null, scope: scope, onArmed: armed, cpu: request.Cpu, timestamps: request.Timestamps,
            sdtSemaphores: semaphores,
            endAfterMain: model.Events.All(e => e.Kind == EventKind.TraceEnd) && request.Workload.Count == 0 && request.Pid is null);
    }

    // Which tasks the session traces (docs/ktap.md, "Scope"): -- CMD its tree, -p one
    // process, -a (or no CMD) every task.
    private static SessionScope Scope(RunRequest request)
    {
        if (request.Pid is { } pid)
        {
            if (request.Workload.Count > 0) throw new KtapException(ExitCodes.Usage, "give either -p PID or a command after --, not both");
            if (request.AllTasks) throw new KtapException(ExitCodes.Usage, "-a traces every task and -p PID one process: give one of them");
            if (pid <= 0) throw new KtapException(ExitCodes.Usage, $"-p {pid}: a process id is a positive number");
            return new SessionScope.Process(pid);
        }
        return request.Workload.Count > 0 && !request.AllTasks ? SessionScope.WorkloadTree : SessionScope.Everything;
    }

    // The board's kernel symbols for stack frames and address keys; without them the
    // output still comes, with addresses in hex (the session is worth more than the names).
    private static IAddressNames? KernelNames(CommandContext ctx, Func<KernelSymbols> kallsyms)
    {
        try
        {
            return kallsyms();
        }
        catch (Exception e) when (e is KallsymsException or KtapException)
        {
            ctx.Err.WriteLine($"ktap: warning: kernel addresses print in hex: {TerminalText.Line(e.Message)}");
            return null;
        }
    }

    // ustack frames are named from the executables this session knows: the uprobe targets
    // and the workload's program (ET_EXEC files only, see UserSymbols). A file that cannot
    // be read leaves its frames in hex, with a warning.
    private static IAddressNames? UserNames(CommandContext ctx, BoardConnection connection, BundleModel model, IReadOnlyList<string> workload)
    {
        var paths = model.Events.Where(e => e.Kind is EventKind.Uprobe or EventKind.Uretprobe && e.Target is not null)
            .Select(e => e.Target!).ToList();
        if (workload.Count > 0)
        {
            var program = workload[0];
            if (!program.Contains('/'))
                program = connection.Run("command -v -- " + Shell.Quote(program)).Text.Trim();
            if (program.StartsWith('/') && !program.Contains('\n')) paths.Add(program);
        }
        var files = new List<ElfSymbols>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal).Take(8))
        {
            try
            {
                var elf = new ElfSymbols(connection.Download(path, HostLimits.ElfBytes), path);
                if (!elf.FixedAddresses)
                    ctx.Err.WriteLine($"ktap: warning: {TerminalText.Line(path)} is position-independent: its user stack frames print in hex");
                files.Add(elf);
            }
            catch (Exception e) when (e is ElfException or KtapException)
            {
                ctx.Err.WriteLine($"ktap: warning: user stack frames of {TerminalText.Line(path)} print in hex: {TerminalText.Line(e.Message)}");
            }
        }
        return files.Count > 0 ? new UserSymbols(files) : null;
    }

    private static BundleModel LoadBundle(CommandContext ctx, RunRequest request, BoardProfile board, TargetProfile target, IReadOnlyList<(LimitKey, ulong)> budgets)
    {
        if (request.Script is { } path && path.EndsWith(".kbc", StringComparison.OrdinalIgnoreCase))
        {
            BundleModel model;
            try { model = BundleReader.Read(ReadFile(path)); }
            catch (BundleFormatException x) { throw new KtapException(ExitCodes.ScriptError, $"{path}: {x.Message}"); }
            catch (Exception x) when (x is OverflowException or ArgumentException or IndexOutOfRangeException)
            {
                throw new KtapException(ExitCodes.ScriptError, $"{path}: damaged bundle ({x.GetType().Name})");
            }
            if (model.Target.Arch != target.Arch || model.Target.ByteOrder != target.ByteOrder)
                throw new KtapException(ExitCodes.TargetMismatch,
                    $"{path} was built for {model.Target.Name} ({QuickFacts.Describe(model.Target.ByteOrder)}), board {board.Name} is {target.Name} ({QuickFacts.Describe(target.ByteOrder)}): recompile it with ktapc -t {target.Name}");
            LimitSetting.Apply(model, budgets);
            return model;
        }
        var (name, source) = request.Eval is { } e ? ("-e", e) : (request.Script!, System.Text.Encoding.UTF8.GetString(ReadFile(request.Script!)));
        var result = KtapCompiler.Compile(new CompileOptions(target.Name, name, source)
        {
            ScriptArguments = request.ScriptArguments ?? [],
            Limits = budgets,
        });
        foreach (var d in result.Diagnostics) ctx.Err.WriteLine(d.ToString());
        if (!result.Success) throw new KtapException(ExitCodes.ScriptError, $"{name} has errors; nothing was sent to {board.Name}");
        return BundleReader.Read(result.Bundle);
    }

    private static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new KtapException(ExitCodes.Usage, $"cannot read {path}: {e.Message}"); }
    }

    /// <returns>The USDT semaphores to give the module (BundleLinker.Semaphores).</returns>
    private static IReadOnlyList<(int Event, ulong Offset)> Link(CommandContext ctx, BoardConnection connection, BoardProfile board, string release, BundleModel model, bool refresh,
        Func<EventCatalog> loadCatalog, Func<KernelSymbols> kallsyms)
    {
        var needsCatalog = model.Events.Any(e => e.Kind == EventKind.Tracepoint);
        var needsElf = model.Events.Any(e => e.Kind is EventKind.Uprobe or EventKind.Uretprobe or EventKind.Sdt && e.Value == 0);
        var needsWatch = model.Events.Any(e => e.Kind == EventKind.Watchpoint);
        var needsPmu = needsWatch || model.Events.Any(e => e.Kind == EventKind.Hardware); // the board's perf devices
        if (!needsCatalog && !needsElf && !needsPmu && model.KernelSymbols.Count == 0) return [];
        var catalog = needsCatalog
            ? loadCatalog()
            : new EventCatalog(new Dictionary<string, IReadOnlyList<EventField>>(), []);
        var linker = new BundleLinker(catalog, path =>
        {
            // A path the board lacks gets the board's own file of that name as a hint (MissingFileHint).
            var missing = MissingFileHint.Message(path, board.Name, connection.Run(MissingFileHint.Command(path)).Text);
            if (missing is not null) throw new ElfException(missing);
            return new ElfSymbols(connection.Download(path, HostLimits.ElfBytes), path);
        }, needsPmu ? CatalogStore.PerfDevices(connection, board, release, refresh) : null, kallsyms,
            needsWatch ? () => KernelSymbolStore.LoadData(connection, board, release) : null);
        var errors = linker.Link(model, board.Name);
        foreach (var w in linker.Warnings) ctx.Err.WriteLine($"ktap: warning: {TerminalText.Line(w)}");
        foreach (var e in errors) ctx.Err.WriteLine($"ktap: error: {TerminalText.Line(e)}");
        if (errors.Count > 0) throw new KtapException(ExitCodes.ScriptError, $"the script does not link against {board.Name}; nothing was run");
        return linker.Semaphores;
    }

    // The decoder already printed the summary (lost records, runtime errors, budget hits).
    private static int Report(CommandContext ctx, SessionResult result)
    {
        if (result.Summary is null)
        {
            ctx.Err.WriteLine("ktap: the session ended without the board's summary record");
            return ExitCodes.Failure;
        }
        // the script's exit(code) first (ktap 0.4's tests end with exit(-1) on failure), then
        // runtime errors (22): SummaryRecord.SessionStatus, docs/ktap.md "Exit codes"
        if (result.Summary.SessionStatus != ExitCodes.Success) return result.Summary.SessionStatus;
        if (WorkloadFailure(result.WorkloadExit) is { } failure)
        {
            ctx.Err.WriteLine($"ktap: {failure}");
            return ExitCodes.WorkloadFailed;
        }
        return ExitCodes.Success;
    }

    /// <summary>What a workload's own exit status says, or null when it succeeded (or was ended by the session).</summary>
    public static string? WorkloadFailure(int? status) => status switch
    {
        null or 0 => null,
        127 => "the workload could not be run: command not found on the board (status 127)",
        126 => "the workload could not be run: not executable on the board (status 126)",
        > 128 and < 160 => $"the workload was killed by signal {status - 128} (status {status})",
        _ => $"the workload exited with status {status}",
    };

    private sealed class FirstOutputTimer(ISessionOutput inner, Action first) : ISessionOutput
    {
        private bool _seen;
        public void Write(ReadOnlySpan<byte> data)
        {
            if (!_seen) { _seen = true; first(); }
            inner.Write(data);
        }
        public SessionSummary? Complete() => inner.Complete();
        public bool Ended => inner.Ended;
    }
}
