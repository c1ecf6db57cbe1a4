using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Ktap.Tool.Boards;

/// <summary>
/// The `emulation:` mapping of an emulated board: how boards/qemu/*.sh build and boot it
/// (kernel tree, Debian suite, qemu command, console...). The YAML is the only definition of
/// a board: the shell scripts read this mapping through boards/qemu/facts.py, and this
/// reader owns its schema, so a misspelt or missing key fails here and in the tests that load
/// every profile of boards/. `like: OTHER` starts from another board's mapping.
/// </summary>
public sealed partial class BoardProfileReader
{
    private enum EmulationValue { Text, Words, Seconds }

    // The schema, one definition: key → (kind, required without `like`).
    private static readonly IReadOnlyDictionary<string, (EmulationValue Kind, bool Required)> EmulationKeys =
        new Dictionary<string, (EmulationValue, bool)>
        {
            ["like"] = (EmulationValue.Text, false),
            ["uname_m"] = (EmulationValue.Text, true),
            ["suite"] = (EmulationValue.Text, true),
            ["deb_arch"] = (EmulationValue.Text, true),
            ["headers_flavour"] = (EmulationValue.Text, false),
            ["tree"] = (EmulationValue.Text, false), // required, checked on its own: never inherited
            ["image_flavour"] = (EmulationValue.Text, false),
            ["kernel_build"] = (EmulationValue.Text, false),
            ["kernel_file"] = (EmulationValue.Text, false),
            ["userland_build"] = (EmulationValue.Text, false),
            ["qemu"] = (EmulationValue.Text, true),
            ["qemu_args"] = (EmulationValue.Words, true),
            ["console"] = (EmulationValue.Text, true),
            ["modules"] = (EmulationValue.Words, false),
            ["kernel_args"] = (EmulationValue.Text, false),
            ["boot_timeout"] = (EmulationValue.Seconds, false),
            ["dropbear_args"] = (EmulationValue.Text, false),
            ["kernel_arch"] = (EmulationValue.Text, true),
            ["cross_compile"] = (EmulationValue.Text, true),
        };
    private const int LikeDepth = 4;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]*$")]
    private static partial Regex TreeName();

    /// <summary>The kernel tree of the board's emulation (own or through `like`), or null when
    /// the profile has no emulation: mapping. Errors go to the profile's error list.</summary>
    private string? ReadEmulation(Dictionary<string, YamlNode> values, string file, bool emulated, YamlNode root)
    {
        if (!values.TryGetValue("emulation", out var node))
        {
            if (emulated) Error(root.Start, "an emulated board needs an 'emulation:' mapping (how boards/qemu builds and boots it; docs/board-profiles.md)");
            return null;
        }
        if (!emulated) Error(node.Start, "'emulation' is only used with 'emulated: true'");
        if (node is not YamlMappingNode map)
        {
            Error(node.Start, "emulation must be a mapping (tree:, qemu:, qemu_args: ...)");
            return null;
        }
        var keys = ReadMapping(map, EmulationKeys.Keys, "emulation");
        foreach (var (key, value) in keys)
            CheckEmulationValue(key, value);
        string? tree = null;
        if (keys.TryGetValue("tree", out var t) && t is YamlScalarNode { Value: { } tv })
        {
            if (TreeName().IsMatch(tv)) tree = tv;
            else Error(t.Start, $"emulation tree '{tv}' is not a tree name (scripts/build-module.sh's trees: 6.1-amd64, kernel-powerpc, ...)");
        }
        else if (keys.ContainsKey("tree")) { }
        else Error(map.Start, "emulation needs 'tree' (the kernel tree ktapvm.ko is built against)");

        if (keys.TryGetValue("like", out var like) && like is YamlScalarNode { Value: { } other })
            CheckLike(file, other, like, 1);
        else
            foreach (var (key, (_, required)) in EmulationKeys)
                if (required && !keys.ContainsKey(key))
                    Error(map.Start, $"emulation needs '{key}' (or 'like: OTHER-BOARD' to start from another board's)");
        if (keys.TryGetValue("qemu_args", out var qa) && qa is YamlSequenceNode seq
            && seq.Children.Count(c => c is YamlScalarNode { Value: { } v } && v.Contains("{port}", StringComparison.Ordinal)) != 1)
            Error(qa.Start, "emulation qemu_args must use {port} exactly once (the host port forwarded to the board's SSH)");
        return tree;
    }

    private void CheckEmulationValue(string key, YamlNode value)
    {
        switch (EmulationKeys[key].Kind)
        {
            case EmulationValue.Words:
                if (value is not YamlSequenceNode words || words.Children.Any(w => w is not YamlScalarNode { Value: { } s } || s.Contains(' ')))
                    Error(value.Start, $"emulation {key} must be a list of words ([a, b, ...])");
                break;
            case EmulationValue.Seconds:
                if (value is not YamlScalarNode { Value: { } n } || !int.TryParse(n, out var s) || s is < 1 or > 3600)
                    Error(value.Start, $"emulation {key} must be a number of seconds from 1 to 3600");
                break;
            default:
                if (value is not YamlScalarNode { Value: not null })
                    Error(value.Start, $"emulation {key} must be a single value");
                break;
        }
    }

    // `like` names another profile of the same folder with an emulation of its own; the
    // chain is short and may not go round.
    private void CheckLike(string file, string other, YamlNode at, int depth)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", other + ".yaml");
        if (depth > LikeDepth) { Error(at.Start, $"emulation 'like' chains more than {LikeDepth} boards (or goes round)"); return; }
        if (!BoardName().IsMatch(other) || !File.Exists(path)) { Error(at.Start, $"emulation like: '{other}' is not a board of {Path.GetDirectoryName(path)}"); return; }
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            if (stream.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("emulation"), out var e) && e is YamlMappingNode em)
            {
                if (em.Children.TryGetValue(new YamlScalarNode("like"), out var next) && next is YamlScalarNode { Value: { } n })
                    CheckLike(path, n, at, depth + 1);
                return;
            }
            Error(at.Start, $"emulation like: '{other}' has no emulation: mapping");
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException or ArgumentOutOfRangeException)
        {
            Error(at.Start, $"emulation like: '{other}' cannot be read: {e.Message}");
        }
    }
}
