namespace Ktap.Compiler.Tests.Compilation;

/// <summary>
/// Scripts written for these tests in the style of ktap 0.4's samples (the constructs
/// they use: var at top level, handlers, filters, fetch-args, tick/profile, pairs,
/// sort_pairs with a comparator, printf with widths, ptable aggregation, functions).
/// </summary>
public static class StyleScripts
{
    public static readonly (string Name, string Source)[] All =
    {
        ("syscall_histogram", """
#!/usr/bin/env ktap
# count system calls by name
var calls = ptable()

trace syscalls:sys_enter_* {
	calls[argname] <<< 1
}

trace_end {
	histogram(calls)
}
"""),
        ("open_watch", """
trace syscalls:sys_enter_openat {
	printf("%-16s %6d %s\n", execname(), pid(), user_string(arg3))
}
"""),
        ("read_latency", """
var started = {}
var lat = ptable()

trace probe:vfs_read {
	started[tid()] = gettimeofday_us()
}

trace probe:vfs_read%return {
	var t0 = started[tid()]
	if (t0 == nil) { return }
	lat[execname()] <<< gettimeofday_us() - t0
	started[tid()] = nil
}

trace_end {
	printf("%16s %8s %8s %8s\n", "NAME", "COUNT", "AVG", "MAX")
	for (name, s in pairs(lat)) {
		printf("%16s %8d %8d %8d\n", name, count(s), avg(s), max(s))
	}
}
"""),
        ("scheduler_states", """
var RUNNING = 0
var QUEUED = 1
var state = {}
var stamp = {}
var on_cpu = {}

trace sched:sched_switch {
	var prev = arg2
	var next = arg6
	var now = gettimeofday_us()
	if (state[prev] == RUNNING) {
		on_cpu[prev] += now - stamp[prev]
	} elseif (state[prev] == nil) {
		# first sighting
	} else {
		state[prev] = QUEUED
	}
	stamp[next] = now
	state[next] = RUNNING
}

trace sched:sched_wakeup, sched:sched_wakeup_new {
	state[arg2] = QUEUED
}

trace_end {
	for (p, t in pairs(on_cpu)) {
		printf("%8d %10d us\n", p, t)
	}
}
"""),
        ("io_top", """
var rd = ptable()
var wr = ptable()

function human(bytes) {
	if (bytes > 1024 * 1024) {
		return bytes / 1024 / 1024
	} elseif (bytes > 1024) {
		return bytes / 1024
	}
	return bytes
}

trace syscalls:sys_exit_read /ret > 0/ {
	rd[execname()] <<< arg2
}

trace syscalls:sys_exit_write /ret > 0/ {
	wr[execname()] <<< arg2
}

tick-1s {
	ansi.clear_screen()
	for (who, _ in pairs(rd)) {
		printf("%15s r: %10d\n", who, human(sum(rd[who])))
	}
	delete(rd)
}
"""),
        ("kmalloc_stacks", """
var stacks = ptable()
trace kmem:kmalloc /bytes_req > 4096/ {
	stacks[backtrace()] <<< 1
}
trace_end {
	function by_count(a, b) {
		return count(a) > count(b)
	}
	for (k, v in sort_pairs(stacks, by_count)) {
		print(k)
		print(count(v))
	}
}
"""),
        ("malloc_sizes", """
var sizes = {}
trace probe:/lib/x86_64-linux-gnu/libc.so.6:malloc size=%di /size > 16/ {
	sizes[arg2] += 1
}
trace_end {
	histogram(sizes)
}
"""),
        ("profile_sampler", """
var samples = ptable()
profile-1000hz {
	samples[backtrace()] <<< 1
}
tick-30s {
	exit()
}
trace_end {
	for (k, v in sort_pairs(samples)) {
		print(k, count(v))
	}
}
"""),
        ("grid_game", """
var cells = {}
var width = 12
var score = 0
var key = 0

function rand(limit) {
	var r = gettimeofday_us()
	if (r < 0) { r = -r }
	return r % limit
}

function draw() {
	for (i = 0, width * 20 - 1) {
		var tail = ""
		if (i % width == width - 1) { tail = "\n" }
		if (cells[i] == nil) {
			printf("  %s", tail)
		} else {
			ansi.set_color(cells[i] + 40)
			printf("  %s", tail)
			ansi.reset_color()
		}
	}
	printf("%d\n", score)
}

for (i = 0, width * 20 - 1, 1) {
	if ((i % width) < 2 || i > 228) { cells[i] = 7 }
}

trace probe:kbd_event handle=%di kind=%si code=%dx value=%cx {
	if (arg5 != 0) { key = arg4 }
}

tick-200ms {
	ansi.clear_screen()
	var row = 18
	repeat {
		row = row - 1
		var j = 10
		while (j > 0 && cells[row * width + j] != nil) { j = j - 1 }
		if (j == 0) { score += 1 }
	} until row <= 0
	if (key != 0) { key = 0 }
	draw()
}
"""),
        ("ftrace_mutex", """
trace ftrace:function /ip==mutex*/ {
	print(cpu(), pid(), execname(), argevent)
}
"""),
        ("do_sys_open_args", """
trace probe:do_sys_open dfd=%di filename=%si flags=%dx mode=%cx {
	printf("%s opens %s\n", execname(), user_string(args.filename))
}
trace probe:do_sys_open%return fd=$retval {
	printf("fd %d\n", arg2)
}
"""),
        ("one_liner_style", "trace syscalls:sys_enter_open { print(execname(), argname) }"),
        ("goto_and_labels", """
var n = 0
function count_to(limit) {
	var i = 0
	::again::
	i = i + 1
	if (i < limit) { goto again }
	return i
}
n = count_to(10)
printf("%d\n", n)
"""),
        ("script_args_and_strings", """
var who = arg[1]
var banner = [[
tracing
]]
var bytes = "caf\xe9\0\255"
print(banner, who, len(bytes), "tab\tquote\"'")
trace syscalls:sys_enter_kill /pid == 1/ { print(arg1 .. ":" .. argname) }
"""),
    };

    public static TheoryData<string> Names() => new(All.Select(s => s.Name));

    public static string Get(string name) => All.First(s => s.Name == name).Source;
}
