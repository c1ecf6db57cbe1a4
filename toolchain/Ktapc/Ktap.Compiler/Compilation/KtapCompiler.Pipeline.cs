using Ktap.Diagnostics;

namespace Ktap.Compilation;

public static partial class KtapCompiler
{
    // Placeholder until the pipeline lands: every compile fails with a clear diagnostic.
    private static partial CompileResult CompileCore(CompileOptions options) =>
        new(null, new[] { new Diagnostic("KTAP0001", DiagnosticSeverity.Error, "the compiler pipeline is not implemented yet", options.FileName, 1, 1, 1, 2) });
}
