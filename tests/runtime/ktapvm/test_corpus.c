/*
 * test_corpus.c - the VM's loader against tests/corpus/damaged-bundles.tsv, the corpus of
 * damaged bundles the host reader's tests read too (CorruptionTests.cs). Each row damages
 * the base bundle and names the fault of ktap_bundle_faults.def the loader must refuse it
 * with: the message has to be that fault's wording (and no other fault's), with the row's
 * arguments, and the error code has to be the fault's kind. Every fault needs a row.
 * The file's header comment is the row language; locations are ktap_bundle_format.def's.
 */
#include <stdlib.h>
#include <ctype.h>
#include <stdarg.h>
#include "ktest.h"
#include "../../../runtime/ktapvm/include/ktap_bundle_faults.h"

enum { DAMAGED, FOREIGN };
static const struct {
	const char *name, *wording;
	int kind;
} faults[KTAP_FAULT_COUNT] = {
#define KTAP_BUNDLE_FAULT(name, cs, kind, wording, params) [KTAP_FAULT_##name] = { #name, wording, kind },
#include "../../../runtime/ktapvm/ktap_bundle_faults.def"
};

static const struct { const char *name; unsigned id, item; } sections[] = {
#define KTAP_SECTION(id, name, cs, item_size, required, vm_reads) { #name, id, item_size },
#include "../../../runtime/ktapvm/ktap_bundle_format.def"
};
/* the header's fields (section "header") and the items' (SECTION_TABLE is a table entry) */
static const struct { const char *section, *name; unsigned off, size; } fields[] = {
#define KTAP_HEADER_FIELD(name, cs, offset, size) { "header", #name, offset, size },
#include "../../../runtime/ktapvm/ktap_bundle_format.def"
#define KTAP_ITEM_FIELD(section, name, cs, offset, size) { #section, #name, offset, size },
#include "../../../runtime/ktapvm/ktap_bundle_format.def"
};
static const struct { const char *spelling; int id; } arches[] = {
#define KTAP_ARCH(id, name, cs, spelling, word_size, byte_order) { spelling, id },
#include "../../../runtime/ktapvm/ktap_bundle_format.def"
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

void kt_fault_text(char *buf, size_t n, int fault, ...)
{
	va_list ap;
	va_start(ap, fault);
	vsnprintf(buf, n, faults[fault].wording, ap);
	va_end(ap);
}
#define MAXLEN 4096

/* the base bundle of the corpus's header comment */
void kt_corpus_base(struct kb *b, int arch)
{
	uint32_t m, h, ev;
	kb_init(b, arch);
	m = kb_func(b, "main", 0, 0, 2, 1);
	kb_op(b, m, ABX(OPC(LOADK), 0, kb_knum(b, 5)));
	kb_op(b, m, ABX(OPC(LOADK), 1, kb_kstr(b, "hello")));
	kb_op(b, m, ABC(OPC(RETURN), 0, 1, 0));
	h = kb_func(b, NULL, 0, 0, 1, 2);
	kb_op(b, h, ABC(OPC(RETURN), 0, 1, 0));
	kb_event(b, KTAP_PROBE_TRACEPOINT, h, "sched:sched_switch", "sched:sched_switch", 0);
	ev = kb_event(b, KTAP_PROBE_KPROBE, h, "kprobe:vfs_read", "vfs_read", 0);
	kb_fetcharg(b, ev, "a", KTAP_FETCH_STACKN, KTAP_FT_S64, 0, 8);
	kb_format(b, KTAP_FORMAT_PRINTF, 0, "hi\n");
	kb_global(b, "g");
	b->limits[b->nlimit].key = KTAP_LIMIT_INSNS;
	b->limits[b->nlimit++].v = 100000;
}

static int arch_of(const char *s)
{
	size_t i;
	for (i = 0; i < N(arches); i++)
		if (!strcmp(arches[i].spelling, s))
			return arches[i].id;
	return 0;
}

static int section_of(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < N(sections); i++)
		if (strlen(sections[i].name) == n && !strncmp(sections[i].name, s, n))
			return (int)i;
	return -1;
}

/* the bundle being damaged */
struct bundle {
	uint8_t p[MAXLEN];
	size_t len;
	int big;
};

static uint64_t get(const struct bundle *b, size_t off, unsigned w)
{
	uint64_t v = 0;
	unsigned i;
	for (i = 0; i < w; i++)
		v |= (uint64_t)b->p[off + i] << (8 * (b->big ? w - 1 - i : i));
	return v;
}

static void put(struct bundle *b, size_t off, unsigned w, uint64_t v)
{
	unsigned i;
	for (i = 0; i < w; i++)
		b->p[off + i] = (uint8_t)(v >> (8 * (b->big ? w - 1 - i : i)));
}

/* the table entry of section id, or 0 */
static size_t entry_of(const struct bundle *b, unsigned id)
{
	unsigned n = (unsigned)get(b, KTAP_HDR_SECTION_COUNT, 2), i;
	for (i = 0; i < n; i++)
		if (get(b, KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * i, 4) == id)
			return KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * i;
	return 0;
}

/* the field of section named at the start of at (a whole word), or -1 */
static int field_at(const char *section, const char *at)
{
	size_t i, n;
	for (i = 0; i < N(fields); i++) {
		n = strlen(fields[i].name);
		if (!strcmp(fields[i].section, section) && !strncmp(at, fields[i].name, n) &&
		    !isalnum((unsigned char)at[n]) && at[n] != '_')
			return (int)i;
	}
	return -1;
}

/* A location (the corpus's header comment): its offset and width; 0 if unreadable. */
static int locate(const struct bundle *b, const char *loc, size_t *off, unsigned *w, char *why)
{
	const char *p = loc, *dot;
	int word = 0, f = -1;
	if (!strncmp(p, "end-", 4)) {
		*off = b->len - strtoul(p + 4, NULL, 0);
		*w = 1;
		return 1;
	}
	dot = strchr(p, '.');
	if (!dot)
		return sprintf(why, "no '.' in %s", loc), 0;
	if (!strncmp(p, "header.", 7)) {
		if ((f = field_at("header", dot + 1)) < 0)
			return sprintf(why, "no header field %s", loc), 0;
		*off = fields[f].off;
	} else if (!strncmp(p, "table[", 6)) {
		const char *close = strchr(p, ']');
		int s = close ? section_of(p + 6, (size_t)(close - p - 6)) : -1;
		size_t e = 0;
		if (s < 0 || !(e = entry_of(b, sections[s].id)))
			return sprintf(why, "no section table entry %s", loc), 0;
		if ((f = field_at("SECTION_TABLE", dot + 1)) < 0)
			return sprintf(why, "no table field %s", loc), 0;
		*off = e + fields[f].off;
	} else {
		const char *bracket = strchr(p, '[');
		size_t n = (size_t)((bracket && bracket < dot ? bracket : dot) - p);
		int s = section_of(p, n);
		size_t e = s < 0 ? 0 : entry_of(b, sections[s].id), data;
		if (!e)
			return sprintf(why, "no section %s", loc), 0;
		data = get(b, e + KTAP_SECTION_TABLE_OFFSET, 4);
		if (bracket && bracket < dot) {
			unsigned long item = strtoul(bracket + 1, NULL, 10);
			if ((f = field_at(sections[s].name, dot + 1)) < 0)
				return sprintf(why, "no item field %s", loc), 0;
			*off = data + item * sections[s].item + fields[f].off;
		} else if (!strncmp(dot, ".data", 5) || !strncmp(dot, ".word", 5)) {
			word = dot[1] == 'w';
			*off = data;
			*w = word ? 4 : 1;
			p = dot + 5;
		} else
			return sprintf(why, "unreadable location %s", loc), 0;
	}
	/* every field name follows the location's first '.' */
	if (f >= 0) {
		*w = fields[f].size;
		p = dot + 1 + strlen(fields[f].name);
	}
	if (*p == '+') {
		*off += strtoul(p + 1, (char **)&p, 0);
		if (!word)
			*w = 1;
	}
	if (*p == ':')
		*w = (unsigned)strtoul(p + 1, (char **)&p, 0);
	if (*p)
		return sprintf(why, "unreadable location %s", loc), 0;
	return 1;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Apply the operations; 1 = seal (recompute the checksum), 0 = raw, -1 = unreadable. */
static int mutate(struct bundle *b, char *ops, char *why)
{
	int seal = 1;
	char *op = strtok(ops, ";");
	for (; op; op = strtok(NULL, ";")) {
		char loc[128], how[4], a[128], c[128];
		unsigned long long v;
		long long sv;
		size_t off;
		unsigned w;
		op = trim(op);
		if (!strcmp(op, "none"))
			continue;
		if (!strcmp(op, "raw")) {
			seal = 0;
			continue;
		}
		if (sscanf(op, "truncate %llu", &v) == 1 && v <= b->len) {
			b->len = (size_t)v;
			continue;
		}
		if (sscanf(op, "cut %llu", &v) == 1 && v <= b->len) {
			b->len -= (size_t)v;
			continue;
		}
		if (sscanf(op, "append %llu", &v) == 1 && b->len + v <= MAXLEN) {
			memset(b->p + b->len, 0, (size_t)v);
			b->len += (size_t)v;
			continue;
		}
		if (sscanf(op, "swap %127s %127s", a, c) == 2) {
			size_t e1, e2;
			uint8_t t[KTAP_SECTION_ENTRY_SIZE];
			unsigned w1, w2;
			char ea[160], ec[160];
			snprintf(ea, sizeof(ea), "%s.ID", a);
			snprintf(ec, sizeof(ec), "%s.ID", c);
			if (!locate(b, ea, &e1, &w1, why) || !locate(b, ec, &e2, &w2, why))
				return -1;
			memcpy(t, b->p + e1, sizeof(t));
			memcpy(b->p + e1, b->p + e2, sizeof(t));
			memcpy(b->p + e2, t, sizeof(t));
			continue;
		}
		if (sscanf(op, "%127s %3s %lli", loc, how, &sv) != 3)
			return sprintf(why, "unreadable operation '%s'", op), -1;
		v = (unsigned long long)sv;
		if (!locate(b, loc, &off, &w, why))
			return -1;
		if (off + w > b->len)
			return sprintf(why, "%s is outside the bundle", loc), -1;
		if (!strcmp(how, "+="))
			v = get(b, off, w) + v;
		else if (!strcmp(how, "-="))
			v = get(b, off, w) - v;
		else if (!strcmp(how, "^="))
			v = get(b, off, w) ^ v;
		else if (strcmp(how, "="))
			return sprintf(why, "unknown operator '%s'", how), -1;
		put(b, off, w, v);
	}
	if (seal && b->len >= KTAP_HEADER_SIZE)
		kb_fix_crc(b->p, b->len, b->big);
	return seal;
}

/* Does msg read as wording? Its conversions' texts go to args (up to 8). */
static int match(const char *f, const char *m, char args[][128], int n)
{
	if (!*f)
		return !*m;
	if (f[0] == '%' && (f[1] == 'u' || f[1] == 'x')) {
		size_t k = 0;
		while (f[1] == 'u' ? isdigit((unsigned char)m[k]) : isxdigit((unsigned char)m[k]))
			k++;
		if (!k || k >= 128 || n >= 8)
			return 0;
		memcpy(args[n], m, k);
		args[n][k] = 0;
		return match(f + 2, m + k, args, n + 1);
	}
	if (f[0] == '%' && f[1] == 's') {
		size_t k;
		for (k = 1; k < 128 && m[k - 1]; k++)
			if (n < 8 && match(f + 2, m + k, args, n + 1)) {
				memcpy(args[n], m, k);
				args[n][k] = 0;
				return 1;
			}
		return 0;
	}
	return *f == *m && match(f + 1, m + 1, args, n);
}

static int seen[KTAP_FAULT_COUNT];

static void run_row(int line, char *name, char *base_arch, char *readers, char *ops, char *want)
{
	char why[256] = "", msg[KTAP_ERRMSG_MAX], args[8][128], *paren, *list;
	int arch = arch_of(base_arch), vm = arch, f, err, i, n;
	struct kb kb;
	struct bundle b;
	uint8_t *p;
	struct ktap_session *s;

	paren = strchr(want, '(');
	if (paren)
		*paren = 0;
	for (f = 1; f < KTAP_FAULT_COUNT && strcmp(faults[f].name, want); f++)
		;
	KT_CHECK(arch && f < KTAP_FAULT_COUNT, "corpus line %d (%s): unknown base or fault", line, name);
	if (!arch || f == KTAP_FAULT_COUNT)
		return;
	seen[f]++;
	if (!strcmp(readers, "host"))
		return;
	if (!strncmp(readers, "vm@", 3))
		vm = arch_of(readers + 3);
	KT_CHECK(vm && (!strcmp(readers, "both") || !strncmp(readers, "vm", 2)), "corpus line %d (%s): readers '%s'",
		 line, name, readers);
	kt_corpus_base(&kb, arch);
	p = kb_finish(&kb, &b.len);
	memcpy(b.p, p, b.len);
	b.big = kb.big;
	free(p);
	kb_free(&kb);
	if (mutate(&b, ops, why) < 0) {
		KT_CHECK(0, "corpus line %d (%s): %s", line, name, why);
		return;
	}
	s = kt_load(b.p, b.len, vm, NULL, &err, msg);
	if (s) {
		KT_CHECK(0, "corpus line %d (%s): loaded, want %s", line, name, faults[f].name);
		ktap_session_free(s);
		return;
	}
	KT_CHECK(err == (faults[f].kind == FOREIGN ? -KTAP_ENOEXEC : -KTAP_EINVAL),
		 "corpus line %d (%s): error %d for '%s'", line, name, err, msg);
	KT_CHECK(match(faults[f].wording, msg, args, 0), "corpus line %d (%s): '%s' is not %s ('%s')", line, name,
		 msg, faults[f].name, faults[f].wording);
	/* no other fault reads the same: the message names its fault */
	for (i = 1, n = 0; i < KTAP_FAULT_COUNT; i++)
		if (i != f && match(faults[i].wording, msg, args, 0))
			KT_CHECK(0, "corpus line %d (%s): '%s' also reads as %s", line, name, msg, faults[i].name);
	match(faults[f].wording, msg, args, 0);
	if (!paren)
		return;
	list = paren + 1;
	if (strchr(list, ')'))
		*strchr(list, ')') = 0;
	for (n = 0, list = strtok(list, ","); list; list = strtok(NULL, ","), n++) {
		list = trim(list);
		KT_CHECK(!strcmp(list, "*") || (n < 8 && !strcmp(list, args[n])),
			 "corpus line %d (%s): argument %d of '%s' is not %s", line, name, n + 1, msg, list);
	}
}

static const char *corpus_path(char *buf, size_t n)
{
	const char *env = getenv("KTAP_CORPUS"), *slash;
	if (env)
		return env;
	/* this file is tests/runtime/ktapvm/test_corpus.c; the corpus is tests/corpus/ */
	slash = strrchr(__FILE__, '/');
	snprintf(buf, n, "%.*s/../../corpus/damaged-bundles.tsv", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".");
	return buf;
}

void test_corpus(void)
{
	char path[1024], line[1024];
	FILE *fp = fopen(corpus_path(path, sizeof(path)), "r");
	int no = 0, rows = 0, f;
	KT_CHECK(fp != NULL, "cannot open the corpus %s (set KTAP_CORPUS)", path);
	if (!fp)
		return;
	memset(seen, 0, sizeof(seen));
	while (fgets(line, sizeof(line), fp)) {
		char *col[5], *p = line;
		int k;
		no++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		for (k = 0; k < 5 && p; k++) {
			col[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = 0;
		}
		KT_CHECK(k == 5 && !p, "corpus line %d: not 5 columns", no);
		if (k != 5 || p)
			continue;
		rows++;
		run_row(no, col[0], trim(col[1]), trim(col[2]), col[3], trim(col[4]));
	}
	fclose(fp);
	KT_CHECK(rows > 50, "corpus: only %d rows", rows);
	for (f = 1; f < KTAP_FAULT_COUNT; f++)
		KT_CHECK(seen[f], "corpus: no row for fault %s of ktap_bundle_faults.def", faults[f].name);
}
