/*
 * tcp/ring.h — a fixed-capacity byte ring: the send buffer (bytes from SND.UNA on)
 * and the receive buffer (unread in-order bytes, then out-of-order bytes placed
 * at their offset beyond them, so reassembly needs no allocation and no copy).
 */
#ifndef TCP_RING_H
#define TCP_RING_H

#include <stddef.h>
#include <stdint.h>

struct tcp_ring {
	uint8_t *buf;
	uint32_t cap;
	uint32_t head;      /* offset of the first byte */
	uint32_t len;       /* bytes held from head on */
};

int ring_init(struct tcp_ring *r, uint32_t cap);     /* 0, or -1 without memory */
void ring_free(struct tcp_ring *r);
static inline uint32_t ring_space(const struct tcp_ring *r) { return r->cap - r->len; }

/* Append up to n bytes; returns how many fit. */
uint32_t ring_append(struct tcp_ring *r, const void *src, uint32_t n);
/* Store n bytes at offset off from head without changing len (off + n <= cap). */
void ring_put_at(struct tcp_ring *r, uint32_t off, const void *src, uint32_t n);
/* View n bytes from offset off as up to two pieces; returns the pieces used. */
int ring_view(const struct tcp_ring *r, uint32_t off, uint32_t n, const uint8_t **p1,
	      uint32_t *l1, const uint8_t **p2, uint32_t *l2);
/* Copy out and drop up to n bytes from the head; returns how many. */
uint32_t ring_take(struct tcp_ring *r, void *dst, uint32_t n);
/* Drop n bytes from the head (n <= len). */
void ring_drop(struct tcp_ring *r, uint32_t n);

#endif /* TCP_RING_H */
