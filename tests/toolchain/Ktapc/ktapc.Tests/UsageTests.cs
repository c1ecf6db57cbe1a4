namespace Ktap.Cli.Tests;

public class UsageTests
{
    [Fact]
    public void Help_lists_verbs_options_and_exit_codes()
    {
        using var cli = new CliRun();
        Assert.Equal(0, cli.Run("--help"));
        Assert.Contains("--target", cli.Out);
        Assert.Contains("--warnaserror", cli.Out);
        Assert.Contains("dump <bundle>", cli.Out);
        Assert.Contains("targets", cli.Out);
        // the codes come from ktap_exit_codes.def, worded as there
        Assert.Contains("Exit codes: 0 success", cli.Out);
        Assert.Contains("3 the script or bundle has errors", cli.Out);
        Assert.DoesNotContain("1 a failure", cli.Out);
    }

    [Fact]
    public void Version_names_the_bundle_format_and_abi()
    {
        using var cli = new CliRun();
        Assert.Equal(0, cli.Run("--version"));
        Assert.Matches(@"^ktapc \d+\.\d+\.\d+ \(bundle formats 1 and 3, 2 and 4 before linking; runtime ABI 1\)\n$", cli.Out);
    }

    [Theory]
    [InlineData(new[] { "--target", "x68_64", "s.kp" }, "ktapc: unknown target 'x68_64'; did you mean x86_64? (known: x86, i686")]
    [InlineData(new[] { "s.kp" }, "ktapc: no target: give --target x86|x86_64|arm-v7|powerpc")]
    [InlineData(new[] { "--target", "arm" }, "ktapc: no script: give a script file, - for standard input, or -e 'script'")]
    [InlineData(new[] { "--target", "arm", "--bogus" }, "ktapc: unknown option '--bogus'")]
    [InlineData(new[] { "--target", "arm", "missing.kp" }, "ktapc: cannot read 'missing.kp': ")]
    [InlineData(new[] { "--target", "arm", "-e", "print(1)" }, "ktapc: give -o FILE for a script from -e or standard input")]
    [InlineData(new[] { "--target" }, "ktapc: Required argument missing for option: '--target'.")]
    [InlineData(new[] { "dump" }, "ktapc: Required argument missing for command: 'dump'.")]
    [InlineData(new[] { "dump", "missing.kbc" }, "ktapc: cannot read 'missing.kbc': ")]
    public void Usage_and_io_errors_exit_2_with_a_message(string[] args, string message)
    {
        using var cli = new CliRun();
        Assert.Equal(2, cli.Run(args));
        Assert.StartsWith(message, cli.Err);
        Assert.Equal("", cli.Out);
    }

    [Fact]
    public void Targets_lists_every_profile_with_its_facts()
    {
        using var cli = new CliRun();
        Assert.Equal(0, cli.Run("targets"));
        foreach (var p in Ktap.Profiles.TargetProfiles.All)
        {
            Assert.Contains($"{p.Name}: ", cli.Out);
            Assert.Contains(string.Join(", ", p.Aliases), cli.Out);
            Assert.Contains(string.Join(" ", p.Registers.Registers.Select(r => r.Name)), cli.Out);
        }
        Assert.Contains("byte order   big-endian", cli.Out);
        Assert.Contains("word size    8 bytes", cli.Out);
        Assert.Contains("$arg1=di $arg2=si", cli.Out);
    }
}
