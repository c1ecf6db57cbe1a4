// SPDX-License-Identifier: GPL-2.0
/*
 * filter.c - event filters in the kernel's trace filter syntax, applied before the
 * handler runs, over the fields the event exposes (tracepoint fields, fetch-arg names,
 * ip). Grammar:
 *   expr   := and ('||' and)*
 *   and    := unary ('&&' unary)*
 *   unary  := '!' unary | '(' expr ')' | FIELD OP VALUE
 *   OP     := == != < <= > >= & ~        (~ is a glob match on strings)
 *   VALUE  := integer (decimal, 0x hex, negative) | "string" | bare-word
 * The text comes from a bundle, so nothing about it is trusted: at most
 * KT_FILTER_TEXT_MAX bytes, KT_FILTER_DEPTH_MAX nested '(' or '!' (the parser recurses
 * once per level, so this bounds its stack), KT_FILTER_NODES nodes. Over-long names and
 * strings are refused rather than cut (a cut name could name another field).
 * Compiled once at load into a node array in which every node comes after its children,
 * so evaluation in probe context is one loop over the array: no recursion, no allocation.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/glob.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include "filter.h"

#define KT_FILTER_FIELD 32
#define KT_FILTER_STR 64

enum kt_fop { F_OR, F_AND, F_NOT, F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_BAND, F_GLOB };

/* The task's fields a filter may name on any event (tracefs's generic fields). */
enum kt_ftask { T_NONE, T_COMM, T_CPU, T_PID };

static const struct { const char *name; u8 kind; } kt_task_fields[] = {
	{ "comm", T_COMM }, { "COMM", T_COMM }, { "cpu", T_CPU }, { "CPU", T_CPU },
	{ "common_cpu", T_CPU }, { "common_pid", T_PID },
};

_Static_assert(KT_FILTER_NODES <= 64, "kt_filter_match keeps one bit per node in a u64");

struct kt_fnode {
	u8 op;
	u8 is_str;
	u8 task;                    /* enum kt_ftask: the fallback when the event lacks field */
	s16 left, right;            /* children for OR/AND/NOT: always lower indices */
	char field[KT_FILTER_FIELD];
	s64 num;
	char str[KT_FILTER_STR];
};

struct kt_filter {
	int count;                  /* the root is the last node */
	struct kt_fnode n[KT_FILTER_NODES];
};

struct kt_parser {
	const char *p;
	struct kt_filter *f;
	char *err;
	int errmax;
	int depth;
	bool failed;
};

static void kt_perr(struct kt_parser *ps, const char *what)
{
	if (!ps->failed)
		snprintf(ps->err, ps->errmax, "%s at \"%.20s\"", what, ps->p);
	ps->failed = true;
}

static void kt_skip(struct kt_parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static bool kt_eat(struct kt_parser *ps, const char *tok)
{
	kt_skip(ps);
	if (strncmp(ps->p, tok, strlen(tok)))
		return false;
	ps->p += strlen(tok);
	return true;
}

/* A new node; -1 (and the parser failed) when the filter has too many. */
static int kt_node(struct kt_parser *ps, u8 op, int left, int right)
{
	struct kt_fnode *n;

	if (ps->failed)
		return -1;
	if (ps->f->count >= KT_FILTER_NODES) {
		kt_perr(ps, "filter has more than 64 terms");
		return -1;
	}
	n = &ps->f->n[ps->f->count];
	n->op = op;
	n->left = left;
	n->right = right;
	return ps->f->count++;
}

static int kt_expr(struct kt_parser *ps);

/* FIELD OP VALUE: a leaf, so it has no children to come before it. */
static int kt_compare(struct kt_parser *ps)
{
	static const struct { const char *tok; u8 op; } ops[] = {
		{ "==", F_EQ }, { "!=", F_NE }, { "<=", F_LE }, { ">=", F_GE },
		{ "<", F_LT }, { ">", F_GT }, { "&", F_BAND }, { "~", F_GLOB },
	};
	struct kt_fnode *n;
	int i, len = 0, idx;
	u8 op = 0xff;

	kt_skip(ps);
	idx = kt_node(ps, F_EQ, -1, -1);
	if (idx < 0)
		return -1;
	n = &ps->f->n[idx];
	while (isalnum(*ps->p) || *ps->p == '_') {
		if (len == KT_FILTER_FIELD - 1) {
			kt_perr(ps, "field name longer than 31 bytes");
			return -1;
		}
		n->field[len++] = *ps->p++;
	}
	if (!len) {
		kt_perr(ps, "expected a field name");
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(kt_task_fields); i++)
		if (!strcmp(n->field, kt_task_fields[i].name))
			n->task = kt_task_fields[i].kind;
	kt_skip(ps);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (kt_eat(ps, ops[i].tok)) {
			op = ops[i].op;
			break;
		}
	if (op == 0xff) {
		kt_perr(ps, "expected == != < <= > >= & or ~");
		return -1;
	}
	n->op = op;
	kt_skip(ps);
	len = 0;
	if (*ps->p == '"') {
		ps->p++;
		while (*ps->p && *ps->p != '"') {
			if (len == KT_FILTER_STR - 1) {
				kt_perr(ps, "string longer than 63 bytes");
				return -1;
			}
			n->str[len++] = *ps->p++;
		}
		if (*ps->p != '"') {
			kt_perr(ps, "unterminated string");
			return -1;
		}
		ps->p++;
		n->is_str = 1;
	} else {
		char word[KT_FILTER_STR];

		while (*ps->p && !isspace(*ps->p) && *ps->p != ')' && *ps->p != '&' &&
		       *ps->p != '|') {
			if (len == KT_FILTER_STR - 1) {
				kt_perr(ps, "value longer than 63 bytes");
				return -1;
			}
			word[len++] = *ps->p++;
		}
		word[len] = 0;
		if (!len) {
			kt_perr(ps, "expected a value");
			return -1;
		}
		if (kstrtoll(word, 0, &n->num)) {
			strscpy(n->str, word, sizeof(n->str));
			n->is_str = 1;
		}
	}
	if (n->is_str && op != F_EQ && op != F_NE && op != F_GLOB)
		kt_perr(ps, "strings compare only with == != ~");
	if (!n->is_str && op == F_GLOB)
		kt_perr(ps, "~ needs a string");
	return ps->failed ? -1 : idx;
}

static int kt_unary(struct kt_parser *ps)
{
	int idx = -1;

	kt_skip(ps);
	if ((ps->p[0] == '!' && ps->p[1] != '=') || ps->p[0] == '(') {
		/* The only recursion: one level per '!' or '(', so bounded here. */
		if (++ps->depth > KT_FILTER_DEPTH_MAX) {
			kt_perr(ps, "filter nests deeper than 32 levels of ( or !");
			return -1;
		}
		if (ps->p[0] == '!') {
			ps->p++;
			idx = kt_unary(ps);
			idx = kt_node(ps, F_NOT, idx, -1);
		} else {
			ps->p++;
			idx = kt_expr(ps);
			if (!ps->failed && !kt_eat(ps, ")"))
				kt_perr(ps, "expected )");
		}
		ps->depth--;
		return ps->failed ? -1 : idx;
	}
	return kt_compare(ps);
}

static int kt_and(struct kt_parser *ps)
{
	int left = kt_unary(ps), right;

	while (!ps->failed && kt_eat(ps, "&&")) {
		right = kt_unary(ps);
		left = kt_node(ps, F_AND, left, right); /* after both children */
	}
	return ps->failed ? -1 : left;
}

static int kt_expr(struct kt_parser *ps)
{
	int left = kt_and(ps), right;

	while (!ps->failed && kt_eat(ps, "||")) {
		right = kt_and(ps);
		left = kt_node(ps, F_OR, left, right);
	}
	return ps->failed ? -1 : left;
}

struct kt_filter *kt_filter_compile(const char *text, char *err, int errmax)
{
	struct kt_parser ps = { .p = text, .err = err, .errmax = errmax };
	int root;

	ps.f = kzalloc(sizeof(*ps.f), GFP_KERNEL);
	if (!ps.f)
		return ERR_PTR(-ENOMEM);
	root = kt_expr(&ps);
	kt_skip(&ps);
	if (!ps.failed && *ps.p)
		kt_perr(&ps, "unexpected text");
	/* Every node is built after its children, so the root is the last one. */
	if (!ps.failed && root != ps.f->count - 1)
		kt_perr(&ps, "internal: filter root is not the last node");
	/* After parsing (linear in the text), so that a deep nest gets the precise message. */
	if (!ps.failed && strnlen(text, KT_FILTER_TEXT_MAX + 1) > KT_FILTER_TEXT_MAX) {
		snprintf(err, errmax, "filter longer than %d bytes", KT_FILTER_TEXT_MAX);
		ps.failed = true;
	}
	if (ps.failed) {
		kfree(ps.f);
		return ERR_PTR(-EINVAL);
	}
	return ps.f;
}

/* [probe] The current task's field, read as tracefs's filter reads it: the probe runs
 * in the context of the task (and on the CPU) the event happened in. */
static void kt_task_field(u8 which, struct ktap_evval *v)
{
	switch (which) {
	case T_COMM:
		v->kind = KTAP_EV_STRING;
		v->str = current->comm;
		v->len = strnlen(current->comm, sizeof(current->comm));
		return;
	case T_CPU:
		v->kind = KTAP_EV_NUMBER;
		v->number = raw_smp_processor_id();
		return;
	case T_PID:
		v->kind = KTAP_EV_NUMBER;
		v->number = current->pid;
		return;
	}
}

/* [probe] One comparison against the event's field. */
static bool kt_leaf(const struct kt_fnode *n, const struct ktap_event *ev)
{
	struct ktap_evval v;

	v.kind = KTAP_EV_NIL;
	ev->ops->field(ev, n->field, strlen(n->field), &v);
	if (v.kind == KTAP_EV_NIL && n->task)
		kt_task_field(n->task, &v);
	if (n->is_str) {
		char buf[KT_FILTER_STR * 2];
		u32 len;
		bool eq;

		if (v.kind != KTAP_EV_STRING)
			return false;
		len = min_t(u32, v.len, sizeof(buf) - 1);
		memcpy(buf, v.str, len);
		buf[len] = 0;
		if (n->op == F_GLOB)
			return glob_match(n->str, buf);
		eq = !strcmp(buf, n->str);
		return n->op == F_EQ ? eq : !eq;
	}
	if (v.kind != KTAP_EV_NUMBER)
		return false;
	switch (n->op) {
	case F_EQ: return v.number == n->num;
	case F_NE: return v.number != n->num;
	case F_LT: return v.number < n->num;
	case F_LE: return v.number <= n->num;
	case F_GT: return v.number > n->num;
	case F_GE: return v.number >= n->num;
	case F_BAND: return (v.number & n->num) != 0;
	}
	return false;
}

/*
 * [probe] Children come before parents, so one pass in index order computes every node
 * (bit i of val). Every leaf is read, even one a && or || would not need: reading a
 * field has no side effect, and a filter has at most 64 nodes.
 */
bool kt_filter_match(const struct kt_filter *f, const struct ktap_event *ev)
{
	u64 val = 0;
	int i;

	for (i = 0; i < f->count; i++) {
		const struct kt_fnode *n = &f->n[i];
		bool r;

		switch (n->op) {
		case F_OR:
			r = (val >> n->left & 1) || (val >> n->right & 1);
			break;
		case F_AND:
			r = (val >> n->left & 1) && (val >> n->right & 1);
			break;
		case F_NOT:
			r = !(val >> n->left & 1);
			break;
		default:
			r = kt_leaf(n, ev);
			break;
		}
		if (r)
			val |= 1ull << i;
	}
	return f->count && (val >> (f->count - 1) & 1);
}

void kt_filter_free(struct kt_filter *f)
{
	kfree(f);
}
