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
 * Compiled once at load into a node array; evaluated without allocating.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/glob.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include "kt.h"

#define KT_FILTER_NODES 64
#define KT_FILTER_STR 64

enum kt_fop { F_OR, F_AND, F_NOT, F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_BAND, F_GLOB };

struct kt_fnode {
	u8 op;
	u8 is_str;
	s16 left, right;            /* children for OR/AND/NOT */
	char field[32];
	s64 num;
	char str[KT_FILTER_STR];
};

struct kt_filter {
	int root, count;
	struct kt_fnode n[KT_FILTER_NODES];
};

struct kt_parser {
	const char *p;
	struct kt_filter *f;
	char *err;
	int errmax;
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

static int kt_node(struct kt_parser *ps, u8 op)
{
	if (ps->f->count >= KT_FILTER_NODES) {
		kt_perr(ps, "filter too long");
		return 0;
	}
	ps->f->n[ps->f->count].op = op;
	return ps->f->count++;
}

static int kt_expr(struct kt_parser *ps);

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
	idx = kt_node(ps, F_EQ);
	if (ps->failed)
		return 0;
	n = &ps->f->n[idx];
	while (isalnum(*ps->p) || *ps->p == '_') {
		if (len < (int)sizeof(n->field) - 1)
			n->field[len++] = *ps->p;
		ps->p++;
	}
	if (!len) {
		kt_perr(ps, "expected a field name");
		return 0;
	}
	kt_skip(ps);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (kt_eat(ps, ops[i].tok)) {
			op = ops[i].op;
			break;
		}
	if (op == 0xff) {
		kt_perr(ps, "expected == != < <= > >= & or ~");
		return 0;
	}
	n->op = op;
	kt_skip(ps);
	len = 0;
	if (*ps->p == '"') {
		ps->p++;
		while (*ps->p && *ps->p != '"') {
			if (len < KT_FILTER_STR - 1)
				n->str[len++] = *ps->p;
			ps->p++;
		}
		if (*ps->p != '"') {
			kt_perr(ps, "unterminated string");
			return 0;
		}
		ps->p++;
		n->is_str = 1;
	} else {
		char word[KT_FILTER_STR];

		while (*ps->p && !isspace(*ps->p) && *ps->p != ')' && *ps->p != '&' &&
		       *ps->p != '|') {
			if (len < KT_FILTER_STR - 1)
				word[len++] = *ps->p;
			ps->p++;
		}
		word[len] = 0;
		if (!len) {
			kt_perr(ps, "expected a value");
			return 0;
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
	return idx;
}

static int kt_unary(struct kt_parser *ps)
{
	int idx;

	kt_skip(ps);
	if (ps->p[0] == '!' && ps->p[1] != '=') {
		ps->p++;
		idx = kt_node(ps, F_NOT);
		ps->f->n[idx].left = kt_unary(ps);
		return idx;
	}
	if (kt_eat(ps, "(")) {
		idx = kt_expr(ps);
		if (!kt_eat(ps, ")"))
			kt_perr(ps, "expected )");
		return idx;
	}
	return kt_compare(ps);
}

static int kt_and(struct kt_parser *ps)
{
	int left = kt_unary(ps), idx;

	while (!ps->failed && kt_eat(ps, "&&")) {
		idx = kt_node(ps, F_AND);
		ps->f->n[idx].left = left;
		ps->f->n[idx].right = kt_unary(ps);
		left = idx;
	}
	return left;
}

static int kt_expr(struct kt_parser *ps)
{
	int left = kt_and(ps), idx;

	while (!ps->failed && kt_eat(ps, "||")) {
		idx = kt_node(ps, F_OR);
		ps->f->n[idx].left = left;
		ps->f->n[idx].right = kt_and(ps);
		left = idx;
	}
	return left;
}

struct kt_filter *kt_filter_compile(const char *text, char *err, int errmax)
{
	struct kt_parser ps = { .p = text, .err = err, .errmax = errmax };

	ps.f = kzalloc(sizeof(*ps.f), GFP_KERNEL);
	if (!ps.f)
		return ERR_PTR(-ENOMEM);
	ps.f->root = kt_expr(&ps);
	kt_skip(&ps);
	if (!ps.failed && *ps.p)
		kt_perr(&ps, "unexpected text");
	if (ps.failed) {
		kfree(ps.f);
		return ERR_PTR(-EINVAL);
	}
	return ps.f;
}

static bool kt_eval(const struct kt_filter *f, int i, const struct ktap_event *ev, int depth)
{
	const struct kt_fnode *n = &f->n[i];
	struct ktap_evval v;

	if (depth > KT_FILTER_NODES)
		return false;
	switch (n->op) {
	case F_OR:
		return kt_eval(f, n->left, ev, depth + 1) || kt_eval(f, n->right, ev, depth + 1);
	case F_AND:
		return kt_eval(f, n->left, ev, depth + 1) && kt_eval(f, n->right, ev, depth + 1);
	case F_NOT:
		return !kt_eval(f, n->left, ev, depth + 1);
	}
	ev->ops->field(ev, n->field, strlen(n->field), &v);
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

/* [probe] */
bool kt_filter_match(const struct kt_filter *f, const struct ktap_event *ev)
{
	return kt_eval(f, f->root, ev, 0);
}

void kt_filter_free(struct kt_filter *f)
{
	kfree(f);
}
