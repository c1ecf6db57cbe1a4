namespace Ktap.Bundle;

/// <summary>Every message BundleReader gives, in one place (listed in docs/bundle-format.md).</summary>
public static class BundleErrors
{
    public const string NotABundle = "not a ktap bundle";
    public static string TruncatedHeader(int length) => $"truncated ({length} bytes, a header needs {BundleLayout.HeaderSize})";
    public static string Version(int v) => $"unsupported bundle format version {v} (this reader: {BundleLayout.FormatVersion} to {BundleLayout.FormatVersionUnlinkedUpvalues})";
    public static string ByteOrder(int v) => $"bad byte order {v}";
    public static string WordSize(int v) => $"bad word size {v}";
    public static string Arch(int v) => $"unknown architecture {v}";
    public static string WordSizeForArch(int v, string arch, int expected) => $"bundle word size {v} does not match {arch} (word size {expected})";
    public static string ByteOrderForArch(Profiles.ByteOrder order, Profiles.TargetProfile arch) =>
        $"bundle is {Endian(order)}, {arch.Name} is {Endian(arch.ByteOrder)}";
    private static string Endian(Profiles.ByteOrder o) => o == Profiles.ByteOrder.Big ? "big-endian" : "little-endian";
    public const string EndianCheck = "byte order field disagrees with the data";
    public static string RuntimeAbi(int v) => $"bundle needs runtime ABI {v}, this reader has {BundleLayout.RuntimeAbi}";
    public static string HeaderSize(int v) => $"bad header size {v}";
    public const string IntCheck = "64-bit integer check failed";
    public static string Truncated(int length, long declared) => $"truncated ({length} bytes, header says {declared})";
    public static string Trailing(int length, long declared) => $"trailing bytes ({length} bytes, header says {declared})";
    public static string TooLarge(long declared) => $"bundle of {declared} bytes exceeds the {BundleLayout.MaxTotalSize}-byte limit";
    public static string SectionCount(int v) => $"bad section count {v}";
    public static string Flags(int v) => $"unknown header flags 0x{v:X4}";
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
    public static string Checksum(uint stored, uint computed) => $"checksum mismatch (stored 0x{stored:X8}, computed 0x{computed:X8})";
    public static string TooManyGlobals(long v) => $"too many globals ({v}, at most {BundleLayout.MaxGlobals})";
    public const string ReservedHeader = "reserved header bytes not zero";
    public const string TextTransfer = "bundle damaged by a text transfer";
    public static string MainFunction(long v, int count) => $"main function index {v} out of range ({count} functions)";
    public static string SourceName(long v, int count) => $"header source_name: string index {v} out of range ({count} strings)";

    public static string TableOutsideFile(int count) => $"section table ({count} entries) extends past the end of the file";
    public static string UnknownSection(uint id) => $"unknown section id {id}";
    public static string KsymsVersion(int version) => BundleLayout.HasKsyms((byte)version)
        ? $"format_version {version} without a KSYMS section"
        : $"section KSYMS in a format_version {version} bundle (it needs {version + 1})";
    public static string UpvaluesOfEntry(int i, int n) => $"FUNCTIONS item {i}: the main chunk or a handler has {n} upvalues";
    public static string UpvalueCount(int i, int n) => $"FUNCTIONS item {i}: {n} upvalues (at most {BundleLayout.MaxUpvalues})";
    public static string UpvalueIndex(string what, int b, int count) => $"{what}: upvalue {b} out of range ({count} upvalues)";
    public static string KsymPlaceholder(int i, uint constant) => $"KSYMS item {i}: constant {constant} is not the placeholder number 0";
    public static string KsymTwice(int i, uint constant) => $"KSYMS item {i}: constant {constant} is relocated twice";
    public static string DuplicateSection(string name) => $"duplicate section {name}";
    public static string UnsortedSections(string name, string previous) => $"section table not sorted by id ({name} after {previous})";
    public static string Misaligned(string name, uint offset) => $"section {name} offset {offset} is not a multiple of 4";
    public static string SectionOutsideFile(string name, uint offset, uint size, long total) => $"section {name} (offset {offset}, size {size}) lies outside the file ({total} bytes)";
    public static string SectionOverlapsHeader(string name) => $"section {name} overlaps the header or the section table";
    public static string SectionsOverlap(string a, string b) => $"sections {a} and {b} overlap";
    public static string MissingSection(string name) => $"missing section {name}";
    public static string Padding(int offset) => $"non-zero padding at offset {offset}";
    public static string CountSize(string name, uint size, uint count, int itemSize) => $"section {name}: size {size} does not match count {count} ({itemSize}-byte items)";
    public static string TooManyItems(string name, uint count, int max) => $"section {name}: {count} items exceed the limit of {max}";
    public static string StringOverrun(int index) => $"section STRINGS: string {index} runs past the section";
    public static string StringTooLong(int index, uint length) => $"section STRINGS: string {index} is {length} bytes (at most {BundleLayout.MaxStringLength})";
    public static string StringTerminator(int index) => $"section STRINGS: string {index} is not followed by a 00 byte";
    public static string StringsLeftover(uint count, int unused) => $"section STRINGS: {unused} bytes left after its {count} strings";
    public static string StringIndex(string what, long v, int count) => $"{what}: string index {v} out of range ({count} strings)";
    public static string BadValue(string what, long v) => $"{what}: bad value {v}";
    public static string ReservedItem(string what) => $"{what}: reserved bytes not zero";
    public static string LinesCount(uint lines, uint code) => $"section LINES has {lines} items, CODE has {code}";
    public static string GlobalsCount(uint items, uint declared) => $"section GLOBALS has {items} items, header global_count is {declared}";
    public static string UnknownOpcode(int pc, int op) => $"CODE instruction {pc}: unknown opcode {op}";
    public static string CodeRange(int function, long start, long count, int total) => $"FUNCTIONS item {function}: code range {start}+{count} outside CODE ({total} instructions)";
    public static string CodeCoverage(int at) => $"functions' code ranges overlap or leave a gap at instruction {at}";
    public static string FunctionEnd(int function, string op) => $"FUNCTIONS item {function}: last instruction is {op}, not RETURN, TAILCALL or JMP";
    public static string FrameSize(int function, int frame, int parameters) => $"FUNCTIONS item {function}: frame_size {frame} not in 1..{BundleLayout.MaxFrameSize} or below param_count {parameters}";
    public static string FunctionIndex(string what, long v, int count) => $"{what}: function index {v} out of range ({count} functions)";
    public static string FetchArgRange(int ev, long first, int count, int total) => $"EVENTS item {ev}: fetch-args {first}+{count} outside FETCHARGS ({total} items)";
    public static string Register(int item, int reg, string arch) => $"FETCHARGS item {item}: register {reg} does not exist on {arch}";
}
