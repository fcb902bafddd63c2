/* tcp/isn.c — SipHash-2-4 and the 4-tuple hash built on it. */
#include "tcp/isn.h"

#include <string.h>

static inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define SIPROUND                                                               \
	do {                                                                   \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);     \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                        \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                        \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);     \
	} while (0)

uint64_t siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ull;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ull;
	uint64_t v3 = k1 ^ 0x7465646279746573ull;
	size_t left = len;
	while (left >= 8) {
		uint64_t m = le64(p);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
		p += 8;
		left -= 8;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < left; i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t tcp_tuple_hash(const uint8_t key[16], const struct tcp_endpoint *local,
			const struct tcp_endpoint *remote, uint32_t extra)
{
	uint8_t m[16 + 16 + 2 + 2 + 4 + 1];
	size_t al = tcp_ip_len(&local->ip);
	size_t n = 0;
	memcpy(m + n, local->ip.a, al);
	n += al;
	memcpy(m + n, remote->ip.a, al);
	n += al;
	m[n++] = (uint8_t)(local->port >> 8);
	m[n++] = (uint8_t)local->port;
	m[n++] = (uint8_t)(remote->port >> 8);
	m[n++] = (uint8_t)remote->port;
	memcpy(m + n, &extra, 4);
	n += 4;
	m[n++] = local->ip.af;
	return siphash24(key, m, n);
}
