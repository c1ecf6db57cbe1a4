namespace Ktap.Diagnostics;

/// <summary>
/// THE catalog of compiler messages: each one defined once, with a stable code.
/// KTAP0xxx options and targets, KTAP1xxx lexical and syntax, KTAP2xxx semantic,
/// KTAP3xxx events and targets, KTAP4xxx limits of code generation.
/// docs/diagnostics.md documents every entry (a test keeps the two in step).
/// </summary>
public static class Messages
{
    private static MessageDescriptor E(string code, string format) => new(code, DiagnosticSeverity.Error, format);
    private static MessageDescriptor W(string code, string format) => new(code, DiagnosticSeverity.Warning, format);

    // ---- 0xxx: options
    public static readonly MessageDescriptor UnknownTarget = E("KTAP0002", "unknown target '{0}' (known targets: {1})");

    // ---- 1xxx: lexical
    public static readonly MessageDescriptor BadCharacter = E("KTAP1001", "unexpected character '{0}'");
    public static readonly MessageDescriptor UnterminatedString = E("KTAP1002", "unterminated string: the closing quote is missing on this line");
    public static readonly MessageDescriptor UnterminatedLongString = E("KTAP1003", "unterminated long string: no matching ']]' before the end of the file");
    public static readonly MessageDescriptor UnknownEscape = E("KTAP1004", "unknown escape sequence '\\{0}' (valid: \\n \\t \\r \\a \\b \\f \\v \\\\ \\\" \\' \\xHH \\ddd)");
    public static readonly MessageDescriptor BadHexEscape = E("KTAP1005", "\\x needs exactly two hexadecimal digits");
    public static readonly MessageDescriptor DecimalEscapeTooLarge = E("KTAP1006", "decimal escape \\{0} is larger than 255");
    public static readonly MessageDescriptor MalformedNumber = E("KTAP1007", "malformed number '{0}' (numbers are decimal or 0x hexadecimal integers)");
    public static readonly MessageDescriptor NumberTooLarge = W("KTAP1008", "decimal literal {0} does not fit in a 64-bit signed integer; it is read as ktap 0.4 read it: {1}");
    public static readonly MessageDescriptor HexNumberTooLarge = E("KTAP1009", "hexadecimal number {0} has more than 64 bits");
    public static readonly MessageDescriptor UnterminatedSymbol = E("KTAP1010", "unterminated `symbol` literal: the closing ` is missing");
    public static readonly MessageDescriptor EmptySymbol = E("KTAP1011", "empty `symbol` literal");
    public static readonly MessageDescriptor UnterminatedFilter = E("KTAP1012", "unterminated filter: a '/' must close it before '{' on the same line");
    public static readonly MessageDescriptor BpftraceToken = E("KTAP1013", "'{0}' is bpftrace syntax; in ktap, {1}");

    // ---- 1xxx: syntax
    public static readonly MessageDescriptor Expected = E("KTAP1101", "expected {0}, found {1}");
    public static readonly MessageDescriptor UnexpectedToken = E("KTAP1102", "unexpected {0}: a statement cannot start here");
    public static readonly MessageDescriptor NotAStatement = E("KTAP1103", "this expression is not a statement (only calls and assignments are)");
    public static readonly MessageDescriptor CannotAssign = E("KTAP1104", "cannot assign to this expression (only names, t[k] and t.name can be assigned)");
    public static readonly MessageDescriptor UnmatchedCloseBrace = E("KTAP1105", "'}' without a matching '{'");
    public static readonly MessageDescriptor UnclosedBlock = E("KTAP1106", "this '{' is never closed");
    public static readonly MessageDescriptor NestingTooDeep = E("KTAP1107", "nesting is too deep (more than {0} levels)");
    public static readonly MessageDescriptor KeywordAsName = E("KTAP1108", "'{0}' is a keyword and cannot be used as a name");
    public static readonly MessageDescriptor ReservedKeyword = E("KTAP1109", "'{0}' is reserved: blocks are written with {{ }}");
    public static readonly MessageDescriptor MissingEventDefinition = E("KTAP1110", "'trace' needs an event definition, e.g. trace syscalls:sys_enter_open {{ ... }}");
    public static readonly MessageDescriptor MissingInterval = E("KTAP1111", "'{0}' needs an interval, e.g. {0}-100ms");
    public static readonly MessageDescriptor BpftraceProbe = E("KTAP1112", "'{0}' is bpftrace syntax; in ktap, {1}");
    public static readonly MessageDescriptor TooManyWarnings = W("KTAP1198", "too many warnings; stopped reporting after {0}");
    public static readonly MessageDescriptor TooManyDiagnostics = E("KTAP1199", "too many errors; stopped reporting after {0}");

    // ---- 2xxx: semantic
    public static readonly MessageDescriptor UnknownLibraryMember = E("KTAP2001", "'{0}' has no member '{1}' (members: {2})");
    public static readonly MessageDescriptor WrongArgumentCount = E("KTAP2002", "{0}() takes {1}, but {2} given");
    public static readonly MessageDescriptor BreakOutsideLoop = E("KTAP2003", "'break' outside a loop");
    public static readonly MessageDescriptor UnknownLabel = E("KTAP2004", "no visible label '{0}' for goto");
    public static readonly MessageDescriptor DuplicateLabel = E("KTAP2005", "label '{0}' is already defined in this function");
    public static readonly MessageDescriptor AggregateNeedsIndex = E("KTAP2006", "'<<<' feeds an aggregation slot: write s[key] <<< value where s = ptable()");
    public static readonly MessageDescriptor AggregateNotPtable = E("KTAP2007", "'<<<' needs a ptable, but {0}");
    public static readonly MessageDescriptor EventDataOutsideTrace = E("KTAP2008", "'{0}' is event data: it is only valid inside a 'trace' handler");
    // KTAP2009 ("closures are not supported") is retired: closures compile (docs/diagnostics.md).
    public static readonly MessageDescriptor HandlerNotTopLevel = E("KTAP2010", "'{0}' handlers must be at the top level of the script");
    public static readonly MessageDescriptor VarargOutsideVararg = E("KTAP2011", "'...' is only valid inside a function declared with '...'");
    public static readonly MessageDescriptor UnusedLocal = W("KTAP2012", "local '{0}' is never used");
    public static readonly MessageDescriptor NeverAssignedGlobal = W("KTAP2013", "'{0}' is neither a local, an assigned global nor a built-in: it is always nil");
    public static readonly MessageDescriptor BuiltinAsValue = W("KTAP2014", "built-in '{0}' is used as a value, not called; did you mean {0}()?");
    public static readonly MessageDescriptor PrintfArgumentCount = E("KTAP2015", "printf format has {0} conversion(s) but {1} argument(s) follow it");
    public static readonly MessageDescriptor PrintfBadConversion = E("KTAP2016", "printf: unsupported conversion '{0}' (valid: %d %i %u %x %X %o %c %s %p %%; h hh l ll may come before d i u x X o)");
    public static readonly MessageDescriptor UnknownEventField = E("KTAP2017", "event '{0}' has no field '{1}' (fields: {2})");
    public static readonly MessageDescriptor LibraryNotValue = E("KTAP2018", "'{0}' is a library, not a value: use one of its members ({1})");
    public static readonly MessageDescriptor UnknownFunction = E("KTAP2020", "unknown function '{0}': it is not a built-in and the script never defines or assigns it{1}");
    public static readonly MessageDescriptor ConstructorKeepsOneValue = W("KTAP2021", "a table constructor with more than {0} positional fields keeps only the first value of this call or '...' in its last field");
    public static readonly MessageDescriptor HiddenBuiltin = E("KTAP2019", "'{0}' is internal to the runtime and cannot be called by name");

    // ---- 3xxx: events and targets
    public static readonly MessageDescriptor UnknownEventKind = E("KTAP3001", "cannot read event definition '{0}': expected SUBSYS:EVENT, probe:SYMBOL, probe:/path:SYMBOL, sdt:/path:MARKER, ftrace:function, kprobe:, kretprobe:, uprobe:, uretprobe:, software:NAME:PERIOD, hardware:NAME:PERIOD or watchpoint:SYMBOL:LEN:ACCESS");
    public static readonly MessageDescriptor BadGlob = E("KTAP3002", "'{0}' is not a valid name or glob (letters, digits, '_', '*', '?', '.')");
    public static readonly MessageDescriptor BadFetchArg = E("KTAP3003", "cannot read fetch-arg '{0}': expected name=%REG, name=+OFF(%REG), name=$stack, name=$stackN, name=$retval or name=$argN, optionally followed by :TYPE");
    public static readonly MessageDescriptor UnknownRegister = E("KTAP3004", "'%{0}' is not a register on {1} (registers: {2})");
    public static readonly MessageDescriptor RetvalNotReturnProbe = E("KTAP3005", "$retval is only available on return probes (probe:SYMBOL%return, uretprobe:)");
    public static readonly MessageDescriptor ArgOnStack = W("KTAP3006", "argument {0} is not in a register on {1}: it is read from the stack ($stack{2}) at function entry");
    public static readonly MessageDescriptor BadFetchType = E("KTAP3007", "unknown fetch-arg type '{0}' (types: s8 s16 s32 s64 u8 u16 u32 u64 x8 x16 x32 x64 string)");
    public static readonly MessageDescriptor BadInterval = E("KTAP3008", "bad interval '{0}': expected a positive number and a unit (s sec ms msec us usec ns hz), e.g. 100ms");
    public static readonly MessageDescriptor IntervalTooLarge = E("KTAP3009", "interval '{0}' is too large");
    public static readonly MessageDescriptor BadFilter = E("KTAP3010", "filter: {0}");
    public static readonly MessageDescriptor FetchArgsNotAllowed = E("KTAP3011", "{0} events take no fetch-args");
    public static readonly MessageDescriptor BadProbeOffset = E("KTAP3012", "bad probe offset '{0}': expected +N or +0xN after the symbol");
    public static readonly MessageDescriptor DuplicateFetchArg = E("KTAP3013", "fetch-arg name '{0}' is used twice in this event");
    public static readonly MessageDescriptor ArgNumberInvalid = E("KTAP3014", "$arg{0}: argument numbers start at 1 and go up to 64");
    public static readonly MessageDescriptor EmptyEventDefinition = E("KTAP3015", "empty event definition between commas");
    // Checked against a board's saved event catalog (Ktap.Catalog.EventCheck), not by a plain compile.
    public static readonly MessageDescriptor NoSuchTracepoint = E("KTAP3017", "no such tracepoint '{0}' on {1}{2}");
    public static readonly MessageDescriptor NoSuchBoardEventField = E("KTAP3018", "{0} on {1} has no field '{2}'{3}");
    public static readonly MessageDescriptor NoSuchFilterField = E("KTAP3019", "filter: {0} on {1} has no field '{2}'{3}; the filter would match nothing");
    public static readonly MessageDescriptor FilterStringOnPointer = E("KTAP3020", "filter: '{0}' of {1} is a pointer ({2}), not a string: the kernel's filter cannot read the text it points to; drop it from the filter and test user_string(args.{0}) in the handler");
    public static readonly MessageDescriptor FilterValueType = E("KTAP3021", "filter: '{0}' of {1} is '{2}' and the filter compares it with {3}: it would never match");
    public static readonly MessageDescriptor PerfEventSpec = E("KTAP3023", "cannot read '{0}': expected {1}:NAME:PERIOD, e.g. {1}:{2}:{3}");
    public static readonly MessageDescriptor UnknownPerfEvent = E("KTAP3024", "unknown {0} event '{1}'{2} ({0} events: {3})");
    public static readonly MessageDescriptor BadPerfPeriod = E("KTAP3025", "bad period '{0}' for {1}:{2}: expected a whole number of {3} from {4} to {5}");
    public static readonly MessageDescriptor NoSuchProbeFilterField = E("KTAP3026", "filter: {0} has no field '{1}' (its fields: {2}){3}; the filter would match nothing");
    public static readonly MessageDescriptor WatchpointSpec = E("KTAP3027", "cannot read '{0}': expected watchpoint:SYMBOL:LEN:ACCESS or watchpoint:0xADDRESS:LEN:ACCESS, e.g. watchpoint:vm_swappiness:4:w");
    public static readonly MessageDescriptor WatchpointLength = E("KTAP3028", "bad watchpoint length '{0}': expected 1, 2, 4 or 8 (bytes)");
    public static readonly MessageDescriptor WatchpointAccess = E("KTAP3029", "bad watchpoint access '{0}': expected r (reads), w (writes) or rw (both)");
    public static readonly MessageDescriptor WatchpointWhere = E("KTAP3030", "'{0}' is neither a kernel symbol name nor a hexadecimal address (0x...)");
    public static readonly MessageDescriptor WatchpointAddress = E("KTAP3031", "cannot watch address {0}: {1}");
    public static readonly MessageDescriptor WatchpointReadOnX86 = E("KTAP3032", "{0} cannot watch reads alone: its debug registers trap on writes or on reads and writes; write rw");
    public static readonly MessageDescriptor UserStringAtSyscallEntry = W("KTAP3022", "user_string() in a handler of {0}: at syscall entry the string's page may not be in memory yet, and then it is nil; keep the pointer by tid() and read it in the sys_exit handler (docs/language-notes.md)");

    // ---- 4xxx: limits of code generation
    public static readonly MessageDescriptor TooManyRegisters = E("KTAP4001", "function '{0}' needs more than {1} registers; split it into smaller functions");
    public static readonly MessageDescriptor TooManyConstants = E("KTAP4002", "too many constants (more than {0})");
    public static readonly MessageDescriptor JumpTooFar = E("KTAP4003", "a jump here spans more than {0} instructions; split the function");
    public static readonly MessageDescriptor TooManyGlobals = E("KTAP4004", "too many globals (more than {0})");
    public static readonly MessageDescriptor TooManyFunctions = E("KTAP4005", "too many functions (more than {0})");
    public static readonly MessageDescriptor TooManyArguments = E("KTAP4006", "too many arguments or values in one call or list (more than {0})");
    public static readonly MessageDescriptor TooManyInstructions = E("KTAP4007", "the script compiles to more than {0} instructions");
    public static readonly MessageDescriptor BundleTooLarge = E("KTAP4010", "the bundle cannot be written: {0}");
    public static readonly MessageDescriptor TooManyUpvalues = E("KTAP4011", "function '{0}' uses {1} locals of enclosing functions (at most {2}); pass some of them as arguments or in a table");
    public static readonly MessageDescriptor StringTooLong = E("KTAP4008", "string of {0} bytes is longer than the bundle's limit of 65535");

    /// <summary>Every descriptor of the catalog (for docs and tests).</summary>
    public static IEnumerable<MessageDescriptor> All =>
        typeof(Messages).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(MessageDescriptor))
            .Select(f => (MessageDescriptor)f.GetValue(null)!);
}
