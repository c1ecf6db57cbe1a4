namespace Ktap.Targets.Tests.Host;

public class CompileRequestTests
{
    [Fact]
    public void Format_then_parse_gives_back_every_script_the_board_and_the_warning_setting()
    {
        var request = new CompileRequest { Board = "/boards/vexpress.yaml", WarningsAsErrors = true };
        request.Scripts.Add(new ScriptRequest("/src/probes/a b.kp", "arm-v7", "/out/ktap/a b.kbc"));
        request.Scripts.Add(new ScriptRequest("/src/probes/c.kp", "powerpc", "/out/ktap/c-ppc.kbc"));

        var parsed = CompileRequest.Parse(request.Format().Split('\n'));

        Assert.Equal("/boards/vexpress.yaml", parsed.Board);
        Assert.True(parsed.WarningsAsErrors);
        Assert.Collection(parsed.Scripts,
            s => Assert.Equal(("/src/probes/a b.kp", "arm-v7", "/out/ktap/a b.kbc"), (s.Source, s.Target, s.Output)),
            s => Assert.Equal(("/src/probes/c.kp", "powerpc", "/out/ktap/c-ppc.kbc"), (s.Source, s.Target, s.Output)));
    }

    [Fact]
    public void Without_board_and_warning_setting_only_scripts_are_written()
    {
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest("/a.kp", "x86_64", "/a.kbc"));
        Assert.Equal("script\t/a.kp\tx86_64\t/a.kbc\n", request.Format());
        var parsed = CompileRequest.Parse(request.Format().Split('\n'));
        Assert.Null(parsed.Board);
        Assert.False(parsed.WarningsAsErrors);
    }

    [Theory]
    [InlineData("script\t/a.kp\tx86_64")]
    [InlineData("script\t/a.kp\t\t/a.kbc")]
    [InlineData("board")]
    [InlineData("warnaserror\tyes")]
    [InlineData("compile\t/a.kp")]
    public void A_malformed_line_is_refused_with_its_number(string line)
    {
        var error = Assert.Throws<FormatException>(() => CompileRequest.Parse(new[] { "warnaserror", line }));
        Assert.Contains("request line 2 ", error.Message);
    }

    [Fact]
    public void A_path_with_a_tab_cannot_be_written()
    {
        var request = new CompileRequest();
        request.Scripts.Add(new ScriptRequest("/a\tb.kp", "x86_64", "/a.kbc"));
        Assert.Throws<ArgumentException>(() => request.Format());
    }
}
