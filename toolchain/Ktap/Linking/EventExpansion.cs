using Ktap.Bundle;

namespace Ktap.Tool.Linking;

/// <summary>
/// One definition that names many things of a file (a USDT marker glob, a uprobe symbol glob)
/// becomes one event per match, all with the definition's handler, filter and fetch-args:
/// the first match takes the definition's place, the others are appended. The events that
/// follow keep their indices, so the session's "sdt-sem EVENT" numbers stay right.
/// </summary>
public static class EventExpansion
{
    /// <summary>Puts match <paramref name="k"/> (0-based) of event <paramref name="index"/>; returns its event index.</summary>
    public static int Place(BundleModel model, int index, int k, EventModel linked)
    {
        if (k == 0)
        {
            model.Events[index] = linked;
            return index;
        }
        model.Events.Add(linked);
        return model.Events.Count - 1;
    }

    /// <summary>The error for a glob that matched more than <paramref name="cap"/> things.</summary>
    public static string TooMany(string spec, string glob, int count, string what, string path, int cap) =>
        $"{spec}: '{glob}' matches {count} {what} of {path}, more than the {cap} one definition may arm: narrow it";

    /// <summary>The spec with the name after "PATH:" (up to a blank or %return) replaced by <paramref name="name"/>.</summary>
    public static string Respell(string spec, string path, string name)
    {
        var at = spec.IndexOf(path + ":", StringComparison.Ordinal);
        if (at < 0) return spec;
        var start = at + path.Length + 1;
        var end = start;
        while (end < spec.Length && spec[end] is not (' ' or '\t' or '%' or '/')) end++;
        return spec[..start] + name + spec[end..];
    }
}
