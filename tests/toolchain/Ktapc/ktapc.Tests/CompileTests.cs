using Ktap.Bundle;
using Ktap.Profiles;

namespace Ktap.Cli.Tests;

/// <summary>Compiling through KtapCompiler.Compile: these need the lang pipeline.</summary>
public class CompileTests
{
    private const string Script = "var n = 0\ntrace syscalls:sys_enter_read {\n    n += 1\n}\ntrace_end {\n    printf(\"%d reads\\n\", n)\n}\n";

    [Theory]
    [InlineData("arm-v7", TargetArch.ArmV7), InlineData("ppc", TargetArch.PowerPC), InlineData("i686", TargetArch.X86), InlineData("x86_64", TargetArch.X86_64), InlineData("aarch64", TargetArch.Arm64)]
    public void A_script_compiles_to_the_default_output_for_its_target(string target, TargetArch arch)
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("reads.kp"), Script);
        Assert.Equal(0, cli.Run("--target", target, "reads.kp"));
        Assert.Equal("", cli.Err);
        var model = BundleReader.Read(File.ReadAllBytes(cli.PathOf("reads.kbc")));
        Assert.Equal(arch, model.Target.Arch);
        Assert.Equal("reads.kp", model.SourceName);
    }

    [Fact]
    public void Script_arguments_after_the_script_fill_the_args_section()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("s.kp"), Script);
        Assert.Equal(0, cli.Run("--target", "x86_64", "s.kp", "-o", "s.kbc", "--", "a", "b c"));
        var model = BundleReader.Read(File.ReadAllBytes(cli.PathOf("s.kbc")));
        Assert.Equal(new[] { "s.kp", "a", "b c" }, model.Arguments);
    }

    [Fact]
    public void Limit_options_fill_the_limits_section_and_the_last_of_a_key_wins()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("s.kp"), Script);
        Assert.Equal(0, cli.Run("--target", "arm-v7", "s.kp", "-o", "s.kbc", "--limit", "memory=33554432", "--limit", "insns=500000", "--limit", "insns=600000"));
        var model = BundleReader.Read(File.ReadAllBytes(cli.PathOf("s.kbc")));
        Assert.Equal(new[] { (LimitKey.InstructionsPerRun, 600000UL), (LimitKey.SessionMemory, 33554432UL) }, model.Limits);
    }

    [Theory]
    [InlineData("insns=0", "--limit insns=0: the value is a positive whole number (insns=N)")]
    [InlineData("stack=5", "--limit stack=5: unknown budget 'stack' (one of insns, depth, string, table, memory)")]
    [InlineData("depth=18446744073709551616", "--limit depth=18446744073709551616: the value is a positive whole number (depth=N)")]
    public void A_bad_limit_is_a_usage_error_and_writes_nothing(string limit, string message)
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("s.kp"), Script);
        Assert.Equal(ExitCodes.Usage, cli.Run("--target", "x86", "s.kp", "--limit", limit));
        Assert.Contains(message, cli.Err);
        Assert.False(File.Exists(cli.PathOf("s.kbc")));
    }

    [Fact]
    public void One_liner_and_stdin_compile()
    {
        using var cli = new CliRun();
        Assert.Equal(0, cli.Run("-e", "trace syscalls:sys_enter_open { print(execname()) }", "--target", "x86_64", "-o", "x.kbc"));
        Assert.True(BundleReader.Read(File.ReadAllBytes(cli.PathOf("x.kbc"))).Events.Count >= 1);
        Assert.Equal(0, cli.RunWithInput(Script, "--target", "arm", "-", "-o", "in.kbc"));
        Assert.Equal(TargetArch.ArmV7, BundleReader.Read(File.ReadAllBytes(cli.PathOf("in.kbc"))).Target.Arch);
    }

    [Fact]
    public void Script_errors_exit_1_in_canonical_form_and_write_nothing()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("bad.kp"), "trace syscalls:sys_enter_read {\n  print(\n");
        Assert.Equal(ExitCodes.ScriptError, cli.Run("--target", "x86", "bad.kp"));
        Assert.Matches(@"^bad\.kp\(\d+,\d+\): error KTAP\d{4}: .+", cli.Err);
        Assert.False(File.Exists(cli.PathOf("bad.kbc")));
    }

    [Fact]
    public void Warnaserror_turns_a_warning_into_exit_1()
    {
        using var cli = new CliRun();
        // An unused local is a warning (language.md); with --warnaserror it fails the build.
        File.WriteAllText(cli.PathOf("w.kp"), "function f() {\n    var unused = 1\n}\nf()\n");
        Assert.Equal(0, cli.Run("--target", "x86", "w.kp"));
        Assert.Contains(": warning KTAP", cli.Err);
        Assert.Equal(ExitCodes.ScriptError, cli.Run("--target", "x86", "w.kp", "-o", "w2.kbc", "--warnaserror"));
        Assert.Contains(": error KTAP", cli.Err);
        Assert.False(File.Exists(cli.PathOf("w2.kbc")));
    }

    [Fact]
    public void An_output_that_would_overwrite_the_script_is_refused()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("s.kbc"), Script);
        Assert.Equal(2, cli.Run("--target", "x86", "s.kbc"));
        Assert.Equal("ktapc: the output 's.kbc' would overwrite the script; give -o FILE\n", cli.Err);
        Assert.Equal(Script, File.ReadAllText(cli.PathOf("s.kbc")));
    }

    [Fact]
    public void An_unwritable_output_exits_2_and_leaves_no_file()
    {
        using var cli = new CliRun();
        File.WriteAllText(cli.PathOf("s.kp"), Script);
        Assert.Equal(2, cli.Run("--target", "x86", "s.kp", "-o", "no/such/dir/s.kbc"));
        Assert.StartsWith("ktapc: cannot write 'no/such/dir/s.kbc': ", cli.Err);
        Assert.Single(Directory.GetFiles(cli.Dir));
    }
}
