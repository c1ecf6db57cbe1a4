namespace Ktap;

/// <summary>
/// THE limits on what the host reads from outside (docs/ktap.md, "Untrusted input"): the
/// board and everything it sends, and bundles, profiles, catalogs and ELF files on disk.
/// Every parser checks its size, count or width against one of these BEFORE allocating, and
/// fails with its own error when the input is over the limit. The docs table mirrors this
/// class; a test keeps the two in step.
/// </summary>
public static class HostLimits
{
    /// <summary>One output record (header included). The kernel's records are at most 3968 bytes; the user-space runner's grow with the string-length budget.</summary>
    public const int RecordBytes = 4 << 20;
    /// <summary>Buckets of a hist/lhist record (hist has 66, lhist at most 1001).</summary>
    public const int HistBuckets = 4096;
    /// <summary>Rows of a histogram record (the VM sends at most 20).</summary>
    public const int HistogramRows = 4096;
    /// <summary>Frames of a stack value (the VM sends at most 64).</summary>
    public const int StackFrames = 64;
    /// <summary>Width and precision of a printf conversion (%Nd, %.Ns).</summary>
    public const int PrintfWidth = 4096;
    /// <summary>Characters of a histogram bar.</summary>
    public const int BarWidth = 52;
    /// <summary>Standard output of one command on the board (uname, facts, cat of a small file).</summary>
    public const int CommandAnswerBytes = 1 << 20;
    /// <summary>Standard error of one command on the board that is kept for a message.</summary>
    public const int CommandErrorBytes = 64 << 10;
    /// <summary>Characters of board-supplied text quoted in one of ktap's own messages.</summary>
    public const int MessageChars = 2000;
    /// <summary>The event catalog (tracepoint formats, available_filter_functions), read or cached.</summary>
    public const int CatalogBytes = 64 << 20;
    /// <summary>An ELF file read from the board for uprobe symbols.</summary>
    public const int ElfBytes = 256 << 20;
    /// <summary>One symbol name in an ELF file.</summary>
    public const int SymbolNameBytes = 64 << 10;
    /// <summary>The text symbols of the board's /proc/kallsyms, read or cached (6.1 x86_64: about 4 MB).</summary>
    public const int KallsymsBytes = 64 << 20;
    /// <summary>Lines of /proc/kallsyms kept (6.1 x86_64: about 70,000 text symbols).</summary>
    public const int KallsymsSymbols = 2_000_000;
    /// <summary>One kernel symbol name (KSYM_NAME_LEN is 512).</summary>
    public const int KallsymsNameChars = 512;
    /// <summary>The farthest past a kernel symbol an address is still named after it.</summary>
    public const int KallsymsGap = 1 << 20;
    /// <summary>One line the session's stderr carries (markers, the workload's output).</summary>
    public const int StderrLineChars = 64 << 10;
    /// <summary>A kernel release (uname -r; the kernel's own limit is 64).</summary>
    public const int ReleaseChars = 64;
    /// <summary>A board profile file (YAML).</summary>
    public const int ProfileBytes = 1 << 20;
    /// <summary>Nesting of mappings and sequences in a board profile.</summary>
    public const int ProfileDepth = 32;
    /// <summary>A known_hosts file.</summary>
    public const int KnownHostsBytes = 16 << 20;

    /// <summary>Every limit by name, for the docs table test.</summary>
    public static IReadOnlyList<(string Name, long Value)> All =>
        typeof(HostLimits).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (f.Name, System.Convert.ToInt64(f.GetRawConstantValue()))).ToList();
}
