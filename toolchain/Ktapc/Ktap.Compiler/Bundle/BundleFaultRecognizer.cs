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

    /// <summary>
    /// A regular expression (unanchored) for the messages formatted from <paramref name="wording"/>,
    /// one group per conversion, each matching what the C loader prints for it: %u decimal,
    /// %x lower-case hex, %s some text.
    /// </summary>
    public static string WordingPattern(string wording) =>
        Regex.Replace(Regex.Escape(wording), "%([uxs])", m => m.Groups[1].Value switch
        {
            "u" => "([0-9]+)",
            "x" => "([0-9a-f]+)",
            _ => "(.+?)",
        });
}
