using Ktap.Diagnostics;
using Ktap.Targets.Host;

namespace Ktap.Targets.Tests.Host;

public class CanonicalDiagnosticTests
{
    [Fact]
    public void An_error_carries_file_full_span_code_and_message()
    {
        var diagnostic = new Diagnostic("KTAP1003", DiagnosticSeverity.Error, "expected an expression", "a.kp", 3, 8, 3, 9);
        Assert.Equal("/src/probes/a.kp(3,8,3,9): error KTAP1003: expected an expression",
            CanonicalDiagnostic.Format(diagnostic, "/src/probes/a.kp"));
    }

    [Fact]
    public void A_warning_is_a_warning_and_line_breaks_do_not_cut_the_message()
    {
        var diagnostic = new Diagnostic("KTAP2001", DiagnosticSeverity.Warning, "unused\nvariable", "a.kp", 1, 1, 2, 4);
        Assert.Equal("/a.kp(1,1,2,4): warning KTAP2001: unused variable", CanonicalDiagnostic.Format(diagnostic, "/a.kp"));
    }
}
