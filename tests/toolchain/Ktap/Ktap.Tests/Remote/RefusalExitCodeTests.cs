using Ktap.Tool.Remote;

namespace Ktap.Tests.Remote;

/// <summary>
/// A bundle the board's module refuses: `ktap run` exits with "target mismatch" only for the
/// Foreign faults of ktap_bundle_faults.def, recognised by their one wording.
/// </summary>
public class RefusalExitCodeTests
{
    [Theory]
    [InlineData("bundle built for arm-v7, this VM is x86_64")]
    [InlineData("bundle word size 4, this VM has 8")]
    [InlineData("bundle is big-endian, this VM is little-endian")]
    [InlineData("unsupported bundle format version 9 (this reader: 1 to 4)")]
    [InlineData("bundle needs runtime ABI 2, this reader has 1")]
    [InlineData("bundle has unresolved kernel symbol literals (format 2): link it for this board with ktap run")]
    public void A_bundle_for_another_target_is_a_mismatch(string message) =>
        Assert.Equal(ExitCodes.TargetMismatch, SessionRunner.RefusalExitCode(message));

    [Theory]
    [InlineData("bad word size 3")] // damaged: the words "word size" alone no longer decide
    [InlineData("unknown architecture 77")]
    [InlineData("byte order field disagrees with the data")]
    [InlineData("checksum mismatch (stored 0x1, computed 0x2)")]
    [InlineData("function 0 pc 3: register 9 out of range (frame 4)")] // the verifier's
    [InlineData("probe kprobe:nosuch: cannot arm")]
    [InlineData("")]
    public void Anything_else_is_a_script_error(string message) =>
        Assert.Equal(ExitCodes.ScriptError, SessionRunner.RefusalExitCode(message));
}
