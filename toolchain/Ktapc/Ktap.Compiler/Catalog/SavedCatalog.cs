namespace Ktap.Catalog;

/// <summary>
/// Reads an event catalog that `ktap` saved for a board: the folder
/// ${KTAP_STATE_DIR}/boards/NAME/catalog/RELEASE/ or its formats.txt (the tracefs
/// `grep -H field: events/*/*/format` output). Throws <see cref="IOException"/> with a
/// precise reason when it is missing, unreadable or holds no events.
/// </summary>
public static class SavedCatalog
{
    /// <summary>The file of a catalog folder that holds the tracepoints and their fields.</summary>
    public const string FormatsFile = "formats.txt";
    public const string FunctionsFile = "functions.txt";

    /// <summary>formats.txt of a catalog folder, or the path itself when it names a file.</summary>
    public static string FormatsPath(string path) =>
        Directory.Exists(path) ? Path.Combine(path, FormatsFile) : path;

    public static EventCatalog Load(string path)
    {
        var formats = FormatsPath(path);
        if (!File.Exists(formats))
            throw new FileNotFoundException(Directory.Exists(path)
                ? $"the catalog folder has no {FormatsFile} (run `ktap list --board NAME` once to save it)"
                : "the event catalog does not exist", formats);
        // A saved catalog is what a board sent: the same cap as the answer it came from.
        if (new FileInfo(formats).Length > HostLimits.CatalogBytes)
            throw new IOException($"{formats} is over the catalog limit of {HostLimits.CatalogBytes} bytes");
        var events = EventCatalog.ParseFormats(File.ReadAllText(formats));
        if (events.Count == 0)
            throw new IOException($"{formats} holds no tracepoint formats: it is not an event catalog saved by ktap (lines 'subsys/event/format:\\tfield:TYPE NAME;...')");
        var functions = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(formats))!, FunctionsFile);
        if (File.Exists(functions) && new FileInfo(functions).Length > HostLimits.CatalogBytes)
            throw new IOException($"{functions} is over the catalog limit of {HostLimits.CatalogBytes} bytes");
        return new EventCatalog(events,
            File.Exists(functions) ? EventCatalog.ParseFunctions(File.ReadAllText(functions)) : Array.Empty<string>());
    }

    /// <summary>"vexpress (6.1.0)" for .../boards/vexpress/catalog/6.1.0[/formats.txt]; else the file name.</summary>
    public static string DisplayName(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var folder = File.Exists(full) ? Path.GetDirectoryName(full)! : full;
        var release = Path.GetFileName(folder);
        var catalog = Path.GetDirectoryName(folder);
        if (catalog is not null && Path.GetFileName(catalog) == "catalog" && Path.GetDirectoryName(catalog) is { } board)
            return $"{Path.GetFileName(board)} ({release})";
        return Path.GetFileName(full);
    }
}
