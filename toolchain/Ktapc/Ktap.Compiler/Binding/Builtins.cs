using Ktap.Bytecode;

namespace Ktap.Binding;

/// <summary>Name lookups over the generated <see cref="BuiltinTable"/> (ktap_builtins.def is the only list).</summary>
public static class Builtins
{
    private static readonly Dictionary<string, BuiltinInfo> ByName =
        BuiltinTable.All.ToDictionary(b => b.Name, StringComparer.Ordinal);

    /// <summary>Library names: the part before the dot of dotted built-ins (ansi, timer).</summary>
    public static readonly IReadOnlySet<string> Libraries =
        BuiltinTable.All.Where(b => b.Name.Contains('.')).Select(b => b.Name[..b.Name.IndexOf('.')]).ToHashSet(StringComparer.Ordinal);

    public static BuiltinInfo? Find(string name) => ByName.TryGetValue(name, out var b) ? b : null;

    public static BuiltinInfo Get(string name) => ByName[name];

    public static IEnumerable<string> MembersOf(string library) =>
        BuiltinTable.All.Where(b => b.Name.StartsWith(library + ".", StringComparison.Ordinal)).Select(b => b.Name[(library.Length + 1)..]);

    public static bool IsHidden(BuiltinInfo b) => (b.Flags & BuiltinFlags.HIDDEN) != 0;

    // The few built-ins code generation treats specially, by name so their numbers stay in the .def.
    public static BuiltinInfo Print => Get("print");
    public static BuiltinInfo Printf => Get("printf");
    public static BuiltinInfo Pairs => Get("pairs");
    public static BuiltinInfo SortPairs => Get("sort_pairs");
    public static BuiltinInfo Ptable => Get("ptable");
    public static BuiltinInfo Next => Get("next");
    public static BuiltinInfo ScriptArgs => Get("script_args");

    /// <summary>"takes 1 argument", "takes 1 or 2 arguments", "takes at least 1 argument".</summary>
    public static string DescribeArity(BuiltinInfo b)
    {
        static string Args(int n) => n == 1 ? "1 argument" : $"{n} arguments";
        if (b.MaxArgs < 0) return "at least " + Args(b.MinArgs);
        if (b.MinArgs == b.MaxArgs) return b.MinArgs == 0 ? "no arguments" : Args(b.MinArgs);
        return $"{b.MinArgs} to {Args(b.MaxArgs)}";
    }
}
