/*
 * check.h - invariants the generator fuzzer checks after every run; a violation prints
 * "INVARIANT: ..." and aborts, so libFuzzer saves the input. Compiled without coverage
 * instrumentation: the fuzzer must not learn the session's addresses from our compares.
 */
#ifndef KTAP_FUZZ_CHECK_H
#define KTAP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct ktap_session;
struct ktap_bounds;
struct replay_event;

/* The session's state between runs: arena inside its budget, no CPU still running, scratch
 * inside its area, limits within the host's bounds, persistent values (globals, the tables
 * reachable from them) holding no scratch or foreign pointers. */
void check_session(struct ktap_session *s, const struct ktap_bounds *bounds, const char *when);

/* After the session's last run: let go of every global, reclaim everything (core/reclaim.c)
 * and check that the deferred lists are empty and consistent and, when no table was ever
 * stored in a table and no table or closure in an upvalue cell (no cycle can hold itself),
 * that the arena holds only the intern set's array: every byte the session allocated was
 * given back. Returns 1 when that last check was made. */
int check_reclaimed(struct ktap_session *s);

/* The record stream written so far (docs/record-format.md): framing, kinds, per-kind
 * fields, value tags, indices into the bundle, no number that is (near) the address of a
 * session object. ev: the synthetic event (its stack addresses are legitimate numbers).
 * final: the stream must end with exactly one SUMMARY. */
void check_records(struct ktap_session *s, const uint8_t *p, size_t len, const struct replay_event *ev,
		   int final);

#endif
