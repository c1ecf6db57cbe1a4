/*
 * fuzz_filter.c - the module's filter parser and evaluator (runtime/ktapvm/kernel/filter.c,
 * included as is) built in user space over the runner's kshim/ headers (runtime/ktapvm/user):
 *   - as a libFuzzer target (clang -fsanitize=fuzzer,address,undefined): any text is
 *     compiled; a refusal must carry a message; an accepted filter must have a well-formed
 *     node array (children before parents, in range) and evaluate, on three events, to
 *     what a straightforward recursive evaluator of the same tree says;
 *   - with -DKT_FILTER_SELFTEST, a main() that checks the limits and known verdicts.
 */
#include "../../../runtime/ktapvm/kernel/filter.c"

#include <assert.h>

/* The kshim's task and CPU (runtime/ktapvm/user/kshim): fixed, so the task fields have
 * known values. */
static const struct task_struct shim_task = { "shimtask", 4711 };
const struct task_struct *kshim_current(void) { return &shim_task; }
int kshim_cpu(void) { return 3; }

struct fake_event {
	s64 pid, off;
	const char *comm; /* NULL: the event has no comm field (the task's is used) */
};

static void fake_field(const struct ktap_event *ev, const char *name, u32 len,
		       struct ktap_evval *out)
{
	const struct fake_event *fe = ev->data;

	out->kind = KTAP_EV_NIL;
	if (len == 3 && !memcmp(name, "pid", 3)) {
		out->kind = KTAP_EV_NUMBER;
		out->number = fe->pid;
	} else if (len == 3 && !memcmp(name, "off", 3)) {
		out->kind = KTAP_EV_NUMBER;
		out->number = fe->off;
	} else if (len == 4 && !memcmp(name, "comm", 4) && fe->comm) {
		out->kind = KTAP_EV_STRING;
		out->str = fe->comm;
		out->len = strlen(fe->comm); /* not NUL-terminated as far as the filter knows */
	}
}

static const struct ktap_event_ops fake_ops = { .field = fake_field };

/* The reference: the tree read top-down, as the grammar means it. */
static bool ref_eval(const struct kt_filter *f, int i, const struct ktap_event *ev, int depth)
{
	const struct kt_fnode *n = &f->n[i];

	assert(depth <= KT_FILTER_NODES);
	switch (n->op) {
	case F_OR:
		return ref_eval(f, n->left, ev, depth + 1) || ref_eval(f, n->right, ev, depth + 1);
	case F_AND:
		return ref_eval(f, n->left, ev, depth + 1) && ref_eval(f, n->right, ev, depth + 1);
	case F_NOT:
		return !ref_eval(f, n->left, ev, depth + 1);
	}
	return kt_leaf(n, ev);
}

static void check_filter(const struct kt_filter *f)
{
	static const struct fake_event evs[] = {
		{ 1, 4242, "ktapwl" }, { -5, 0, "" }, { 0x7fffffffffffffffLL, 77, "cat*[x" },
		{ 4711, 3, NULL },
	};
	int i;

	assert(f->count >= 1 && f->count <= KT_FILTER_NODES);
	for (i = 0; i < f->count; i++) {
		const struct kt_fnode *n = &f->n[i];

		assert(n->op <= F_GLOB);
		assert(memchr(n->field, 0, sizeof(n->field)));
		assert(memchr(n->str, 0, sizeof(n->str)));
		if (n->op == F_OR || n->op == F_AND)
			assert(n->left >= 0 && n->left < i && n->right >= 0 && n->right < i);
		if (n->op == F_NOT)
			assert(n->left >= 0 && n->left < i);
	}
	for (i = 0; i < (int)(sizeof(evs) / sizeof(evs[0])); i++) {
		struct ktap_event ev = { .ops = &fake_ops, .data = (void *)&evs[i] };

		assert(kt_filter_match(f, &ev) == ref_eval(f, f->count - 1, &ev, 0));
	}
}

/* Compile text; on refusal return NULL with the message in err. */
static struct kt_filter *compile(const char *text, char *err, int errmax)
{
	struct kt_filter *f;

	err[0] = 0;
	f = kt_filter_compile(text, err, errmax);
	if (IS_ERR(f)) {
		assert(err[0] && memchr(err, 0, errmax));
		return NULL;
	}
	check_filter(f);
	return f;
}

#ifndef KT_FILTER_SELFTEST
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[160];
	struct kt_filter *f;

	memcpy(text, data, size);
	text[size] = 0;
	f = compile(text, err, sizeof(err));
	kt_filter_free(f);
	free(text);
	return 0;
}
#else
static int pass, fail;

static void expect(const char *name, bool cond)
{
	printf("%s - %s\n", cond ? "ok  " : "FAIL", name);
	cond ? pass++ : fail++;
}

/* text nested n levels: "((...(pid == 1)...))" or "!!!...pid == 1" */
static char *nest(int n, char open, const char *close)
{
	char *s = malloc(2 * n + 16), *p = s;
	int i;

	for (i = 0; i < n; i++)
		*p++ = open;
	p += sprintf(p, "pid == 1");
	for (i = 0; *close && i < n; i++)
		*p++ = *close;
	*p = 0;
	return s;
}

static bool verdict(const char *text, const struct fake_event *fe)
{
	char err[160];
	struct kt_filter *f = compile(text, err, sizeof(err));
	struct ktap_event ev = { .ops = &fake_ops, .data = (void *)fe };
	bool r;

	assert(f);
	r = kt_filter_match(f, &ev);
	kt_filter_free(f);
	return r;
}

int main(void)
{
	static const struct fake_event e = { 1, 4242, "ktapwl" }, nocomm = { 1, 4242, NULL };
	char err[160], *s, big[KT_FILTER_TEXT_MAX + 2];
	struct kt_filter *f;
	int i;

	s = nest(2000, '(', ")");
	f = compile(s, err, sizeof(err));
	expect("2,000 nested ( are refused", !f && strstr(err, "deeper than 32 levels"));
	free(s);
	s = nest(2000, '(', "");
	f = compile(s, err, sizeof(err));
	expect("2,000 unclosed ( are refused", !f && strstr(err, "deeper than 32 levels"));
	free(s);
	s = nest(32, '(', ")");
	f = compile(s, err, sizeof(err));
	expect("32 nested ( are accepted", f != NULL);
	kt_filter_free(f);
	free(s);
	s = nest(33, '(', ")");
	f = compile(s, err, sizeof(err));
	expect("33 nested ( are refused", !f && strstr(err, "deeper than 32 levels"));
	free(s);
	s = nest(2000, '!', "");
	f = compile(s, err, sizeof(err));
	expect("2,000 ! are refused", !f && strstr(err, "deeper than 32 levels"));
	free(s);
	memset(big, ' ', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memcpy(big, "pid == 1", 8);
	f = compile(big, err, sizeof(err));
	expect("a filter of 1,025 bytes is refused", !f && strstr(err, "longer than 1024 bytes"));
	big[KT_FILTER_TEXT_MAX] = 0;
	f = compile(big, err, sizeof(err));
	expect("a filter of 1,024 bytes is accepted", f != NULL);
	kt_filter_free(f);
	s = malloc(64 * 12 + 16);
	s[0] = 0;
	for (i = 0; i < 33; i++)
		strcat(s, i ? " && pid == 1" : "pid == 1");
	f = compile(s, err, sizeof(err));
	expect("33 terms joined by && (65 nodes) are refused", !f && strstr(err, "more than 64 terms"));
	free(s);
	f = compile("a_field_name_of_thirty_two_bytes == 1", err, sizeof(err));
	expect("a 32-byte field name is refused, not cut", !f && strstr(err, "field name longer"));
	f = compile("comm == \"0123456789012345678901234567890123456789012345678901234567890123\"",
		    err, sizeof(err));
	expect("a 64-byte string is refused, not cut", !f && strstr(err, "string longer"));
	expect("off == 4242 && !(off < 0) holds", verdict("off == 4242 && !(off < 0)", &e));
	expect("pid == 2 || comm == \"ktapwl\" holds", verdict("pid == 2 || comm == \"ktapwl\"", &e));
	expect("comm ~ \"ktap*\" && (pid > 5 || off & 2) holds",
	       verdict("comm ~ \"ktap*\" && (pid > 5 || off & 2)", &e));
	expect("!(comm == ktapwl) does not hold", !verdict("!(comm == ktapwl)", &e));
	expect("a missing field never matches", !verdict("nope == 0", &e));
	expect("&& binds tighter than ||: pid == 1 || pid == 2 && off == 0 holds",
	       verdict("pid == 1 || pid == 2 && off == 0", &e));
	/* the task's fields (shim: comm "shimtask", pid 4711, CPU 3) */
	expect("comm == \"shimtask\" holds on an event without comm",
	       verdict("comm == \"shimtask\"", &nocomm));
	expect("COMM ~ \"shim*\" holds on an event without comm", verdict("COMM ~ \"shim*\"", &nocomm));
	expect("comm != \"shimtask\" does not hold on an event without comm",
	       !verdict("comm != \"shimtask\"", &nocomm));
	expect("the event's own comm wins: comm == \"shimtask\" does not hold",
	       !verdict("comm == \"shimtask\"", &e));
	expect("cpu == 3 && CPU == 3 && common_cpu == 3 holds",
	       verdict("cpu == 3 && CPU == 3 && common_cpu == 3", &e));
	expect("cpu == 2 does not hold", !verdict("cpu == 2", &e));
	expect("common_pid == 4711 holds", verdict("common_pid == 4711", &e));
	expect("common_pid != 4711 does not hold", !verdict("common_pid != 4711", &e));
	expect("a misspelt field (cout > 1000) never matches", !verdict("cout > 1000", &e));
	expect("Comm is not a task field", !verdict("Comm == \"shimtask\"", &nocomm));
	printf("RESULT passed=%d failed=%d\n", pass, fail);
	return fail != 0;
}
#endif
