/*
 * ktap_bundle_format.h - the bundle format's numbers for C, expanded from
 * ktap_bundle_format.def (its one definition): constants, header field offsets, section ids
 * and item sizes, item field offsets, and the enums written in a bundle. Nothing here is
 * written by hand but the expansion.
 */
#ifndef KTAP_BUNDLE_FORMAT_H
#define KTAP_BUNDLE_FORMAT_H

/* KTAP_FORMAT_VERSION, KTAP_HEADER_SIZE, KTAP_MAX_STRINGS, ... */
enum ktap_bundle_const {
#define KTAP_BUNDLE_CONST(name, cs, value, meaning) KTAP_##name = (value),
#include "../ktap_bundle_format.def"
};
/* KTAP_INT_CHECK, KTAP_NONE: too wide for an enum */
#define KTAP_BUNDLE_WIDE(name, cs, value, meaning) static const unsigned long long KTAP_##name = (value##ull);
#include "../ktap_bundle_format.def"
/* KTAP_MAGIC_B0..B3, KTAP_TAIL_B0..B3; KTAP_BYTES_OF(MAGIC) initializes a 4-byte array */
enum ktap_bundle_bytes {
#define KTAP_BUNDLE_BYTES(name, cs, b0, b1, b2, b3, meaning) \
	KTAP_##name##_B0 = (b0), KTAP_##name##_B1 = (b1), KTAP_##name##_B2 = (b2), KTAP_##name##_B3 = (b3),
#include "../ktap_bundle_format.def"
};
#define KTAP_BYTES_OF(name) { KTAP_##name##_B0, KTAP_##name##_B1, KTAP_##name##_B2, KTAP_##name##_B3 }

/* KTAP_HDR_TOTAL_SIZE is total_size's offset, KTAP_HDR_TOTAL_SIZE_LEN its width */
enum ktap_header_field {
#define KTAP_HEADER_FIELD(name, cs, offset, size) KTAP_HDR_##name = (offset), KTAP_HDR_##name##_LEN = (size),
#include "../ktap_bundle_format.def"
};

/* KTAP_SEC_CODE is CODE's id, KTAP_SEC_CODE_ITEM its item size (0: variable) */
enum ktap_section_id {
#define KTAP_SECTION(id, name, cs, item_size, required, vm_reads) KTAP_SEC_##name = (id), KTAP_SEC_##name##_ITEM = (item_size),
#include "../ktap_bundle_format.def"
};

/* KTAP_FUNCTIONS_CODE_START is that field's offset in a FUNCTIONS item */
enum ktap_item_field {
#define KTAP_ITEM_FIELD(section, name, cs, offset, size) KTAP_##section##_##name = (offset),
#include "../ktap_bundle_format.def"
};

enum ktap_arch {
#define KTAP_ARCH(id, name, cs, spelling, word_size, byte_order) KTAP_ARCH_##name = (id),
#include "../ktap_bundle_format.def"
};

enum ktap_byte_order {
#define KTAP_BYTE_ORDER(id, name, cs, spelling) KTAP_##name = (id),
#include "../ktap_bundle_format.def"
};

enum ktap_const_kind {
#define KTAP_CONST_KIND(id, name, cs) KTAP_CONST_##name = (id),
#include "../ktap_bundle_format.def"
};

enum ktap_function_flag {
#define KTAP_FUNCTION_FLAG(bit, name, cs) KTAP_FUNC_##name = (bit),
#include "../ktap_bundle_format.def"
};

/* probe kinds of the EVENTS section; KTAP_PROBE_KIND_MAX is the highest */
enum ktap_probe_kind {
#define KTAP_EVENT_KIND(id, name, cs) KTAP_PROBE_##name = (id),
#include "../ktap_bundle_format.def"
	KTAP_PROBE_KIND_END,
	KTAP_PROBE_KIND_MAX = KTAP_PROBE_KIND_END - 1
};

enum ktap_fetch_source {
#define KTAP_FETCH_SOURCE(id, name, cs) KTAP_FETCH_##name = (id),
#include "../ktap_bundle_format.def"
	KTAP_FETCH_SOURCE_END,
	KTAP_FETCH_SOURCE_MAX = KTAP_FETCH_SOURCE_END - 1
};

enum ktap_fetch_type {
#define KTAP_FETCH_TYPE(id, name, cs) KTAP_FT_##name = (id),
#include "../ktap_bundle_format.def"
	KTAP_FETCH_TYPE_END,
	KTAP_FETCH_TYPE_MAX = KTAP_FETCH_TYPE_END - 1
};

enum ktap_format_kind {
#define KTAP_FORMAT_KIND(id, name, cs) KTAP_FORMAT_##name = (id),
#include "../ktap_bundle_format.def"
};

/* Budgets (docs/vm.md). KTAP_LIMIT_COUNT: one past the highest key (index 0 unused). */
enum ktap_limit_key {
#define KTAP_LIMIT_KEY(id, name, cs, spelling, summary, meaning) KTAP_LIMIT_##name = (id),
#include "../ktap_bundle_format.def"
	KTAP_LIMIT_COUNT
};

#endif
