namespace Ktap.Bundle;

/// <summary>A bundle that breaks docs/bundle-format.md; the message names the first failing field.</summary>
public sealed class BundleFormatException : Exception
{
    public BundleFormatException(string message) : base(message) { }

    public BundleFormatException(BundleFaultText fault) : base(fault.Message) => Fault = fault.Fault;

    /// <summary>The fault of ktap_bundle_faults.def, the VM's too; None for a check only the host makes (BundleErrors).</summary>
    public BundleFault Fault { get; }
}
