/*
 * replay_event.c - matches a replay_event (read by replay_stream.c) against the bundle's
 * probes, and gives the core its fields through replay_event_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay.h"

static char *sym_names[4096];
static int sym_count;

int replay_symbol_index(const char *name)
{
	int i;
	for (i = 0; i < sym_count; i++)
		if (!strcmp(sym_names[i], name))
			return i;
	if (sym_count >= 4096)
		return -1;
	sym_names[sym_count] = strdup(name);
	return sym_names[sym_count] ? sym_count++ : -1;
}

const char *replay_symbol_name(unsigned long long addr)
{
	if (addr < REPLAY_SYM_BASE || addr - REPLAY_SYM_BASE >= (unsigned long long)sym_count * 16 ||
	    (addr - REPLAY_SYM_BASE) % 16)
		return 0;
	return sym_names[(addr - REPLAY_SYM_BASE) / 16];
}

/* field i (0-based) of the event, as arg i+1 of a tracepoint or arg i+2 of a probe */
static void ev_field_at(const struct replay_event *e, int i, struct ktap_evval *out)
{
	const struct replay_field *f;
	out->kind = KTAP_EV_NIL;
	if (i < 0 || i >= e->nfields)
		return;
	f = &e->fields[i];
	out->kind = f->kind;
	out->number = f->number;
	out->str = f->str;
	out->len = f->len;
}

/* arg1..: a tracepoint's fields in format order; a probe's address, then its fetch-args;
 * an sdt marker's arguments (the kernel's kt_regs_arg) */
static void ev_arg(const struct ktap_event *ev, int n, struct ktap_evval *out)
{
	const struct replay_event *e = ev->data;
	if (e->addr_first && n == 1) {
		out->kind = KTAP_EV_NUMBER;
		out->number = (long long)e->addr;
		return;
	}
	ev_field_at(e, e->addr_first ? n - 2 : n - 1, out);
}

static void ev_field(const struct ktap_event *ev, const char *name, u32 len, struct ktap_evval *out)
{
	const struct replay_event *e = ev->data;
	int i;
	out->kind = KTAP_EV_NIL;
	for (i = 0; i < e->nfields; i++)
		if (strlen(e->fields[i].name) == len && !memcmp(e->fields[i].name, name, len)) {
			ev_field_at(e, i, out);
			return;
		}
}

static void ev_name(const struct ktap_event *ev, struct ktap_evval *out)
{
	const struct replay_event *e = ev->data;
	out->kind = KTAP_EV_STRING;
	out->str = e->name;
	out->len = (u32)strlen(e->name);
}

/* One line in the style of ftrace's trace file. */
static int ev_render(const struct ktap_event *ev, char *buf, int max)
{
	const struct replay_event *e = ev->data;
	int n, i;
	n = snprintf(buf, (size_t)max, "%16s-%-5lld [%03d] %5llu.%06llu: %s:", e->comm, e->pid, e->cpu,
		     e->ts / 1000000000ull, (e->ts / 1000ull) % 1000000ull, e->name);
	for (i = 0; i < e->nfields && n < max; i++) {
		const struct replay_field *f = &e->fields[i];
		if (f->kind == KTAP_EV_NUMBER)
			n += snprintf(buf + n, (size_t)(max - n), " %s=%lld", f->name, f->number);
		else if (f->kind == KTAP_EV_STRING)
			n += snprintf(buf + n, (size_t)(max - n), " %s=%s", f->name, f->str);
		else
			n += snprintf(buf + n, (size_t)(max - n), " %s=", f->name);
	}
	return n < max ? n : max - 1;
}

const struct ktap_event_ops replay_event_ops = { ev_arg, ev_field, ev_name, ev_render };

/* glob with '*' */
static int glob(const char *pat, const char *s)
{
	const char *star = 0, *back = 0;
	while (*s) {
		if (*pat == '*') {
			star = pat++;
			back = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++back;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return !*pat;
}

/*
 * A uprobe's or sdt marker's target is its file; the name it probes is in its spec, after
 * "PATH:" ("probe:/bin/app:main%return $arg1", "sdt:/bin/app:MARKER", "sdt:/bin/app:PROV:M").
 * The event names "PATH:NAME" (for sdt "PATH:PROVIDER:MARKER" or "PATH:MARKER"); a marker
 * pattern without a provider matches the marker of any provider.
 */
static int user_probe_matches(const struct ktap_probe *p, const char *name)
{
	char pat[256];
	const char *at, *mark;
	size_t tl, k = 0;
	if (!p->target || !p->spec)
		return 0;
	tl = strlen(p->target);
	if (strncmp(name, p->target, tl) || name[tl] != ':')
		return 0;
	name += tl + 1;
	at = strstr(p->spec, p->target);
	if (!at || at[tl] != ':')
		return 0;
	for (at += tl + 1; *at && *at != ' ' && *at != '\t' && *at != '%' && k < sizeof(pat) - 1; at++)
		pat[k++] = *at;
	pat[k] = 0;
	if (p->kind == KTAP_PROBE_SDT && !strchr(pat, ':') && (mark = strrchr(name, ':')))
		name = mark + 1;
	return glob(pat, name);
}

/* Does probe p fire for event name ev ("subsys:event", "kprobe:SYM", ...)? */
int replay_probe_matches(const struct ktap_probe *p, const char *ev)
{
	static const char *const prefix[] = { "", "", "kprobe:", "kretprobe:", "uprobe:", "uretprobe:",
					      "sdt:", "ftrace:", "", "", "" };
	const char *pre;
	size_t n;
	if (p->kind == KTAP_PROBE_TRACEPOINT)
		return p->target && strncmp(ev, "kprobe:", 7) && strncmp(ev, "kretprobe:", 10) &&
		       strncmp(ev, "uprobe:", 7) && strncmp(ev, "uretprobe:", 10) &&
		       strncmp(ev, "sdt:", 4) && strncmp(ev, "ftrace:", 7) && glob(p->target, ev);
	if (p->kind < KTAP_PROBE_KPROBE || p->kind > KTAP_PROBE_FTRACE)
		return 0;
	pre = prefix[p->kind];
	n = strlen(pre);
	if (strncmp(ev, pre, n))
		return 0;
	if (p->kind == KTAP_PROBE_FTRACE)
		return !strcmp(ev + n, "function");
	if (p->kind == KTAP_PROBE_UPROBE || p->kind == KTAP_PROBE_URETPROBE || p->kind == KTAP_PROBE_SDT)
		return user_probe_matches(p, ev + n);
	return p->target && glob(p->target, ev + n);
}
