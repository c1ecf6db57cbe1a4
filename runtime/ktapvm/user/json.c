/* json.c - recursive-descent JSON reader, nesting limited to 32 levels. */
#include <stdlib.h>
#include <string.h>
#include "json.h"

struct jp {
	const char *s;
	int pos;
	const char *err;
	int depth;
};

static void ws(struct jp *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\r' || p->s[p->pos] == '\n')
		p->pos++;
}

static struct json *node(enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));
	if (j)
		j->type = t;
	return j;
}

static struct json *value(struct jp *p);

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static char *string(struct jp *p, unsigned *len)
{
	size_t cap = 16, n = 0;
	char *out = malloc(cap);
	p->pos++; /* opening quote */
	while (out) {
		unsigned char c = (unsigned char)p->s[p->pos++];
		if (n + 5 >= cap) {
			char *o = realloc(out, cap *= 2);
			if (!o) { free(out); return 0; }
			out = o;
		}
		if (c == '"') {
			out[n] = 0;
			*len = (unsigned)n;
			return out;
		}
		if (c < 0x20) {
			p->err = c ? "control character in a string" : "unterminated string";
			break;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		c = (unsigned char)p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': out[n++] = (char)c; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u': {
			int i, v = 0;
			for (i = 0; i < 4; i++) {
				int h = hexval(p->s[p->pos + i]);
				if (h < 0) { p->err = "bad \\u escape"; free(out); return 0; }
				v = v * 16 + h;
			}
			p->pos += 4;
			if (v < 0x80) out[n++] = (char)v;
			else if (v < 0x800) { out[n++] = (char)(0xc0 | (v >> 6)); out[n++] = (char)(0x80 | (v & 0x3f)); }
			else { out[n++] = (char)(0xe0 | (v >> 12)); out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
			       out[n++] = (char)(0x80 | (v & 0x3f)); }
			break;
		}
		default:
			p->err = "bad escape in a string";
			free(out);
			return 0;
		}
	}
	free(out);
	return 0;
}

static int push(struct json *j, char *key, struct json *item)
{
	struct json **ni = realloc(j->items, sizeof(*ni) * (size_t)(j->count + 1));
	if (!ni)
		return -1;
	j->items = ni;
	if (j->type == J_OBJECT) {
		char **nk = realloc(j->keys, sizeof(*nk) * (size_t)(j->count + 1));
		if (!nk)
			return -1;
		j->keys = nk;
		j->keys[j->count] = key;
	}
	j->items[j->count++] = item;
	return 0;
}

static struct json *container(struct jp *p, enum json_type t)
{
	struct json *j = node(t);
	char close = t == J_OBJECT ? '}' : ']';
	if (!j || ++p->depth > 32) {
		p->err = "nesting too deep";
		json_free(j);
		return 0;
	}
	p->pos++;
	ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return j;
	}
	for (;;) {
		char *key = 0;
		unsigned klen;
		struct json *v;
		ws(p);
		if (t == J_OBJECT) {
			if (p->s[p->pos] != '"') { p->err = "expected a key string"; break; }
			key = string(p, &klen);
			if (!key) break;
			ws(p);
			if (p->s[p->pos] != ':') { p->err = "expected ':'"; free(key); break; }
			p->pos++;
		}
		v = value(p);
		if (!v || push(j, key, v)) { free(key); json_free(v); if (!p->err) p->err = "out of memory"; break; }
		ws(p);
		if (p->s[p->pos] == ',') { p->pos++; continue; }
		if (p->s[p->pos] == close) { p->pos++; p->depth--; return j; }
		p->err = t == J_OBJECT ? "expected ',' or '}'" : "expected ',' or ']'";
		break;
	}
	json_free(j);
	return 0;
}

static struct json *value(struct jp *p)
{
	struct json *j;
	ws(p);
	switch (p->s[p->pos]) {
	case '{': return container(p, J_OBJECT);
	case '[': return container(p, J_ARRAY);
	case '"':
		j = node(J_STRING);
		if (j && !(j->str = string(p, &j->len))) { free(j); return 0; }
		return j;
	case 't': if (!strncmp(p->s + p->pos, "true", 4)) { p->pos += 4; return node(J_TRUE); } break;
	case 'f': if (!strncmp(p->s + p->pos, "false", 5)) { p->pos += 5; return node(J_FALSE); } break;
	case 'n': if (!strncmp(p->s + p->pos, "null", 4)) { p->pos += 4; return node(J_NULL); } break;
	default: {
		int neg = 0, digits = 0;
		unsigned long long v = 0;
		if (p->s[p->pos] == '-') { neg = 1; p->pos++; }
		while (p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
			unsigned d = (unsigned)(p->s[p->pos++] - '0');
			if (v > (9223372036854775807ull - d) / 10 + (neg ? 1 : 0)) {
				p->err = "number out of 64-bit range";
				return 0;
			}
			v = v * 10 + d;
			digits++;
		}
		if (!digits) break;
		if (p->s[p->pos] == '.' || p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
			p->err = "numbers are integers (no fractions or exponents)";
			return 0;
		}
		j = node(J_NUMBER);
		if (j)
			j->number = neg ? (long long)(0 - v) : (long long)v;
		return j;
	}
	}
	if (!p->err)
		p->err = "expected a value";
	return 0;
}

struct json *json_parse(const char *text, const char **err, int *at)
{
	struct jp p = { text, 0, 0, 0 };
	struct json *j = value(&p);
	if (j) {
		ws(&p);
		if (p.s[p.pos]) {
			p.err = "trailing characters after the value";
			json_free(j);
			j = 0;
		}
	}
	*err = p.err;
	*at = p.pos;
	return j;
}

void json_free(struct json *j)
{
	int i;
	if (!j)
		return;
	for (i = 0; i < j->count; i++) {
		json_free(j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	free(j);
}

struct json *json_get(const struct json *obj, const char *key)
{
	int i;
	if (!obj || obj->type != J_OBJECT)
		return 0;
	for (i = 0; i < obj->count; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return 0;
}
