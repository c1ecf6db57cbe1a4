/*
 * replay_stream.c - reads the event stream `ktap replay` writes (../ktap_replay_stream.def)
 * into replay_events. The host has checked the JSON; this side trusts nothing either:
 * every length is checked against the record and the buffer, every name must end in the
 * 0 byte the format puts after it, and counts are held to the replay_event's arrays.
 */
#include <stdio.h>
#include <string.h>
#include "replay_stream.h"

/* The sizes the offsets add up to, checked against the .def's own totals. */
#define KTAP_REPLAY_CONST(name, value, meaning)
#define KTAP_REPLAY_HEADER_FIELD(off, bytes, name, meaning)
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning)
#define KTAP_REPLAY_FLAG(bit, name, meaning)
#define KTAP_REPLAY_ITEM(kind, name, meaning)
#define KTAP_REPLAY_EVENT_FIELD(off, bytes, name, meaning) + (bytes)
_Static_assert(0
#include "../ktap_replay_stream.def"
	       == KTAP_REPLAY_EventBytes, "event fields add up to EventBytes");
#undef KTAP_REPLAY_EVENT_FIELD
#define KTAP_REPLAY_EVENT_FIELD(off, bytes, name, meaning)
#undef KTAP_REPLAY_ITEM_FIELD
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning) + (bytes)
_Static_assert(0
#include "../ktap_replay_stream.def"
	       == KTAP_REPLAY_ItemBytes, "item fields add up to ItemBytes");
#undef KTAP_REPLAY_ITEM_FIELD
#define KTAP_REPLAY_ITEM_FIELD(off, bytes, name, meaning)
#undef KTAP_REPLAY_HEADER_FIELD
#define KTAP_REPLAY_HEADER_FIELD(off, bytes, name, meaning) + (bytes)
_Static_assert(0
#include "../ktap_replay_stream.def"
	       == KTAP_REPLAY_HeaderBytes, "header fields add up to HeaderBytes");
#undef KTAP_REPLAY_CONST
#undef KTAP_REPLAY_HEADER_FIELD
#undef KTAP_REPLAY_EVENT_FIELD
#undef KTAP_REPLAY_ITEM_FIELD
#undef KTAP_REPLAY_FLAG
#undef KTAP_REPLAY_ITEM
_Static_assert(KTAP_REPLAY_MaxItems == 2 + REPLAY_MAX_FIELDS + REPLAY_MAX_STACK + REPLAY_MAX_STRINGS,
	       "MaxItems: the event, comm and the replay_event's arrays");

/* little-endian whatever the host's order: the same stream serves every runner */
static unsigned long long rd(const unsigned char *p, int bytes)
{
	unsigned long long v = 0;
	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

int replay_stream_open(struct replay_stream *s, const unsigned char *buf, size_t len, char *msg, size_t msgsz)
{
	memset(s, 0, sizeof(*s));
	if (len < KTAP_REPLAY_HeaderBytes || rd(buf + KTAP_RS_HDR_magic, 4) != KTAP_REPLAY_Magic) {
		snprintf(msg, msgsz, "not a replay event stream (ktap replay or ktap replay-events writes one from a JSON lines file)");
		return -1;
	}
	if (rd(buf + KTAP_RS_HDR_version, 4) != KTAP_REPLAY_Version) {
		snprintf(msg, msgsz, "replay event stream version %llu, this runner reads %d",
			 rd(buf + KTAP_RS_HDR_version, 4), KTAP_REPLAY_Version);
		return -1;
	}
	s->buf = buf;
	s->len = len;
	s->pos = KTAP_REPLAY_HeaderBytes;
	return 0;
}

static int is_probe_event(const char *ev)
{
	return !strncmp(ev, "kprobe:", 7) || !strncmp(ev, "kretprobe:", 10) || !strncmp(ev, "uprobe:", 7) ||
	       !strncmp(ev, "uretprobe:", 10) || !strncmp(ev, "sdt:", 4);
}

#define BAD(...) do { snprintf(msg, msgsz, __VA_ARGS__); return -1; } while (0)

int replay_stream_next(struct replay_stream *s, struct replay_event *e, unsigned *line, char *msg, size_t msgsz)
{
	const unsigned char *r = s->buf + s->pos;
	size_t left = s->len - s->pos, size, at;
	unsigned long n = ++s->index;
	unsigned items, flags, i;

	memset(e, 0, sizeof(*e));
	if (!left)
		return 0;
	if (left < KTAP_REPLAY_EventBytes)
		BAD("event %lu: truncated header", n);
	size = (size_t)rd(r + KTAP_RS_EV_size, 4);
	*line = (unsigned)rd(r + KTAP_RS_EV_line, 4);
	if (size < KTAP_REPLAY_EventBytes || size > left)
		BAD("event %lu: size %zu outside %d..%zu", n, size, KTAP_REPLAY_EventBytes, left);
	e->ts = rd(r + KTAP_RS_EV_ts, 8);
	e->pid = (long long)rd(r + KTAP_RS_EV_pid, 8);
	e->tid = (long long)rd(r + KTAP_RS_EV_tid, 8);
	e->uid = (long long)rd(r + KTAP_RS_EV_uid, 8);
	e->addr = rd(r + KTAP_RS_EV_addr, 8);
	e->cpu = (int)rd(r + KTAP_RS_EV_cpu, 4);
	flags = (unsigned)rd(r + KTAP_RS_EV_flags, 4);
	items = (unsigned)rd(r + KTAP_RS_EV_items, 4);
	if (rd(r + KTAP_RS_EV_cpu, 4) > 255)
		BAD("event %lu: cpu must be 0..255", n);
	if (flags & ~(unsigned)(KTAP_RS_FLAG_InInterrupt | KTAP_RS_FLAG_InIowait | KTAP_RS_FLAG_HasAddr))
		BAD("event %lu: unknown flags 0x%x", n, flags);
	if (items < 1 || items > KTAP_REPLAY_MaxItems)
		BAD("event %lu: %u items, not 1..%d", n, items, KTAP_REPLAY_MaxItems);
	e->in_interrupt = !!(flags & KTAP_RS_FLAG_InInterrupt);
	e->in_iowait = !!(flags & KTAP_RS_FLAG_InIowait);
	at = KTAP_REPLAY_EventBytes;
	for (i = 0; i < items; i++) {
		const unsigned char *it = r + at;
		unsigned kind;
		size_t nlen, tlen;
		const char *name, *text;
		if (size - at < KTAP_REPLAY_ItemBytes)
			BAD("event %lu: item %u truncated", n, i + 1);
		kind = (unsigned)rd(it + KTAP_RS_IT_kind, 4);
		nlen = (size_t)rd(it + KTAP_RS_IT_name_len, 4);
		tlen = (size_t)rd(it + KTAP_RS_IT_text_len, 4);
		if (nlen > size - at - KTAP_REPLAY_ItemBytes || tlen + 2 > size - at - KTAP_REPLAY_ItemBytes - nlen)
			BAD("event %lu: item %u overruns the record", n, i + 1);
		name = (const char *)it + KTAP_REPLAY_ItemBytes;
		text = name + nlen + 1;
		if (name[nlen] || text[tlen] || memchr(name, 0, nlen))
			BAD("event %lu: item %u: name or text not ended by its 0 byte", n, i + 1);
		at += KTAP_REPLAY_ItemBytes + nlen + 1 + tlen + 1;
		if ((kind == KTAP_RS_ITEM_Event) != (i == 0))
			BAD("event %lu: the event's name must be its first item, and only that", n);
		switch (kind) {
		case KTAP_RS_ITEM_Event:
			if (!nlen)
				BAD("event %lu: empty event name", n);
			e->event = name;
			e->name = strrchr(name, ':') ? strrchr(name, ':') + 1 : name;
			break;
		case KTAP_RS_ITEM_Comm:
			if (tlen >= sizeof(e->comm) || memchr(text, 0, tlen))
				BAD("event %lu: comm longer than %zu bytes", n, sizeof(e->comm) - 1);
			memcpy(e->comm, text, tlen + 1);
			break;
		case KTAP_RS_ITEM_FieldNumber:
		case KTAP_RS_ITEM_FieldString:
		case KTAP_RS_ITEM_FieldNil: {
			struct replay_field *f;
			if (e->nfields >= REPLAY_MAX_FIELDS)
				BAD("event %lu: more than %d fields", n, REPLAY_MAX_FIELDS);
			f = &e->fields[e->nfields++];
			f->name = name;
			f->kind = kind == KTAP_RS_ITEM_FieldNumber ? KTAP_EV_NUMBER
				  : kind == KTAP_RS_ITEM_FieldString ? KTAP_EV_STRING : KTAP_EV_NIL;
			f->number = (long long)rd(it + KTAP_RS_IT_number, 8);
			if (kind == KTAP_RS_ITEM_FieldString) {
				f->str = text;
				f->len = (unsigned)tlen;
			}
			break;
		}
		case KTAP_RS_ITEM_Stack: {
			int idx;
			if (e->nstack >= REPLAY_MAX_STACK)
				BAD("event %lu: more than %d stack frames", n, REPLAY_MAX_STACK);
			if (!nlen || (idx = replay_symbol_index(name)) < 0)
				BAD("event %lu: stack frame %d: no room for symbol '%s'", n, e->nstack + 1, name);
			e->stack[e->nstack++] = REPLAY_SYM_BASE + 16ull * (unsigned)idx;
			break;
		}
		case KTAP_RS_ITEM_StringAt:
			if (e->nstrings >= REPLAY_MAX_STRINGS)
				BAD("event %lu: more than %d strings", n, REPLAY_MAX_STRINGS);
			e->str_addr[e->nstrings] = rd(it + KTAP_RS_IT_number, 8);
			e->str_val[e->nstrings++] = text;
			break;
		default:
			BAD("event %lu: item %u has unknown kind %u", n, i + 1, kind);
		}
	}
	if (at != size)
		BAD("event %lu: %zu bytes after its items", n, size - at);
	/* kprobe/kretprobe/uprobe/uretprobe: arg1 is the probe's address; sdt: arg1 is the
	 * marker's first argument, its address is still read for backtrace-style naming.
	 * Without "addr", a made-up address that symbolising names as the probe's symbol. */
	if (is_probe_event(e->event)) {
		e->addr_first = strncmp(e->event, "sdt:", 4) != 0;
		if (!(flags & KTAP_RS_FLAG_HasAddr)) {
			int idx = replay_symbol_index(strrchr(e->event, ':') + 1);
			e->addr = idx < 0 ? 0 : REPLAY_SYM_BASE + 16ull * (unsigned)idx;
		}
	} else {
		e->addr = 0;
	}
	s->pos += size;
	return 1;
}
