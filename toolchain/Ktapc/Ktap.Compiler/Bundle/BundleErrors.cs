namespace Ktap.Bundle;

/// <summary>
/// The messages of the checks only the host reader makes. The faults both readers detect are
/// ktap_bundle_faults.def's (<see cref="BundleFaults"/>, generated): these are host-only
/// because the VM's loader never reads what they check (KSYMS, which only the host resolves),
/// leaves it to its verifier, whose own messages say it (code ranges, frames, opcodes,
/// operands, upvalues), or cannot know it (a target's registers). Listed in docs/bundle-format.md.
/// </summary>
public static class BundleErrors
{
    // The C loader's words (core/perf_events.c), so both readers refuse a crafted bundle alike.
    public static string PerfEvent(int i, string what, string? name) =>
        name is null ? $"event {i}: {what} event without a name" : $"event {i}: unknown {what} event '{(name.Length > 32 ? name[..32] : name)}'";
    public static string PerfPeriod(int i, string what, string name, ulong period, ulong min, ulong max) =>
        $"event {i}: {what}:{name} period {period} outside {min}..{max}";
    public static string PerfFetchArgs(int i, string what) => $"event {i}: {what} events take no fetch-args";
    // The C loader's words (core/watchpoint.c). An address of 0 is an unlinked symbol here:
    // the host reads bundles before `ktap run` resolves it; the C loader refuses 0.
    public static string WatchNoAttr(int i) => $"event {i}: watchpoint without LEN:ACCESS";
    public static string WatchAttr(int i, string text) =>
        $"event {i}: bad watchpoint LEN:ACCESS '{(text.Length > 16 ? text[..16] : text)}' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)";
    public static string WatchFetchArgs(int i) => $"event {i}: watchpoints take no fetch-args";
    public static string WatchWide(int i, ulong address) => $"event {i}: watchpoint address 0x{address:x} wider than this VM's word";
    public static string WatchAlign(int i, ulong address, int length) => $"event {i}: watchpoint address 0x{address:x} not a multiple of its length {length}";

    public static string KsymsVersion(int version) => BundleLayout.HasKsyms((byte)version)
        ? $"format_version {version} without a KSYMS section"
        : $"section KSYMS in a format_version {version} bundle (it needs {version + 1})";
    public static string KsymPlaceholder(int i, uint constant) => $"KSYMS item {i}: constant {constant} is not the placeholder number 0";
    public static string KsymTwice(int i, uint constant) => $"KSYMS item {i}: constant {constant} is relocated twice";
    public static string UpvaluesOfEntry(int i, int n) => $"FUNCTIONS item {i}: the main chunk or a handler has {n} upvalues";
    public static string UpvalueCount(int i, int n) => $"FUNCTIONS item {i}: {n} upvalues (at most {BundleLayout.MaxUpvalues})";
    public static string UpvalueIndex(string what, int b, int count) => $"{what}: upvalue {b} out of range ({count} upvalues)";
    public static string StringIndex(string what, long v, int count) => $"{what}: string index {v} out of range ({count} strings)";
    public static string BadValue(string what, long v) => $"{what}: bad value {v}";
    public static string UnknownOpcode(int pc, int op) => $"CODE instruction {pc}: unknown opcode {op}";
    public static string CodeRange(int function, long start, long count, int total) => $"FUNCTIONS item {function}: code range {start}+{count} outside CODE ({total} instructions)";
    public static string CodeCoverage(int at) => $"functions' code ranges overlap or leave a gap at instruction {at}";
    public static string FunctionEnd(int function, string op) => $"FUNCTIONS item {function}: last instruction is {op}, not RETURN, TAILCALL or JMP";
    public static string FrameSize(int function, int frame, int parameters) => $"FUNCTIONS item {function}: frame_size {frame} not in 1..{BundleLayout.MaxFrameSize} or below param_count {parameters}";
    public static string FunctionIndex(string what, long v, int count) => $"{what}: function index {v} out of range ({count} functions)";
    public static string Register(int item, int reg, string arch) => $"FETCHARGS item {item}: register {reg} does not exist on {arch}";
}
