using Ktap.Bundle;
using Ktap.Tool.Commands;

namespace Ktap.Tool.Remote;

/// <summary>Adapts the record decoder (Ktap.Output, from the vm part) to a session's output.</summary>
public static class RecordOutput
{
    public static ISessionOutput Create(BundleModel bundle, OutputFormat format, TextWriter writer) =>
        throw new KtapException(ExitCodes.Failure, "this build has no record decoder (Ktap.Output is not merged yet)");
}
