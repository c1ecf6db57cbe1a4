using System.Text.RegularExpressions;

namespace Ktap.Bundle;

public static partial class BundleFaults
{
    /// <summary>
    /// The fault whose wording (ktap_bundle_faults.def) a refusal's message was formatted from,
    /// or null for any other message (the verifier's, a probe's). The board's module sends only
    /// the message, so this is how the host tells a bundle for another target (a Foreign fault)
    /// from a damaged one without a second list of words. The corpus tests check that no
    /// message fits two wordings.
    /// </summary>
    public static BundleFaultInfo? Recognize(string message)
    {
        foreach (var (info, pattern) in Wordings.Patterns)
            if (pattern.IsMatch(message))
                return info;
        return null;
    }

    // A class of its own: field initialisers in two files of a partial class run in no
    // defined order, and these need All first.
    private static class Wordings
    {
        public static readonly (BundleFaultInfo Info, Regex Pattern)[] Patterns =
            All.Select(f => (f, new Regex(WordingPattern(f.Wording), RegexOptions.CultureInvariant))).ToArray();
    }

    // Each conversion matches what the C loader prints for it: %u decimal, %x hex, %s any text.
    private static string WordingPattern(string wording) =>
        Regex.Escape(wording).Replace("%u", "[0-9]+").Replace("%x", "[0-9a-fA-F]+").Replace("%s", ".*?");
}
