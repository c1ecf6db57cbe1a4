using System.Text.RegularExpressions;
using Ktap.Output;

namespace Ktap.Tool.Remote;

/// <summary>
/// A kernel release as the board reports it (`uname -r`). It names a cache folder
/// (boards/NAME/catalog/RELEASE/) and appears in messages, so it is checked before any use:
/// letters, digits and . _ + ~ -, at most <see cref="HostLimits.ReleaseChars"/> characters,
/// not "." or "..". Anything else (a path, NUL, a control character) is refused.
/// </summary>
public static partial class KernelRelease
{
    [GeneratedRegex(@"^[A-Za-z0-9._+~-]+$")]
    private static partial Regex Allowed();

    public static bool IsValid(string? release) =>
        release is { Length: > 0 and <= HostLimits.ReleaseChars } && release != "." && release != ".." && Allowed().IsMatch(release);

    /// <summary>The release, or a <see cref="KtapException"/> naming the board.</summary>
    public static string Check(string release, string host) => IsValid(release)
        ? release
        : throw new KtapException(ExitCodes.Failure,
            $"{host} reports a kernel release that is not a plain name: '{TerminalText.Quote(release)}' (letters, digits and . _ + ~ -, at most {HostLimits.ReleaseChars} characters)");
}
