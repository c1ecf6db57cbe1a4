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

    /// <summary>" (did you mean 'gettimeofday_us'?)" for a name close to a callable built-in, else "".</summary>
    public static string DidYouMean(string name)
    {
        var callable = BuiltinTable.All.Where(b => !IsHidden(b)).Select(b => b.Name).ToList();
        // a built-in that the name starts (gettimeofday → gettimeofday_us) before any typo
        var longer = callable.Where(c => c.StartsWith(name, StringComparison.Ordinal) && name.Length >= 3).OrderBy(c => c.Length).FirstOrDefault();
        return longer is not null ? $" (did you mean '{longer}'?)" : Ktap.Catalog.Suggest.DidYouMean(name, callable);
    }

    public static bool IsHidden(BuiltinInfo b) => (b.Flags & BuiltinFlags.HIDDEN) != 0;

    // The few built-ins code generation treats specially, by name so their numbers stay in the .def.
    public static BuiltinInfo Print => Get("print");
    public static BuiltinInfo Printf => Get("printf");
    public static BuiltinInfo Pairs => Get("pairs");
    public static BuiltinInfo Len => Get("len");
    public static BuiltinInfo SortPairs => Get("sort_pairs");
    public static BuiltinInfo Ptable => Get("ptable");
    public static BuiltinInfo Next => Get("next");
    public static BuiltinInfo ScriptArgs => Get("script_args");

    /// <summary>"1 argument", "1 to 2 arguments", "at most 1 argument", "at least 1 argument".</summary>
    public static string DescribeArity(BuiltinInfo b)
    {
        static string Args(int n) => n == 1 ? "1 argument" : $"{n} arguments";
        if (b.MaxArgs < 0) return "at least " + Args(b.MinArgs);
        if (b.MinArgs == b.MaxArgs) return b.MinArgs == 0 ? "no arguments" : Args(b.MinArgs);
        if (b.MinArgs == 0) return "at most " + Args(b.MaxArgs);
        return $"{b.MinArgs} to {Args(b.MaxArgs)}";
    }
}
