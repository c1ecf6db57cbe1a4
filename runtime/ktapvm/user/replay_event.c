/*
 * replay_event.c - turns one JSON replay line into a replay_event, matches it against
 * the bundle's probes, and gives the core its fields through replay_event_ops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "replay.h"
#include "json.h"

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

static int num(const struct json *o, const char *key, long long *out, const char **err)
{
	const struct json *j = json_get(o, key);
	if (!j)
		return 0;
	if (j->type != J_NUMBER) {
		*err = key;
		return -1;
	}
	*out = j->number;
	return 1;
}

static unsigned long long parse_addr(const char *s, int *ok)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	*ok = *s && !*end;
	return v;
}

/* Fill e from the JSON object; the strings point into j, which outlives the event.
 * Returns 0, or -1 with msg filled. */
int replay_event_from_json(const struct json *j, struct replay_event *e, char *msg, size_t msgsz)
{
	const struct json *v;
	const char *bad = 0;
	long long x;
	int i;
	memset(e, 0, sizeof(*e));
	if (j->type != J_OBJECT) {
		snprintf(msg, msgsz, "an event is a JSON object");
		return -1;
	}
	v = json_get(j, "event");
	if (!v || v->type != J_STRING || !v->len) {
		snprintf(msg, msgsz, "missing \"event\" (a string such as \"sched:sched_switch\")");
		return -1;
	}
	e->event = v->str;
	e->name = strrchr(v->str, ':') ? strrchr(v->str, ':') + 1 : v->str;
	if (num(j, "ts", &x, &bad) != 1 || x < 0) {
		snprintf(msg, msgsz, "missing or bad \"ts\" (nanoseconds, a non-negative integer)");
		return -1;
	}
	e->ts = (unsigned long long)x;
	if (num(j, "cpu", &x, &bad) > 0)
		e->cpu = (int)x;
	if (x < 0 || x > 255) {
		snprintf(msg, msgsz, "\"cpu\" must be 0..255");
		return -1;
	}
	if (num(j, "pid", &e->pid, &bad) < 0 || num(j, "tid", &e->tid, &bad) < 0 ||
	    num(j, "uid", &e->uid, &bad) < 0) {
		snprintf(msg, msgsz, "\"%s\" must be an integer", bad);
		return -1;
	}
	if (!json_get(j, "tid"))
		e->tid = e->pid;
	x = 0;
	if (num(j, "in_interrupt", &x, &bad) < 0) { snprintf(msg, msgsz, "\"in_interrupt\" must be 0 or 1"); return -1; }
	e->in_interrupt = x != 0;
	x = 0;
	if (num(j, "in_iowait", &x, &bad) < 0) { snprintf(msg, msgsz, "\"in_iowait\" must be 0 or 1"); return -1; }
	e->in_iowait = x != 0;
	v = json_get(j, "comm");
	if (v) {
		if (v->type != J_STRING) { snprintf(msg, msgsz, "\"comm\" must be a string"); return -1; }
		snprintf(e->comm, sizeof(e->comm), "%s", v->str);
	}
	v = json_get(j, "fields");
	if (v) {
		if (v->type != J_OBJECT || v->count > REPLAY_MAX_FIELDS) {
			snprintf(msg, msgsz, "\"fields\" must be an object of at most %d fields", REPLAY_MAX_FIELDS);
			return -1;
		}
		for (i = 0; i < v->count; i++) {
			struct replay_field *f = &e->fields[i];
			const struct json *fv = v->items[i];
			f->name = v->keys[i];
			if (fv->type == J_NUMBER) {
				f->kind = KTAP_EV_NUMBER;
				f->number = fv->number;
			} else if (fv->type == J_STRING) {
				f->kind = KTAP_EV_STRING;
				f->str = fv->str;
				f->len = fv->len;
			} else if (fv->type == J_NULL) {
				f->kind = KTAP_EV_NIL;
			} else {
				snprintf(msg, msgsz, "field \"%s\" must be an integer, a string or null", f->name);
				return -1;
			}
		}
		e->nfields = v->count;
	}
	/* The probe's address: "addr" (an integer, or a string for addresses above 2^63),
	 * else a made-up address that backtrace-style symbolising names as the symbol. */
	if (!strncmp(e->event, "kprobe:", 7) || !strncmp(e->event, "kretprobe:", 10) ||
	    !strncmp(e->event, "uprobe:", 7) || !strncmp(e->event, "uretprobe:", 10) ||
	    !strncmp(e->event, "sdt:", 4)) {
		int idx, ok = 1;
		/* an sdt marker's arg1 is its first argument (the module's kt_first_fetch_arg);
		 * its "addr" is still the event's address (backtrace-style naming) */
		e->addr_first = strncmp(e->event, "sdt:", 4) != 0;
		v = json_get(j, "addr");
		if (v && v->type == J_NUMBER)
			e->addr = (unsigned long long)v->number;
		else if (v && v->type == J_STRING)
			e->addr = parse_addr(v->str, &ok);
		else if (v)
			ok = 0;
		if (!ok) {
			snprintf(msg, msgsz, "\"addr\" must be an integer or an address string");
			return -1;
		}
		if (!v) {
			idx = replay_symbol_index(strrchr(e->event, ':') + 1);
			e->addr = idx < 0 ? 0 : REPLAY_SYM_BASE + 16ull * (unsigned)idx;
		}
	}
	v = json_get(j, "stack");
	if (v) {
		if (v->type != J_ARRAY || v->count > REPLAY_MAX_STACK) {
			snprintf(msg, msgsz, "\"stack\" must be an array of at most %d symbol names", REPLAY_MAX_STACK);
			return -1;
		}
		for (i = 0; i < v->count; i++) {
			int idx;
			if (v->items[i]->type != J_STRING || (idx = replay_symbol_index(v->items[i]->str)) < 0) {
				snprintf(msg, msgsz, "\"stack\" entries must be symbol names");
				return -1;
			}
			e->stack[i] = REPLAY_SYM_BASE + 16ull * (unsigned)idx;
		}
		e->nstack = v->count;
	}
	v = json_get(j, "strings");
	if (v) {
		if (v->type != J_OBJECT || v->count > REPLAY_MAX_STRINGS) {
			snprintf(msg, msgsz, "\"strings\" must be an object of at most %d addresses", REPLAY_MAX_STRINGS);
			return -1;
		}
		for (i = 0; i < v->count; i++) {
			int ok;
			e->str_addr[i] = parse_addr(v->keys[i], &ok);
			if (!ok || v->items[i]->type != J_STRING) {
				snprintf(msg, msgsz, "\"strings\": key \"%s\" must be an address, its value a string", v->keys[i]);
				return -1;
			}
			e->str_val[i] = v->items[i]->str;
		}
		e->nstrings = v->count;
	}
	return 0;
}

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
