/*
 * record.c - output records (docs/record-format.md): a header (length, kind, a) and
 * typed values, in the bundle's byte order. Built in the CPU's record buffer, handed
 * whole to the platform; a record the transport cannot take is counted as lost.
 */
#include "kvm.h"

static void put(struct recw *w, const void *p, u32 n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return;
	}
	kvm_memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void rec_u8(struct recw *w, u8 v)
{
	put(w, &v, 1);
}

void kvm_rec_u32(struct recw *w, u32 v)
{
	if (w->s->b.swap)
		v = bswap32(v);
	put(w, &v, 4);
}

void kvm_rec_u64(struct recw *w, u64 v)
{
	if (w->s->b.swap)
		v = bswap64(v);
	put(w, &v, 8);
}

static void rec_bytes(struct recw *w, const char *p, u32 n)
{
	kvm_rec_u32(w, n);
	put(w, p, n);
}

/* The writers below put fields one after the other; the build fails when
 * ktap_record_format.def moves one of them elsewhere. */
#define REC_LAYOUT(name, cond) typedef char rec_layout_##name[(cond) ? 1 : -1]
REC_LAYOUT(header, KTAP_REC_HDR_LENGTH == 0 && KTAP_REC_HDR_LENGTH_LEN == sizeof(u32) &&
		   KTAP_REC_HDR_KIND == KTAP_REC_HDR_LENGTH + KTAP_REC_HDR_LENGTH_LEN &&
		   KTAP_REC_HDR_KIND_LEN == sizeof(u16) &&
		   KTAP_REC_HDR_ZERO == KTAP_REC_HDR_KIND + KTAP_REC_HDR_KIND_LEN &&
		   KTAP_REC_HDR_ZERO_LEN == sizeof(u16) &&
		   KTAP_REC_HDR_A == KTAP_REC_HDR_ZERO + KTAP_REC_HDR_ZERO_LEN &&
		   KTAP_REC_HDR_A_LEN == sizeof(u32) &&
		   KTAP_REC_HEADER_SIZE == KTAP_REC_HDR_A + KTAP_REC_HDR_A_LEN);
REC_LAYOUT(summary, KTAP_SUMMARY_LOST == 0 &&
		    KTAP_SUMMARY_RUNTIME_ERRORS == KTAP_SUMMARY_LOST + sizeof(u64) &&
		    KTAP_SUMMARY_SKIPPED_REENTRY == KTAP_SUMMARY_RUNTIME_ERRORS + sizeof(u64) &&
		    KTAP_SUMMARY_HANDLER_RUNS == KTAP_SUMMARY_SKIPPED_REENTRY + sizeof(u64) &&
		    KTAP_SUMMARY_BUDGET_HITS == KTAP_SUMMARY_HANDLER_RUNS + sizeof(u64) &&
		    KTAP_SUMMARY_BUDGET_HITS_LEN == sizeof(u64) * (KTAP_LIMIT_COUNT - 1) &&
		    KTAP_SUMMARY_MEMORY_PEAK == KTAP_SUMMARY_BUDGET_HITS + KTAP_SUMMARY_BUDGET_HITS_LEN &&
		    KTAP_SUMMARY_EXIT_CODE == KTAP_SUMMARY_MEMORY_PEAK + sizeof(u64) &&
		    KTAP_SUMMARY_EXIT_CODE_LEN == sizeof(u64));

void kvm_rec_begin(struct recw *w, struct ktap_session *s, struct kvm_cpu *c, u32 kind, u32 a)
{
	u16 k = (u16)kind, z = 0;
	w->s = s;
	w->c = c;
	w->buf = w->c->out;
	w->cap = w->c->out_size;
	w->len = 0;
	w->overflow = 0;
	w->cost = 0;
	kvm_rec_u32(w, 0); /* length, patched by kvm_rec_end */
	if (s->b.swap)
		k = bswap16(k);
	put(w, &k, 2);
	put(w, &z, 2);
	kvm_rec_u32(w, a);
}

/* value tags: ktap_record_format.def */
void kvm_rec_value(struct recw *w, const struct kv *v)
{
	switch (v->t) {
	case KT_NIL: rec_u8(w, KTAP_TAG_NIL); break;
	case KT_FALSE: rec_u8(w, KTAP_TAG_FALSE); break;
	case KT_TRUE: rec_u8(w, KTAP_TAG_TRUE); break;
	case KT_NUMBER:
		rec_u8(w, KTAP_TAG_NUMBER);
		kvm_rec_u64(w, (u64)v->u.n);
		break;
	case KT_STRING:
		rec_u8(w, KTAP_TAG_STRING);
		rec_bytes(w, v->u.s->data, v->u.s->len);
		break;
	case KT_TABLE:
		rec_u8(w, KTAP_TAG_TABLE);
		kvm_rec_u32(w, v->u.tab->id);
		break;
	case KT_PTABLE:
		rec_u8(w, KTAP_TAG_PTABLE);
		kvm_rec_u32(w, v->u.ptab->id);
		break;
	case KT_STAT:
		rec_u8(w, KTAP_TAG_STAT);
		kvm_rec_u64(w, (u64)v->u.st->count);
		kvm_rec_u64(w, (u64)v->u.st->sum);
		kvm_rec_u64(w, (u64)v->u.st->min);
		kvm_rec_u64(w, (u64)v->u.st->max);
		break;
	case KT_FUNCTION:
	case KT_CLOSURE: /* a closure prints as its function; its cells are never sent */
		rec_u8(w, KTAP_TAG_FUNCTION);
		kvm_rec_u32(w, v->aux);
		break;
	case KT_BUILTIN:
		rec_u8(w, KTAP_TAG_BUILTIN);
		kvm_rec_u32(w, v->aux);
		break;
	case KT_EVENT: {
		int n = 0;
		rec_u8(w, KTAP_TAG_EVENT);
		w->cost += 16; /* rendering the event */
		if (w->c->ev)
			n = w->c->ev->ops->render(w->c->ev, w->c->text, KTAP_REC_EVENT_TEXT_MAX + 1);
		if (n < 0)
			n = 0;
		if (n > KTAP_REC_EVENT_TEXT_MAX)
			n = KTAP_REC_EVENT_TEXT_MAX;
		rec_bytes(w, w->c->text, (u32)n);
		break;
	}
	case KT_STACK: {
		u32 i, n = v->u.s->len / 8;
		rec_u8(w, KTAP_TAG_STACK);
		kvm_rec_u32(w, n);
		for (i = 0; i < n && !w->overflow; i++) {
			u64 addr;
			int len;
			w->cost += 16; /* a symbol lookup */
			kvm_memcpy(&addr, v->u.s->data + 8 * i, 8);
			len = ktap_plat_symbolize(addr, w->c->text, 128);
			kvm_rec_u64(w, addr);
			rec_bytes(w, w->c->text, len < 0 ? 0 : (u32)len);
		}
		break;
	}
	case KT_USTACK: { /* addresses only: user code is named on the host, from ELF files */
		u32 i, n = v->u.s->len / 8;
		rec_u8(w, KTAP_TAG_USTACK);
		kvm_rec_u32(w, n);
		for (i = 0; i < n && !w->overflow; i++) {
			u64 addr;
			kvm_memcpy(&addr, v->u.s->data + 8 * i, 8);
			kvm_rec_u64(w, addr);
		}
		break;
	}
	default:
		rec_u8(w, KTAP_TAG_NIL);
	}
}

int kvm_rec_end(struct recw *w)
{
	while (!w->overflow && (w->len % KTAP_REC_ALIGN))
		rec_u8(w, 0);
	/* the process slot runs only in process context: it may wait for the reader */
	if (w->overflow || (w->c == kvm_process_slot(w->s)
				    ? ktap_plat_emit_process(w->s, w->buf, w->len)
				    : ktap_plat_emit(w->s, w->buf, w->len)) != 0) {
		w->c->n_lost++;
		return -KTAP_ENOSPC;
	}
	return 0;
}

/* kvm_rec_end hands the buffer over; the length must be in place first */
static int finish(struct recw *w)
{
	u32 len;
	while (!w->overflow && (w->len % KTAP_REC_ALIGN))
		rec_u8(w, 0);
	len = w->s->b.swap ? bswap32(w->len) : w->len;
	kvm_memcpy(w->buf, &len, 4);
	return kvm_rec_end(w);
}

/* Formatting is charged to the run: one unit per 64 bytes of record (a record the
 * transport drops costs the same: the work was done). */
int kvm_rec_values(struct ktap_session *s, struct kvm_cpu *c, u32 kind, u32 a, const struct kv *v, u32 n)
{
	struct recw w;
	u32 i;
	kvm_rec_begin(&w, s, c, kind, a);
	if (kind == REC_PRINTF)
		kvm_rec_u32(&w, n);
	for (i = 0; i < n; i++)
		kvm_rec_value(&w, &v[i]);
	return kvm_rec_finish(&w);
}

int kvm_rec_finish(struct recw *w)
{
	finish(w);
	return kvm_charge(w->s, w->c, w->len / 64 + w->cost);
}

void kvm_rec_error(struct ktap_session *s, struct kvm_cpu *c, u32 fn, u32 pc, int code, const char *msg)
{
	struct recw w;
	kvm_rec_begin(&w, s, c, REC_ERROR, (u32)code);
	kvm_rec_u32(&w, fn);
	kvm_rec_u32(&w, pc);
	kvm_rec_u32(&w, pc < s->b.ncode ? s->b.lines[pc] : 0);
	rec_bytes(&w, msg, kvm_strlen(msg));
	finish(&w);
}

void kvm_rec_summary(struct ktap_session *s, struct kvm_cpu *c)
{
	struct recw w;
	struct ktap_stats st;
	int i;
	ktap_session_stats(s, &st);
	/* a = 1: one more u64 after the v1 body, the code the script gave exit() */
	kvm_rec_begin(&w, s, c, REC_SUMMARY, st.exit_called ? 1 : 0);
	kvm_rec_u64(&w, st.lost_records);
	kvm_rec_u64(&w, st.runtime_errors);
	kvm_rec_u64(&w, st.skipped_reentry);
	kvm_rec_u64(&w, st.handler_runs);
	for (i = 1; i < KTAP_LIMIT_COUNT; i++)
		kvm_rec_u64(&w, st.budget_hits[i]);
	kvm_rec_u64(&w, st.memory_peak);
	if (st.exit_called)
		kvm_rec_u64(&w, (u64)st.exit_code);
	finish(&w);
}
