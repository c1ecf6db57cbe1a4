/* json.h - a small JSON reader for replay lines (objects keep their key order). */
#ifndef KTAP_JSON_H
#define KTAP_JSON_H

enum json_type { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

struct json {
	enum json_type type;
	long long number;
	char *str; /* J_STRING (NUL-terminated, may contain NULs: see len) */
	unsigned len;
	char **keys;         /* J_OBJECT */
	struct json **items; /* J_ARRAY, J_OBJECT */
	int count;
};

/* Parse text; NULL with *err set (a static message) and *at the byte offset on error. */
struct json *json_parse(const char *text, const char **err, int *at);
void json_free(struct json *j);
struct json *json_get(const struct json *obj, const char *key);

#endif
