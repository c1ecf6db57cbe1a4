namespace Ktap.Output;

/// <summary>The runtime error codes of ktap_runtime_errors.def, generated into the other part of this class.</summary>
public static partial class RuntimeErrors
{
    /// <summary>A budget's error code is this plus its LIMITS key (ktap_bundle_format.def).</summary>
    public const int BudgetBase = 100;
}
