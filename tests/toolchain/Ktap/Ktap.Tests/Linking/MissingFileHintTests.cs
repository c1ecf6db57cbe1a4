using System.Diagnostics;
using Ktap.Tool.Linking;

namespace Ktap.Tests.Linking;

/// <summary>The hint for a uprobe path the board lacks: its command run by a real shell, and the message built from what a board answers.</summary>
public sealed class MissingFileHintTests
{
    private static string Sh(string command)
    {
        var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    [Fact]
    public void AnExistingFileGetsNoHint() =>
        Assert.Null(MissingFileHint.Message("/bin/sh", "b", Sh(MissingFileHint.Command("/bin/sh"))));

    [Fact]
    public void AMissingFileWithANameFoundNowhereSaysSo() =>
        Assert.Equal("/lib/ktap-no-such.so.9 does not exist on b (no ktap-no-such.so.9 in its library or program directories either)",
            MissingFileHint.Message("/lib/ktap-no-such.so.9", "b", Sh(MissingFileHint.Command("/lib/ktap-no-such.so.9"))));

    [Fact]
    public void AMissingProgramIsFoundUnderItsName() =>
        // sh is in /bin or /usr/bin on every host that runs these tests; /nowhere/sh is not.
        Assert.Matches("^/nowhere/sh does not exist on b; sh is at (/usr)?/bin/sh", MissingFileHint.Message("/nowhere/sh", "b", Sh(MissingFileHint.Command("/nowhere/sh"))));

    [Fact]
    public void TheBoardsMultiarchLibcIsNamed() =>
        Assert.Equal("/lib/libc.so.6 does not exist on qemu-x86_64; libc.so.6 is at /lib/x86_64-linux-gnu/libc.so.6: use that path in the script",
            MissingFileHint.Message("/lib/libc.so.6", "qemu-x86_64", "missing\n/lib/x86_64-linux-gnu/libc.so.6\n"));

    [Fact]
    public void WhatTheBoardAnswersIsFilteredAndBounded()
    {
        // A hostile or odd board: relative names, escape sequences, duplicates, a flood of paths.
        var answer = "missing\nrelative/libc.so.6\n/a/libc.so.6\u001b[2J\n/a/libc.so.6\n/a/libc.so.6\n" +
                     string.Concat(Enumerable.Range(0, 100).Select(i => $"/d{i}/libc.so.6\n"));
        Assert.Equal("/lib/libc.so.6 does not exist on b; libc.so.6 is at /a/libc.so.6, /d0/libc.so.6, /d1/libc.so.6: use that path in the script",
            MissingFileHint.Message("/lib/libc.so.6", "b", answer));
    }

    [Fact]
    public void QuotesInThePathCannotEscapeTheCommand() =>
        // The path is one quoted word: the injected echo is part of a file name that does not exist.
        Assert.Equal("missing\n", Sh(MissingFileHint.Command("/tmp/x'; echo /pwned; echo '")));
}
