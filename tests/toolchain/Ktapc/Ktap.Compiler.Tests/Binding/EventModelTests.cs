using Ktap.Bundle;
using Ktap.Compiler.Tests.Compilation;

namespace Ktap.Compiler.Tests.Binding;

public class EventModelTests
{
    private static EventModel Single(string script, string target = "x86_64") =>
        Assert.Single(TestCompiler.Ok(script, target).Events);

    [Theory]
    [InlineData("trace sched:sched_switch { }", EventKind.Tracepoint, "sched:sched_switch", 0UL)]
    [InlineData("trace syscalls:sys_enter_* { }", EventKind.Tracepoint, "syscalls:sys_enter_*", 0UL)]
    [InlineData("trace *:* { }", EventKind.Tracepoint, "*:*", 0UL)]
    [InlineData("trace probe:vfs_read { }", EventKind.Kprobe, "vfs_read", 0UL)]
    [InlineData("trace probe:vfs_read+16 { }", EventKind.Kprobe, "vfs_read", 16UL)]
    [InlineData("trace probe:vfs_read+0x10 { }", EventKind.Kprobe, "vfs_read", 16UL)]
    [InlineData("trace probe:vfs* { }", EventKind.Kprobe, "vfs*", 0UL)]
    [InlineData("trace probe:vfs_read%return { }", EventKind.Kretprobe, "vfs_read", 0UL)]
    [InlineData("trace kprobe:do_exit { }", EventKind.Kprobe, "do_exit", 0UL)]
    [InlineData("trace kretprobe:do_fork { }", EventKind.Kretprobe, "do_fork", 0UL)]
    [InlineData("trace probe:/lib/libc.so.6:malloc { }", EventKind.Uprobe, "/lib/libc.so.6", 0UL)]
    [InlineData("trace probe:/lib/libc.so.6:0x1234 { }", EventKind.Uprobe, "/lib/libc.so.6", 0x1234UL)]
    [InlineData("trace probe:/lib/libc.so.6:malloc%return { }", EventKind.Uretprobe, "/lib/libc.so.6", 0UL)]
    [InlineData("trace uprobe:/bin/busybox:main { }", EventKind.Uprobe, "/bin/busybox", 0UL)]
    [InlineData("trace uretprobe:/bin/busybox:main { }", EventKind.Uretprobe, "/bin/busybox", 0UL)]
    [InlineData("trace sdt:/lib/libc.so.6:setjmp { }", EventKind.Sdt, "/lib/libc.so.6", 0UL)]
    [InlineData("trace sdt:/lib/libc.so.6:libc:setjmp { }", EventKind.Sdt, "/lib/libc.so.6", 0UL)]
    [InlineData("trace sdt:/usr/bin/app:my_app:req_* { }", EventKind.Sdt, "/usr/bin/app", 0UL)]
    [InlineData("trace ftrace:function { }", EventKind.FtraceFunction, null, 0UL)]
    [InlineData("trace_end { }", EventKind.TraceEnd, null, 0UL)]
    [InlineData("tick-200ms { }", EventKind.Tick, null, 200_000_000UL)]
    [InlineData("tick-2sec { }", EventKind.Tick, null, 2_000_000_000UL)]
    [InlineData("profile-10us { }", EventKind.Profile, null, 10_000UL)]
    [InlineData("profile-7usec { }", EventKind.Profile, null, 7_000UL)]
    [InlineData("profile-1msec { }", EventKind.Profile, null, 1_000_000UL)]
    [InlineData("profile-500ns { }", EventKind.Profile, null, 500UL)]
    [InlineData("profile-1000hz { }", EventKind.Profile, null, 1_000_000UL)]
    public void Each_event_form_becomes_its_kind_target_and_value(string script, EventKind kind, string? target, ulong value)
    {
        var e = Single(script);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(target, e.Target);
        Assert.Equal(value, e.Value);
    }

    [Fact]
    public void Several_definitions_share_one_handler_and_the_filter()
    {
        var m = TestCompiler.Ok("trace sched:sched_wakeup, sched:sched_wakeup_new /pid != 0/ { print(argname) }");
        Assert.Equal(2, m.Events.Count);
        Assert.Equal(m.Events[0].Handler, m.Events[1].Handler);
        Assert.All(m.Events, e => Assert.Equal("pid != 0", e.Filter));
        Assert.Equal(new[] { "sched:sched_wakeup", "sched:sched_wakeup_new" }, m.Events.Select(e => e.Spec));
        Assert.Equal(FunctionFlags.Handler, m.Functions[m.Events[0].Handler].Flags);
    }

    [Fact]
    public void Fetch_args_are_resolved_for_the_target()
    {
        var e = Single("trace probe:do_sys_open dfd=%di name=+0(%si):string mode=-8(%bp):u32 sp=$stack s3=$stack3 a3=$arg3 { }");
        Assert.Equal(new FetchArgModel[]
        {
            new("dfd", FetchSource.Register, FetchType.S64, 5, 0),
            new("name", FetchSource.Memory, FetchType.String, 4, 0),
            new("mode", FetchSource.Memory, FetchType.U32, 6, -8),
            new("sp", FetchSource.StackPointer, FetchType.S64, 0, 0),
            new("s3", FetchSource.StackSlot, FetchType.S64, 0, 3),
            new("a3", FetchSource.Register, FetchType.S64, 3, 0),
        }, e.FetchArgs);
    }

    [Theory]
    [InlineData("x86_64", "%di", FetchType.S64)]
    [InlineData("x86", "%ax", FetchType.S32)]
    [InlineData("arm-v7", "+16(%r0)", FetchType.S32)]
    [InlineData("powerpc", "+16(%gpr3)", FetchType.S32)]
    [InlineData("arm64", "+16(%x0)", FetchType.S64)]
    public void An_untyped_fetch_is_one_signed_word_of_the_target(string target, string fetch, FetchType expected)
    {
        // Reading 8 bytes at +16(%gpr3) on a 32-bit board would take the next word too.
        var e = Single($"trace probe:do_sys_open v={fetch} {{ }}", target);
        Assert.Equal(expected, Assert.Single(e.FetchArgs).Type);
        Assert.Equal(FetchType.U32, Single($"trace probe:do_sys_open v={fetch}:u32 {{ }}", target).FetchArgs[0].Type);
    }

    [Theory]
    [InlineData("x86_64", 1, FetchSource.Register, 5, 0L)]     // di
    [InlineData("x86_64", 6, FetchSource.Register, 9, 0L)]     // r9
    [InlineData("x86_64", 7, FetchSource.StackSlot, 0, 1L)]    // after the return address
    [InlineData("x86", 1, FetchSource.Register, 0, 0L)]        // ax (regparm 3)
    [InlineData("x86", 3, FetchSource.Register, 2, 0L)]        // cx
    [InlineData("x86", 4, FetchSource.StackSlot, 0, 1L)]
    [InlineData("arm-v7", 1, FetchSource.Register, 0, 0L)]     // r0
    [InlineData("arm-v7", 4, FetchSource.Register, 3, 0L)]     // r3
    [InlineData("arm-v7", 5, FetchSource.StackSlot, 0, 0L)]
    [InlineData("powerpc", 1, FetchSource.Register, 3, 0L)]    // gpr3
    [InlineData("powerpc", 8, FetchSource.Register, 10, 0L)]   // gpr10
    [InlineData("powerpc", 9, FetchSource.StackSlot, 0, 2L)]
    [InlineData("arm64", 1, FetchSource.Register, 0, 0L)]      // x0
    [InlineData("arm64", 8, FetchSource.Register, 7, 0L)]      // x7
    [InlineData("arm64", 9, FetchSource.StackSlot, 0, 0L)]     // lr (x30) holds the return address
    public void Portable_argN_goes_to_the_targets_argument_register_or_stack_slot(string target, int n, FetchSource source, int register, long offset)
    {
        var r = TestCompiler.Model($"trace probe:f a=$arg{n} {{ }}", target);
        Assert.True(r.Success, string.Join("\n", r.Diagnostics));
        var arg = Assert.Single(Assert.Single(r.Model!.Events).FetchArgs);
        Assert.Equal((source, register, offset), (arg.Source, arg.Register, arg.Offset));
        Assert.Equal(source == FetchSource.StackSlot, r.Diagnostics.Any(d => d.Code == "KTAP3006"));
    }

    [Fact]
    public void User_space_arguments_on_i686_are_all_on_the_stack()
    {
        var r = TestCompiler.Model("trace probe:/lib/libc.so.6:malloc size=$arg1 { }", "x86");
        var arg = Assert.Single(Assert.Single(r.Model!.Events).FetchArgs);
        Assert.Equal((FetchSource.StackSlot, 1L), (arg.Source, arg.Offset));
        Assert.Contains(r.Diagnostics, d => d.Code == "KTAP3006");
    }

    [Fact]
    public void Retval_on_return_probes()
    {
        var e = Single("trace probe:vfs_read%return r=$retval { print(args.r) }");
        Assert.Equal(FetchSource.ReturnValue, Assert.Single(e.FetchArgs).Source);
    }

    [Fact]
    public void Registers_of_every_target_are_accepted_by_their_own_names()
    {
        Assert.True(TestCompiler.Model("trace probe:f a=%r0 b=%lr c=%sp { }", "arm-v7").Success);
        Assert.True(TestCompiler.Model("trace probe:f a=%gpr3 b=%gpr31 { }", "powerpc").Success);
        Assert.True(TestCompiler.Model("trace probe:f a=%ax b=%dx c=%cx { }", "x86").Success);
        Assert.True(TestCompiler.Model("trace probe:f a=%x0 b=%x30 c=%sp d=%pc e=%pstate { }", "arm64").Success);
        Assert.False(TestCompiler.Model("trace probe:f a=%x31 { }", "arm64").Success);
        Assert.False(TestCompiler.Model("trace probe:f a=%r0 { }", "arm64").Success);
        Assert.False(TestCompiler.Model("trace probe:f a=%r8 { }", "x86").Success);
    }
}
