/*
 * ktap_record_format.h - the output record stream's numbers for C, expanded from
 * ktap_record_format.def (its one definition): constants, header field offsets, the VM's
 * record kinds, the value tags and the SUMMARY body's offsets. Nothing here is written by
 * hand but the expansion. The kernel glue's own kinds (KTAP_TRANSPORT_RECORD) are expanded
 * where they are written (kernel/kt.h).
 */
#ifndef KTAP_RECORD_FORMAT_H
#define KTAP_RECORD_FORMAT_H

/* KTAP_REC_HEADER_SIZE, KTAP_REC_ALIGN, KTAP_REC_HIST_BUCKETS, ... */
enum ktap_record_const {
#define KTAP_RECORD_CONST(name, cs, value, meaning) KTAP_REC_##name = (value),
#include "../ktap_record_format.def"
};

/* KTAP_REC_HDR_KIND is the kind's offset in the header, KTAP_REC_HDR_KIND_LEN its width */
enum ktap_record_header {
#define KTAP_RECORD_HEADER(name, cs, offset, size, meaning) \
	KTAP_REC_HDR_##name = (offset), KTAP_REC_HDR_##name##_LEN = (size),
#include "../ktap_record_format.def"
};

/* REC_PRINT, ..., REC_SUMMARY: the kinds the VM writes */
enum kvm_record {
#define KTAP_RECORD_KIND(kind, name, cs, a, body) REC_##name = (kind),
#include "../ktap_record_format.def"
};

/* KTAP_TAG_NIL, ..., KTAP_TAG_USTACK: a value's first byte; KTAP_TAG_STAT_LEN and the
 * like: the bytes of its data when what varies in it is empty */
enum ktap_value_tag {
#define KTAP_VALUE_TAG(tag, name, cs, fixed, type, data) KTAP_TAG_##name = (tag), KTAP_TAG_##name##_LEN = (fixed),
#include "../ktap_record_format.def"
};

/* KTAP_SUMMARY_MEMORY_PEAK is that field's offset in the SUMMARY body, _LEN its width;
 * KTAP_SUMMARY_BYTES_A0/_A1: the body of a = 0 and of a = 1 */
enum ktap_summary_field {
#define KTAP_SUMMARY_FIELD(name, cs, offset, size, a, json, meaning) \
	KTAP_SUMMARY_##name = (offset), KTAP_SUMMARY_##name##_LEN = (size),
#include "../ktap_record_format.def"
	KTAP_SUMMARY_BYTES_A0 = KTAP_SUMMARY_EXIT_CODE,
	KTAP_SUMMARY_BYTES_A1 = KTAP_SUMMARY_EXIT_CODE + KTAP_SUMMARY_EXIT_CODE_LEN
};

#endif
