namespace Ktap.Bundle;

/// <summary>A bundle that breaks docs/bundle-format.md; the message names the first failing field.</summary>
public sealed class BundleFormatException : Exception
{
    public BundleFormatException(string message) : base(message) { }
}
