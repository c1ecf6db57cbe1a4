using Ktap.Compiler.Tests.Compilation;

namespace Ktap.Compiler.Tests.Compilation;

/// <summary>ktap 0.4's scripts as written (issue 12): comments anywhere, len(), exit(code), big literals.</summary>
public class Ktap04CompatTests
{
    [Fact]
    public void A_comment_after_a_field_of_a_table_constructor_compiles()
    {
        // the shape of ktap 0.4's syscalls/errinfo.kp
        var m = TestCompiler.Ok("""
            var errors = {
                [1] = "Operation not permitted",  #EPERM
                [2] = "No such file or directory", #ENOENT
            }
            print(errors[2])
            """);
        Assert.Contains(m.Functions[m.MainFunction].Code, w => Ktap.Bytecode.Instruction.Op(w) == Ktap.Bytecode.Opcode.SETTABLE);
    }

    [Fact]
    public void Old_hash_length_is_a_comment_now()
    {
        // `n = #t` is `n =` followed by a comment: the next line's token is what the parser sees
        var errors = TestCompiler.Errors("t = {}\nn = #t\n");
        var d = Assert.Single(errors);
        Assert.Equal("KTAP1101", d.Code);
        Assert.StartsWith("expected an expression", d.Message);
    }

    [Fact]
    public void Len_of_one_value_is_the_LEN_instruction()
    {
        var m = TestCompiler.Ok("function f(t) { return len(t) }");
        Assert.Equal(new[] { "LEN 1 0 0", "RETURN 1 2 0" }, TestCompiler.Asm(m, 1).Take(2));
    }

    [Fact]
    public void Len_keeps_its_arity_check()
    {
        var d = Assert.Single(TestCompiler.Errors("x = len(1, 2)"));
        Assert.Equal("KTAP2002", d.Code);
        Assert.Equal("len() takes 1 argument, but 2 given", d.Message);
    }

    [Theory]
    [InlineData("exit()", 0)]
    [InlineData("exit(-1)", 1)]
    [InlineData("exit(0)", 1)]
    public void Exit_takes_an_optional_code(string call, int args)
    {
        var m = TestCompiler.Ok($"function failed() {{ {call} }}");
        var asm = TestCompiler.Asm(m, 1);
        Assert.Contains(asm, l => l == $"CALL 0 {args + 1} 1");
    }

    [Fact]
    public void Exit_with_two_codes_is_an_error()
    {
        var d = Assert.Single(TestCompiler.Errors("exit(1, 2)"));
        Assert.Equal("KTAP2002", d.Code);
        Assert.Equal("exit() takes at most 1 argument, but 2 given", d.Message);
    }

    [Fact]
    public void A_literal_beyond_int64_compiles_with_a_warning()
    {
        var r = TestCompiler.Model("x = 18446744073709551615");
        Assert.True(r.Success);
        var w = Assert.Single(r.Diagnostics);
        Assert.Equal("KTAP1008", w.Code);
        Assert.Equal(Ktap.Bundle.Constant.Number(-1), r.Model!.Constants[0]);
    }
}
