using Ktap.Catalog;
using Ktap.Output.Events;
using Xunit;

namespace Ktap.Output.Tests;

/// <summary>
/// argevent as ftrace prints it: the module's field list turned into a trace-file line by the
/// event's print fmt. The catalog lines are the qemu-x86_64 board's (Debian 6.1); the expected
/// lines are what that board's /sys/kernel/tracing/trace printed for the same field values
/// (tests/boards/ktap-e2e.sh compares the two on every board).
/// </summary>
public class EventLinesTests
{
    private const string Fields = """
sched/sched_switch/format:	field:char prev_comm[16];	offset:8;	size:16;	signed:1;
sched/sched_switch/format:	field:pid_t prev_pid;	offset:24;	size:4;	signed:1;
sched/sched_switch/format:	field:int prev_prio;	offset:28;	size:4;	signed:1;
sched/sched_switch/format:	field:long prev_state;	offset:32;	size:8;	signed:1;
sched/sched_switch/format:	field:char next_comm[16];	offset:40;	size:16;	signed:1;
sched/sched_switch/format:	field:pid_t next_pid;	offset:56;	size:4;	signed:1;
sched/sched_switch/format:	field:int next_prio;	offset:60;	size:4;	signed:1;
irq/softirq_raise/format:	field:unsigned int vec;	offset:8;	size:4;	signed:0;
syscalls/sys_enter_openat/format:	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
syscalls/sys_enter_openat/format:	field:int dfd;	offset:16;	size:8;	signed:0;
syscalls/sys_enter_openat/format:	field:const char * filename;	offset:24;	size:8;	signed:0;
syscalls/sys_enter_openat/format:	field:int flags;	offset:32;	size:8;	signed:0;
syscalls/sys_enter_openat/format:	field:umode_t mode;	offset:40;	size:8;	signed:0;
syscalls/sys_exit_openat/format:	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
syscalls/sys_exit_openat/format:	field:long ret;	offset:16;	size:8;	signed:1;
block/block_bio_queue/format:	field:dev_t dev;	offset:8;	size:4;	signed:0;
block/block_bio_queue/format:	field:sector_t sector;	offset:16;	size:8;	signed:0;
block/block_bio_queue/format:	field:unsigned int nr_sector;	offset:24;	size:4;	signed:0;
block/block_bio_queue/format:	field:char rwbs[8];	offset:28;	size:8;	signed:1;
block/block_bio_queue/format:	field:char comm[16];	offset:36;	size:16;	signed:1;
kmem/kmalloc/format:	field:unsigned long call_site;	offset:8;	size:8;	signed:0;
kmem/kmalloc/format:	field:const void * ptr;	offset:16;	size:8;	signed:0;
kmem/kmalloc/format:	field:size_t bytes_req;	offset:24;	size:8;	signed:0;
kmem/kmalloc/format:	field:size_t bytes_alloc;	offset:32;	size:8;	signed:0;
kmem/kmalloc/format:	field:unsigned long gfp_flags;	offset:40;	size:8;	signed:0;
kmem/kmalloc/format:	field:int node;	offset:48;	size:4;	signed:1;
timer/hrtimer_start/format:	field:void * hrtimer;	offset:8;	size:8;	signed:0;
timer/hrtimer_start/format:	field:void * function;	offset:16;	size:8;	signed:0;
timer/hrtimer_start/format:	field:s64 expires;	offset:24;	size:8;	signed:1;
timer/hrtimer_start/format:	field:s64 softexpires;	offset:32;	size:8;	signed:1;
timer/hrtimer_start/format:	field:enum hrtimer_mode mode;	offset:40;	size:4;	signed:0;
timer/hrtimer_start/format:	field:bool was_armed;	offset:44;	size:1;	signed:0;
""";

    private const string PrintFmts = """
sched/sched_switch/format:print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }, { 0x00000008, "t" }, { 0x00000010, "X" }, { 0x00000020, "Z" }, { 0x00000040, "P" }, { 0x00000080, "I" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? "+" : "", REC->next_comm, REC->next_pid, REC->next_prio
irq/softirq_raise/format:print fmt: "vec=%u [action=%s]", REC->vec, __print_symbolic(REC->vec, { 0, "HI" }, { 1, "TIMER" }, { 2, "NET_TX" }, { 3, "NET_RX" }, { 4, "BLOCK" }, { 5, "IRQ_POLL" }, { 6, "TASKLET" }, { 7, "SCHED" }, { 8, "HRTIMER" }, { 9, "RCU" })
syscalls/sys_enter_openat/format:print fmt: "dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))
syscalls/sys_exit_openat/format:print fmt: "0x%lx", REC->ret
block/block_bio_queue/format:print fmt: "%d,%d %s %llu + %u [%s]", ((unsigned int) ((REC->dev) >> 20)), ((unsigned int) ((REC->dev) & ((1U << 20) - 1))), REC->rwbs, (unsigned long long)REC->sector, REC->nr_sector, REC->comm
kmem/kmalloc/format:print fmt: "call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s", (void *)REC->call_site, REC->ptr, REC->bytes_req, REC->bytes_alloc, (REC->gfp_flags) ? __print_flags(REC->gfp_flags, "|", {( unsigned long)(((((((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u) | (( gfp_t)0x100000u)) | (( gfp_t)0x02u)) | (( gfp_t)0x08u) | (( gfp_t)0) | (( gfp_t)0)) | (( gfp_t)0x40000u) | (( gfp_t)0x80000u) | (( gfp_t)0x2000u)) & ~(( gfp_t)(0x400u|0x800u))) | (( gfp_t)0x400u)), "GFP_TRANSHUGE"}, {( unsigned long)((((((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u) | (( gfp_t)0x100000u)) | (( gfp_t)0x02u)) | (( gfp_t)0x08u) | (( gfp_t)0) | (( gfp_t)0)) | (( gfp_t)0x40000u) | (( gfp_t)0x80000u) | (( gfp_t)0x2000u)) & ~(( gfp_t)(0x400u|0x800u))), "GFP_TRANSHUGE_LIGHT"}, {( unsigned long)((((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u) | (( gfp_t)0x100000u)) | (( gfp_t)0x02u)) | (( gfp_t)0x08u) | (( gfp_t)0) | (( gfp_t)0)), "GFP_HIGHUSER_MOVABLE"}, {( unsigned long)(((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u) | (( gfp_t)0x100000u)) | (( gfp_t)0x02u)), "GFP_HIGHUSER"}, {( unsigned long)((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u) | (( gfp_t)0x100000u)), "GFP_USER"}, {( unsigned long)(((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u)) | (( gfp_t)0x400000u)), "GFP_KERNEL_ACCOUNT"}, {( unsigned long)((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u) | (( gfp_t)0x80u)), "GFP_KERNEL"}, {( unsigned long)((( gfp_t)(0x400u|0x800u)) | (( gfp_t)0x40u)), "GFP_NOFS"}, {( unsigned long)((( gfp_t)0x20u)|(( gfp_t)0x200u)|(( gfp_t)0x800u)), "GFP_ATOMIC"}, {( unsigned long)((( gfp_t)(0x400u|0x800u))), "GFP_NOIO"}, {( unsigned long)((( gfp_t)0x800u)), "GFP_NOWAIT"}, {( unsigned long)(( gfp_t)0x01u), "GFP_DMA"}, {( unsigned long)(( gfp_t)0x02u), "__GFP_HIGHMEM"}, {( unsigned long)(( gfp_t)0x04u), "GFP_DMA32"}, {( unsigned long)(( gfp_t)0x20u), "__GFP_HIGH"}, {( unsigned long)(( gfp_t)0x200u), "__GFP_ATOMIC"}, {( unsigned long)(( gfp_t)0x40u), "__GFP_IO"}, {( unsigned long)(( gfp_t)0x80u), "__GFP_FS"}, {( unsigned long)(( gfp_t)0x2000u), "__GFP_NOWARN"}, {( unsigned long)(( gfp_t)0x4000u), "__GFP_RETRY_MAYFAIL"}, {( unsigned long)(( gfp_t)0x8000u), "__GFP_NOFAIL"}, {( unsigned long)(( gfp_t)0x10000u), "__GFP_NORETRY"}, {( unsigned long)(( gfp_t)0x40000u), "__GFP_COMP"}, {( unsigned long)(( gfp_t)0x100u), "__GFP_ZERO"}, {( unsigned long)(( gfp_t)0x80000u), "__GFP_NOMEMALLOC"}, {( unsigned long)(( gfp_t)0x20000u), "__GFP_MEMALLOC"}, {( unsigned long)(( gfp_t)0x100000u), "__GFP_HARDWALL"}, {( unsigned long)(( gfp_t)0x200000u), "__GFP_THISNODE"}, {( unsigned long)(( gfp_t)0x10u), "__GFP_RECLAIMABLE"}, {( unsigned long)(( gfp_t)0x08u), "__GFP_MOVABLE"}, {( unsigned long)(( gfp_t)0x400000u), "__GFP_ACCOUNT"}, {( unsigned long)(( gfp_t)0x1000u), "__GFP_WRITE"}, {( unsigned long)(( gfp_t)(0x400u|0x800u)), "__GFP_RECLAIM"}, {( unsigned long)(( gfp_t)0x400u), "__GFP_DIRECT_RECLAIM"}, {( unsigned long)(( gfp_t)0x800u), "__GFP_KSWAPD_RECLAIM"}, {( unsigned long)(( gfp_t)0x800000u), "__GFP_ZEROTAGS"} ) : "none", REC->node, (1 && (REC->gfp_flags & ( unsigned long)(( gfp_t)0x400000u))) ? "true" : "false"
timer/hrtimer_start/format:print fmt: "hrtimer=%p function=%ps expires=%llu softexpires=%llu mode=%s was_armed=%d", REC->hrtimer, REC->function, (unsigned long long) REC->expires, (unsigned long long) REC->softexpires, __print_symbolic(REC->mode, { HRTIMER_MODE_ABS, "ABS" }, { HRTIMER_MODE_REL, "REL" }, { HRTIMER_MODE_ABS_PINNED, "ABS|PINNED" }, { HRTIMER_MODE_REL_PINNED, "REL|PINNED" }, { HRTIMER_MODE_ABS_SOFT, "ABS|SOFT" }, { HRTIMER_MODE_REL_SOFT, "REL|SOFT" }, { HRTIMER_MODE_ABS_PINNED_SOFT, "ABS|PINNED|SOFT" }, { HRTIMER_MODE_REL_PINNED_SOFT, "REL|PINNED|SOFT" }, { HRTIMER_MODE_ABS_HARD, "ABS|HARD" }, { HRTIMER_MODE_REL_HARD, "REL|HARD" }, { HRTIMER_MODE_ABS_PINNED_HARD, "ABS|PINNED|HARD" }, { HRTIMER_MODE_REL_PINNED_HARD, "REL|PINNED|HARD" }), REC->was_armed
""";

    private static EventLines Lines(int wordBits = 64) =>
        new(EventCatalog.ParseFormats(Fields), EventLines.ParsePrintFmts(PrintFmts), wordBits);

    [Theory]
    [InlineData("sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=0 next_comm=rcu_preempt next_pid=15 next_prio=120",
                "sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=rcu_preempt next_pid=15 next_prio=120")]
    [InlineData("sched_switch: prev_comm=rcu_preempt prev_pid=15 prev_prio=120 prev_state=128 next_comm=swapper/1 next_pid=0 next_prio=120",
                "sched_switch: prev_comm=rcu_preempt prev_pid=15 prev_prio=120 prev_state=I ==> next_comm=swapper/1 next_pid=0 next_prio=120")]
    [InlineData("sched_switch: prev_comm=dd prev_pid=7 prev_prio=120 prev_state=3 next_comm=sh next_pid=8 next_prio=120",
                "sched_switch: prev_comm=dd prev_pid=7 prev_prio=120 prev_state=S|D ==> next_comm=sh next_pid=8 next_prio=120")]
    [InlineData("sched_switch: prev_comm=dd prev_pid=7 prev_prio=120 prev_state=256 next_comm=sh next_pid=8 next_prio=120",
                "sched_switch: prev_comm=dd prev_pid=7 prev_prio=120 prev_state=R+ ==> next_comm=sh next_pid=8 next_prio=120")]
    [InlineData("softirq_raise: vec=7", "softirq_raise: vec=7 [action=SCHED]")]
    [InlineData("softirq_raise: vec=12", "softirq_raise: vec=12 [action=0xc]")]
    [InlineData("block_bio_queue: dev=7340032 sector=8 nr_sector=8 rwbs=WS comm=dd", "block_bio_queue: 7,0 WS 8 + 8 [dd]")]
    [InlineData("sys_enter_openat: __syscall_nr=257 dfd=4294967196 filename=94380059530461 flags=0 mode=0",
                "sys_openat(dfd: ffffff9c, filename: 55d691ec14dd, flags: 0, mode: 0)")]
    [InlineData("sys_exit_openat: __syscall_nr=257 ret=6", "sys_openat -> 0x6")]
    [InlineData("sys_exit_openat: __syscall_nr=257 ret=-2", "sys_openat -> 0xfffffffffffffffe")]
    [InlineData("kmalloc: call_site=-1419016552 ptr=-126394033903616 bytes_req=1024 bytes_alloc=1024 gfp_flags=3264 node=-1",
                "kmalloc: call_site=0xffffffffab6b8698 ptr=0xffff8d0b9881e800 bytes_req=1024 bytes_alloc=1024 gfp_flags=GFP_KERNEL node=-1 accounted=false")]
    [InlineData("kmalloc: call_site=1 ptr=2 bytes_req=8 bytes_alloc=8 gfp_flags=0 node=0",
                "kmalloc: call_site=0x1 ptr=0x2 bytes_req=8 bytes_alloc=8 gfp_flags=none node=0 accounted=false")]
    public void Applies_the_print_fmt(string rendered, string expected) =>
        Assert.Equal(expected, Lines().Line(rendered));

    [Fact]
    public void A_string_field_may_hold_spaces_and_equals_signs() =>
        Assert.Equal("sched_switch: prev_comm=a b=c prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=x y next_pid=2 next_prio=100",
            Lines().Line("sched_switch: prev_comm=a b=c prev_pid=1 prev_prio=120 prev_state=0 next_comm=x y next_pid=2 next_prio=100"));

    [Fact]
    public void A_32_bit_board_prints_long_conversions_in_32_bits() =>
        Assert.Equal("sys_openat -> 0xfffffffe", Lines(wordBits: 32).Line("sys_exit_openat: __syscall_nr=5 ret=-2"));

    [Theory]
    [InlineData("hrtimer_start: hrtimer=1 function=2 expires=3 softexpires=4 mode=0 was_armed=0")] // enum names the kernel left unresolved
    [InlineData("no_such_event: a=1")]
    [InlineData("sched_switch: prev_comm=x prev_pid=notanumber prev_prio=1 prev_state=0 next_comm=y next_pid=2 next_prio=3")]
    [InlineData("sched_switch: unknown=1")]
    [InlineData("softirq_raise")]
    public void Keeps_what_it_cannot_print_exactly(string rendered) =>
        Assert.Null(Lines().Line(rendered));

    [Fact]
    public void A_rendering_the_module_cut_short_is_kept() =>
        Assert.Null(Lines().Line("sched_switch: prev_comm=" + new string('x', 520)));

    [Theory]
    [InlineData("\"%08lx\", REC->a", 64, -1L, "ffffffffffffffff")]
    [InlineData("\"%08lx\", REC->a", 32, -1L, "ffffffff")]
    [InlineData("\"%08lx\", REC->a", 64, 255L, "000000ff")]
    [InlineData("\"%d %u\", REC->a, REC->a", 64, -1L, "-1 4294967295")]
    [InlineData("\"%llu %hu %hhx\", REC->a, REC->a, REC->a", 64, -1L, "18446744073709551615 65535 ff")]
    [InlineData("\"%#x %#o %5d|%-5d|\", REC->a, REC->a, REC->a, REC->a", 64, 8L, "0x8 010     8|8    |")]
    [InlineData("\"%s\", REC->a ? \"yes\" : \"no\"", 64, 2L, "yes")]
    [InlineData("\"%d\", (u8)REC->a + (s8)REC->a", 64, 255L, "254")]
    [InlineData("\"%lld %lld %lld\", (int16_t)REC->a, (__s16)REC->a, (uint16_t)REC->a", 64, 65535L, "-1 -1 65535")]
    [InlineData("\"%d\", !REC->a || (REC->a >> 2 & 3) == 1", 64, 4L, "1")]
    [InlineData("\"a\" \"b%d\", -REC->a * 3 % 5", 64, 4L, "ab-2")]
    public void Evaluates_C_expressions_and_kernel_conversions(string printFmt, int wordBits, long a, string expected)
    {
        var fmt = PrintFmt.Parse(printFmt);
        Assert.NotNull(fmt);
        Assert.Equal(expected, fmt!.Apply(f => f == "a" ? a : null, wordBits));
    }

    [Theory]
    [InlineData("\"%s\", __print_hex(REC->buf, 4)")]
    [InlineData("\"%d\", REC->a[0]")]
    [InlineData("\"%d\", sizeof(int)")]
    [InlineData("\"%d\", (REC->a")]
    [InlineData("REC->a")]
    [InlineData("\"%d\", 0x")]
    public void Refuses_what_is_outside_the_subset(string printFmt) => Assert.Null(PrintFmt.Parse(printFmt));

    [Theory]
    [InlineData("\"%d\", REC->a", "%d of a string")] // conversion mismatch
    [InlineData("\"%d %d\", REC->a", "too few")]
    [InlineData("\"%999999d\", REC->a", "huge width")]
    [InlineData("\"%d\", REC->missing", "no field")]
    [InlineData("\"%d\", REC->n / 0", "division by zero")]
    public void Gives_no_line_when_a_value_does_not_fit(string printFmt, string why)
    {
        var fmt = PrintFmt.Parse(printFmt);
        Assert.NotNull(fmt);
        Assert.True(fmt!.Apply(f => f switch { "a" => "text", "n" => 1L, _ => null }, 64) is null, why);
    }
}
