/*
 * gen.h - the structure-aware bundle generator: reads a byte string as a stream of
 * choices and builds a bundle the verifier should accept (docs/bundle-format.md,
 * ktap_opcodes.def): every operand in range for its format, jumps inside their function,
 * B=0 consumers right after their producer and never a jump target, loops in their
 * FORPREP/FORLOOP and JMP/TFORCALL/TFORLOOP shapes, built-in calls with random arities.
 * Used by the libFuzzer harness (fuzz_gen.c) and by the seed/dump tools.
 */
#ifndef KTAP_FUZZ_GEN_H
#define KTAP_FUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>
#include "../../runtime/ktapvm/kbuild.h"

/* Budgets the generator asks for; the harness passes them to ktap_session_load. */
struct gen_budget {
	uint64_t insns, depth, string_len, table_entries, memory;
};

/* Fill b (x86_64 bundle description) from data. Always succeeds: when the choices run
 * out every further choice reads as 0 and the functions are closed. */
void gen_bundle(const uint8_t *data, size_t size, struct kb *b, struct gen_budget *budget);

#endif
