/*
 * bgpd/buf.h — the one bounds-checked reader and writer every BGP codec uses.
 *
 * A reader is a view (pointer + bytes left). Every get either succeeds and
 * consumes, or fails with -1 and consumes nothing, so a caller can never read past
 * the end whatever a length field claims. Sub-views (bgp_rd_sub) bound a nested
 * structure — a capability, an attribute — by its own length, and a parse ends by
 * checking that nothing is left over (bgp_rd_left() == 0).
 *
 * A writer appends into a caller-owned buffer of fixed capacity; overflow sets
 * w->err and later writes do nothing, so encoders write freely and check once.
 */
#ifndef BGPD_BUF_H
#define BGPD_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct bgp_rd {
	const uint8_t *p;
	size_t n;
};

static inline struct bgp_rd bgp_rd_init(const void *p, size_t n)
{
	struct bgp_rd r = { (const uint8_t *)p, n };
	return r;
}

static inline size_t bgp_rd_left(const struct bgp_rd *r) { return r->n; }
static inline const uint8_t *bgp_rd_ptr(const struct bgp_rd *r) { return r->p; }

static inline int bgp_rd_skip(struct bgp_rd *r, size_t n)
{
	if (r->n < n)
		return -1;
	r->p += n;
	r->n -= n;
	return 0;
}

static inline int bgp_rd_u8(struct bgp_rd *r, uint8_t *v)
{
	if (r->n < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->n--;
	return 0;
}

static inline int bgp_rd_u16(struct bgp_rd *r, uint16_t *v)
{
	if (r->n < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->n -= 2;
	return 0;
}

static inline int bgp_rd_u32(struct bgp_rd *r, uint32_t *v)
{
	if (r->n < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->n -= 4;
	return 0;
}

static inline int bgp_rd_bytes(struct bgp_rd *r, void *out, size_t n)
{
	if (r->n < n)
		return -1;
	memcpy(out, r->p, n);
	r->p += n;
	r->n -= n;
	return 0;
}

/* Take the next n bytes as a reader of their own. */
static inline int bgp_rd_sub(struct bgp_rd *r, size_t n, struct bgp_rd *sub)
{
	if (r->n < n)
		return -1;
	sub->p = r->p;
	sub->n = n;
	r->p += n;
	r->n -= n;
	return 0;
}

struct bgp_wr {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err;            /* non-zero once anything did not fit */
};

static inline struct bgp_wr bgp_wr_init(void *p, size_t cap)
{
	struct bgp_wr w = { (uint8_t *)p, cap, 0, 0 };
	return w;
}

static inline bool bgp_wr_room(struct bgp_wr *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return false;
	}
	return true;
}

static inline void bgp_wr_u8(struct bgp_wr *w, uint8_t v)
{
	if (bgp_wr_room(w, 1))
		w->p[w->len++] = v;
}

static inline void bgp_wr_u16(struct bgp_wr *w, uint16_t v)
{
	if (bgp_wr_room(w, 2)) {
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void bgp_wr_u32(struct bgp_wr *w, uint32_t v)
{
	if (bgp_wr_room(w, 4)) {
		w->p[w->len++] = (uint8_t)(v >> 24);
		w->p[w->len++] = (uint8_t)(v >> 16);
		w->p[w->len++] = (uint8_t)(v >> 8);
		w->p[w->len++] = (uint8_t)v;
	}
}

static inline void bgp_wr_bytes(struct bgp_wr *w, const void *src, size_t n)
{
	if (n && bgp_wr_room(w, n)) {
		memcpy(w->p + w->len, src, n);
		w->len += n;
	}
}

/* Reserve n bytes (a length field to fill in later); returns their offset. */
static inline size_t bgp_wr_reserve(struct bgp_wr *w, size_t n)
{
	size_t off = w->len;
	if (bgp_wr_room(w, n)) {
		memset(w->p + off, 0, n);
		w->len += n;
	}
	return off;
}

static inline void bgp_wr_patch_u8(struct bgp_wr *w, size_t off, uint8_t v)
{
	if (!w->err && off + 1 <= w->len)
		w->p[off] = v;
}

static inline void bgp_wr_patch_u16(struct bgp_wr *w, size_t off, uint16_t v)
{
	if (!w->err && off + 2 <= w->len) {
		w->p[off] = (uint8_t)(v >> 8);
		w->p[off + 1] = (uint8_t)v;
	}
}

#endif /* BGPD_BUF_H */
