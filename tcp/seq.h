/*
 * tcp/seq.h — sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4).
 *
 * Comparisons go through the signed difference, so they stay right across the
 * wrap at 2^32 and around 2^31 (a bug other stacks shipped: TCP-PITFALLS.md).
 * Valid only for numbers less than 2^31 apart, which the window guarantees.
 */
#ifndef TCP_SEQ_H
#define TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline int32_t seq_diff(uint32_t a, uint32_t b) { return (int32_t)(a - b); }
static inline bool seq_lt(uint32_t a, uint32_t b) { return seq_diff(a, b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return seq_diff(a, b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return seq_diff(a, b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return seq_diff(a, b) >= 0; }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

/* lo <= s < hi, modulo 2^32. */
static inline bool seq_in(uint32_t s, uint32_t lo, uint32_t hi)
{
	return s - lo < hi - lo;
}

#endif /* TCP_SEQ_H */
