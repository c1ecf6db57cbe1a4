using System.Globalization;
using System.Text.RegularExpressions;
using Ktap.Output;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ktap.Tool.Boards;

/// <summary>
/// Reads and validates one board profile (schema: docs/board-profiles.md). Every error
/// carries the file, line and column of the node it is about; all errors are collected.
/// </summary>
public sealed partial class BoardProfileReader
{
    // The schema, one definition: key → whether required.
    private static readonly IReadOnlyDictionary<string, bool> TopKeys = new Dictionary<string, bool>
    {
        ["name"] = true, ["target"] = true, ["host"] = true, ["port"] = false, ["port_file"] = false,
        ["user"] = false, ["identity_file"] = true, ["host_key"] = true, ["module_path"] = false,
        ["module_file"] = false, ["kernel"] = false, ["emulated"] = false, ["board_folder"] = false,
        ["emulation"] = false,
    };
    private static readonly string[] HostKeyKeys = ["fingerprint", "known_hosts"];
    private static readonly string[] SecretKeys = ["password", "passphrase", "private_key", "secret", "token"];
    public const string DefaultModulePath = "/lib/modules/ktapvm.ko";

    private readonly Func<string, string?> _env;
    private readonly Func<string, bool> _isKnownTarget;
    private readonly List<BoardProfileError> _errors = new();
    private string _file = "";

    public BoardProfileReader(Func<string, string?> env, Func<string, bool> isKnownTarget)
    {
        _env = env;
        _isKnownTarget = isKnownTarget;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex BoardName();

    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}=?$")]
    private static partial Regex Sha256Fingerprint();

    public BoardProfile Read(string file)
    {
        _file = file;
        _errors.Clear();
        if (new FileInfo(file).Length > HostLimits.ProfileBytes)
        {
            Error(Mark.Empty, $"a board profile is at most {HostLimits.ProfileBytes} bytes");
            throw new BoardProfileException(_errors.ToList());
        }
        return Parse(file, File.ReadAllText(file));
    }

    /// <summary>Parses <paramref name="text"/> as the contents of <paramref name="file"/>; throws <see cref="BoardProfileException"/>.</summary>
    public BoardProfile Parse(string file, string text)
    {
        _file = file;
        _errors.Clear();
        var stream = new YamlStream();
        try
        {
            if (text.Length > HostLimits.ProfileBytes) throw new YamlException($"a board profile is at most {HostLimits.ProfileBytes} bytes");
            CheckDepth(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Error(e.Start, $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
            throw new BoardProfileException(_errors.ToList());
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports some damage (an unclosed '[' at the end) with these.
            Error(Mark.Empty, $"not valid YAML: {e.Message}");
            throw new BoardProfileException(_errors.ToList());
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty;
            Error(at, "a board profile is one YAML mapping of keys (name:, target:, host:, ...)");
            throw new BoardProfileException(_errors.ToList());
        }

        var values = ReadMapping(root, TopKeys.Keys, "board profile");
        foreach (var (key, required) in TopKeys)
            if (required && !values.ContainsKey(key))
                Error(root.Start, $"missing required key '{key}'");

        var name = Scalar(values, "name");
        if (name is not null && !BoardName().IsMatch(name.Value))
            Error(name.Start, $"board name '{name.Value}' may only use letters, digits, '.', '_' and '-'");
        var stem = Path.GetFileNameWithoutExtension(file);
        if (name is not null && BoardName().IsMatch(name.Value) && name.Value != stem)
            Error(name.Start, $"board name '{name.Value}' differs from the file name '{stem}' (name the file {name.Value}.yaml)");

        var target = Scalar(values, "target");
        if (target is not null && !_isKnownTarget(target.Value))
            Error(target.Start, $"unknown target '{target.Value}'{Suggest.DidYouMean(target.Value, TargetNames.All)} (known: {string.Join(", ", TargetNames.All)})");

        var host = Scalar(values, "host");
        if (host is not null && host.Value.Length == 0) Error(host.Start, "host is empty");
        var port = Integer(values, "port", 1, 65535) ?? 22;
        var portFile = PathValue(values, "port_file");
        var user = Scalar(values, "user")?.Value ?? "root";
        var identity = PathValue(values, "identity_file");
        var hostKey = ReadHostKey(values);
        var modulePathNode = Scalar(values, "module_path");
        if (modulePathNode is not null && !modulePathNode.Value.StartsWith('/'))
            Error(modulePathNode.Start, $"module_path '{modulePathNode.Value}' must be an absolute path on the board");
        var moduleFile = PathValue(values, "module_file");
        // A relative module_file is relative to the profile's folder (boards/ → ../out/module/...).
        if (moduleFile is not null && !Path.IsPathRooted(moduleFile))
            moduleFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", moduleFile));
        var kernel = Scalar(values, "kernel")?.Value;
        var emulated = Boolean(values, "emulated") ?? false;
        var boardFolder = Scalar(values, "board_folder");
        if (emulated && boardFolder is null)
            Error(root.Start, "an emulated board needs 'board_folder' (the folder of boards/ with its start.sh, e.g. qemu)");
        if (!emulated && boardFolder is not null)
            Error(boardFolder.Start, "'board_folder' is only used with 'emulated: true'");
        var tree = ReadEmulation(values, file, emulated, root);
        if (tree is not null)
        {
            // One definition: the module of an emulated board is the one built for its tree.
            if (values.TryGetValue("module_file", out var mf))
                Error(mf.Start, $"an emulated board's module_file is out/module/{tree}/ktapvm.ko, from emulation tree: remove module_file");
            else
                moduleFile = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", "..", "out", "module", tree, "ktapvm.ko"));
        }

        if (_errors.Count > 0) throw new BoardProfileException(_errors.ToList());
        var stateDir = Path.Combine(PathExpander.StateDirectory(_env), "boards", name!.Value);
        return new BoardProfile(name.Value, target!.Value, host!.Value, port, portFile, user, identity!, hostKey!,
            modulePathNode?.Value ?? DefaultModulePath, moduleFile, kernel, emulated, boardFolder?.Value, stateDir, file)
        { KernelTree = tree };
    }

    // YamlStream builds its nodes recursively: a profile nested 200,000 deep would overflow
    // the stack (which no handler can catch). The parser's events are flat, so the depth is
    // counted on them first and a deep file is refused before any node is built.
    private static void CheckDepth(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart)
            {
                if (++depth > HostLimits.ProfileDepth)
                    throw new YamlException(parser.Current.Start, parser.Current.End, $"nested deeper than {HostLimits.ProfileDepth} levels");
            }
            else if (parser.Current is YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd) depth--;
        }
    }

    private Dictionary<string, YamlNode> ReadMapping(YamlMappingNode map, IEnumerable<string> allowed, string what)
    {
        var result = new Dictionary<string, YamlNode>();
        var allowedList = allowed.ToList();
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode.Start, $"keys of a {what} are plain words");
                continue;
            }
            if (SecretKeys.Contains(key))
                Error(keyNode.Start, $"'{key}' is a secret and does not belong in a board profile: use identity_file (a path to an ed25519 key)");
            else if (!allowedList.Contains(key))
                Error(keyNode.Start, $"unknown key '{key}' in {what}{Suggest.DidYouMean(key, allowedList)}");
            else if (!result.TryAdd(key, value))
                Error(keyNode.Start, $"key '{key}' appears twice");
        }
        return result;
    }

    private HostKeyPolicy? ReadHostKey(Dictionary<string, YamlNode> values)
    {
        if (!values.TryGetValue("host_key", out var node)) return null;
        if (node is not YamlMappingNode map)
        {
            Error(node.Start, "host_key must be a mapping with 'fingerprint: SHA256:...' or 'known_hosts: PATH'");
            return null;
        }
        var keys = ReadMapping(map, HostKeyKeys, "host_key");
        var fp = Scalar(keys, "fingerprint");
        var kh = PathValue(keys, "known_hosts");
        if (fp is null && kh is null && keys.Count == 0)
            Error(map.Start, "host_key needs 'fingerprint: SHA256:...' or 'known_hosts: PATH'");
        if (fp is not null && kh is not null)
            Error(map.Start, "host_key takes either 'fingerprint' or 'known_hosts', not both");
        if (fp is not null && !Sha256Fingerprint().IsMatch(fp.Value))
            Error(fp.Start, $"fingerprint '{fp.Value}' is not an OpenSSH SHA256 fingerprint (SHA256: and 43 base64 characters, as `ssh-keygen -lf KEY.pub` prints)");
        return new HostKeyPolicy(fp?.Value, kh);
    }

    /// <summary>A scalar value with the mark where it starts.</summary>
    private sealed record Field(string Value, Mark Start);

    private Field? Scalar(Dictionary<string, YamlNode> values, string key)
    {
        if (!values.TryGetValue(key, out var node)) return null;
        if (node is YamlScalarNode { Value: { } v }) return new Field(v, node.Start);
        Error(node.Start, $"'{key}' must be a single value");
        return null;
    }

    private string? PathValue(Dictionary<string, YamlNode> values, string key)
    {
        var node = Scalar(values, key);
        if (node is null) return null;
        if (node.Value.Length == 0) { Error(node.Start, $"'{key}' is empty"); return null; }
        try
        {
            return PathExpander.Expand(node.Value, _env);
        }
        catch (ArgumentException e)
        {
            Error(node.Start, $"'{key}': {e.Message}");
            return null;
        }
    }

    private int? Integer(Dictionary<string, YamlNode> values, string key, int min, int max)
    {
        var node = Scalar(values, key);
        if (node is null) return null;
        if (int.TryParse(node.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            return n;
        Error(node.Start, $"'{key}' must be a whole number from {min} to {max}, not '{node.Value}'");
        return null;
    }

    private bool? Boolean(Dictionary<string, YamlNode> values, string key)
    {
        var node = Scalar(values, key);
        if (node is null) return null;
        switch (node.Value)
        {
            case "true": return true;
            case "false": return false;
            default:
                Error(node.Start, $"'{key}' must be true or false, not '{node.Value}'");
                return null;
        }
    }

    private void Error(Mark mark, string message) =>
        _errors.Add(new BoardProfileError(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), message));
}
