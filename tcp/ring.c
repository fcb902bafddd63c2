/* tcp/ring.c — the byte ring behind send and receive buffers. */
#include "tcp/ring.h"

#include <stdlib.h>
#include <string.h>

int ring_init(struct tcp_ring *r, uint32_t cap)
{
	r->buf = malloc(cap ? cap : 1);
	r->cap = cap;
	r->head = 0;
	r->len = 0;
	return r->buf ? 0 : -1;
}

void ring_free(struct tcp_ring *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = r->head = r->len = 0;
}

void ring_put_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n)
{
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	memcpy(r->buf + pos, src, first);
	if (n > first)
		memcpy(r->buf, (const uint8_t *)src + first, n - first);
}

uint32_t ring_append(struct tcp_ring *r, const void *src, uint32_t n)
{
	if (n > ring_space(r))
		n = ring_space(r);
	if (n) {
		ring_put_at(r, r->len, src, n);
		r->len += n;
	}
	return n;
}

int ring_view(const struct tcp_ring *r, uint32_t off, uint32_t n, const uint8_t **p1,
	      uint32_t *l1, const uint8_t **p2, uint32_t *l2)
{
	*p1 = *p2 = NULL;
	*l1 = *l2 = 0;
	if (n == 0 || r->cap == 0)
		return 0;
	uint32_t pos = (r->head + off) % r->cap;
	uint32_t first = r->cap - pos < n ? r->cap - pos : n;
	*p1 = r->buf + pos;
	*l1 = first;
	if (n > first) {
		*p2 = r->buf;
		*l2 = n - first;
		return 2;
	}
	return 1;
}

void ring_drop(struct tcp_ring *r, uint32_t n)
{
	/* The head only moves forward: the receive ring keeps out-of-order bytes
	 * beyond len, at offsets measured from the head. */
	r->len -= n;
	r->head = r->cap ? (r->head + n) % r->cap : 0;
}

uint32_t ring_take(struct tcp_ring *r, void *dst, uint32_t n)
{
	if (n > r->len)
		n = r->len;
	const uint8_t *p1, *p2;
	uint32_t l1, l2;
	ring_view(r, 0, n, &p1, &l1, &p2, &l2);
	if (l1)
		memcpy(dst, p1, l1);
	if (l2)
		memcpy((uint8_t *)dst + l1, p2, l2);
	ring_drop(r, n);
	return n;
}
