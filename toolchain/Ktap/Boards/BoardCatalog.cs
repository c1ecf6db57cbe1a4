namespace Ktap.Tool.Boards;

/// <summary>
/// Finds board profiles: the user's directories first ($KTAP_BOARDS, colon-separated, else
/// ~/.config/ktap/boards), then the boards/ shipped with ktap. The first NAME.yaml wins.
/// </summary>
public sealed class BoardCatalog
{
    private readonly Func<string, string?> _env;

    public BoardCatalog(Func<string, string?> env, IReadOnlyList<string> directories)
    {
        _env = env;
        Directories = directories;
    }

    public IReadOnlyList<string> Directories { get; }

    public static BoardCatalog FromEnvironment(Func<string, string?> env)
    {
        var dirs = new List<string>();
        if (env("KTAP_BOARDS") is { Length: > 0 } list)
            dirs.AddRange(list.Split(':', StringSplitOptions.RemoveEmptyEntries));
        else
            dirs.Add(Path.Combine(env("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : Path.Combine(PathExpander.Home(env), ".config"), "ktap", "boards"));
        if (KtapPaths.ShippedBoards() is { } shipped) dirs.Add(shipped);
        return new BoardCatalog(env, dirs);
    }

    /// <summary>Every profile file, one per board name (first directory wins).</summary>
    public IReadOnlyList<string> Files()
    {
        var seen = new Dictionary<string, string>();
        foreach (var dir in Directories)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir, "*.yaml").Order(StringComparer.Ordinal))
                seen.TryAdd(Path.GetFileNameWithoutExtension(f), f);
        }
        return seen.Values.ToList();
    }

    public BoardProfile Load(string name)
    {
        var files = Files();
        var file = files.FirstOrDefault(f => Path.GetFileNameWithoutExtension(f) == name);
        if (file is null)
        {
            var names = files.Select(f => Path.GetFileNameWithoutExtension(f)).ToList();
            throw new KtapException(ExitCodes.BoardProfile,
                $"unknown board '{name}'{Suggest.DidYouMean(name, names)}; known boards: {(names.Count == 0 ? "none" : string.Join(", ", names))} (searched {string.Join(", ", Directories)})");
        }
        return Reader().Read(file);
    }

    public BoardProfileReader Reader() => new(_env, TargetNames.IsKnown);

    /// <summary>The board used when --board is not given: $KTAP_BOARD, else qemu-x86_64.</summary>
    public string DefaultBoardName() => _env("KTAP_BOARD") is { Length: > 0 } b ? b : "qemu-x86_64";
}
