using Ktap.Tool;
using Ktap.Tool.Boards;

namespace Ktap.Tests.Boards;

public sealed class BoardCatalogTests
{
    [Fact]
    public void UserDirectoryComesFirstAndUnknownBoardsSuggest()
    {
        var user = Directory.CreateTempSubdirectory("ktap-boards-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(user, "qemu-x86_64.yaml"),
                "name: qemu-x86_64\ntarget: x86_64\nhost: 10.0.0.9\nidentity_file: /k\nhost_key:\n  known_hosts: /kh\n");
            var catalog = new BoardCatalog(n => n == "HOME" ? "/home/u" : null, [user, KtapPaths.ShippedBoards()!]);
            Assert.Equal("10.0.0.9", catalog.Load("qemu-x86_64").Host);
            Assert.Equal("arm-v7", catalog.Load("qemu-arm-v7").Target);
            var e = Assert.Throws<KtapException>(() => catalog.Load("qemu-x86-64"));
            Assert.Equal(ExitCodes.BoardProfile, e.ExitCode);
            Assert.StartsWith("unknown board 'qemu-x86-64' (did you mean 'qemu-x86_64'?); known boards: qemu-x86_64, qemu-arm-v7, qemu-arm64, qemu-powerpc, qemu-x86, qemu-x86_64-5.10, qemu-x86_64-6.12, qemu-x86_64-debug, qemu-x86_64-rt", e.Message);
        }
        finally { Directory.Delete(user, true); }
    }

    [Fact]
    public void DefaultBoardIsQemuUnlessConfigured()
    {
        Assert.Equal("qemu-x86_64", new BoardCatalog(_ => null, []).DefaultBoardName());
        Assert.Equal("mine", new BoardCatalog(n => n == "KTAP_BOARD" ? "mine" : null, []).DefaultBoardName());
    }
}
