/*
 * tcp/isn.h — keyed hashing for the values an attacker must not predict: initial
 * sequence numbers (RFC 6528), SYN cookies and per-connection timestamp offsets
 * (RFC 7323 §5.4). The keyed function is SipHash-2-4 (Aumasson & Bernstein,
 * 2012), written here from the paper: short inputs, 128-bit key, fast.
 */
#ifndef TCP_ISN_H
#define TCP_ISN_H

#include <stddef.h>
#include <stdint.h>

#include "tcp/addr.h"

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len);

/* F(localip, localport, remoteip, remoteport, key) of the 4-tuple, plus extra. */
uint64_t tcp_tuple_hash(const uint8_t key[16], const struct tcp_endpoint *local,
			const struct tcp_endpoint *remote, uint32_t extra);

/* RFC 6528 §3: ISN = M + F(4-tuple, secret), M a timer ticking every 4 µs. */
static inline uint32_t tcp_isn(const uint8_t key[16], const struct tcp_endpoint *local,
			       const struct tcp_endpoint *remote, uint64_t now_us)
{
	return (uint32_t)(now_us / 4) + (uint32_t)tcp_tuple_hash(key, local, remote, 0);
}

#endif /* TCP_ISN_H */
