/*
 * tcp/link_mem.h — an in-memory link between two sides (0 and 1), for tests and
 * deterministic simulations. Each side is a struct tcp_link; what one side sends
 * the other receives after a delay, unless the link loses it. Loss, duplication,
 * reordering (extra random delay) and delay are programmable; all randomness
 * comes from one seeded generator, so one seed gives one trace, and the trace
 * digest says whether two runs were identical.
 *
 * Time is virtual: the link is driven with mem_link_advance(now) and says when
 * it next has something to deliver (mem_link_next()).
 */
#ifndef TCP_LINK_MEM_H
#define TCP_LINK_MEM_H

#include <stdint.h>

#include "tcp/link.h"

struct mem_link_opts {
	unsigned loss_permille;     /* each datagram lost with this probability */
	unsigned dup_permille;      /* delivered twice */
	unsigned reorder_permille;  /* held back by up to reorder_delay extra */
	uint64_t delay_us;          /* one-way delay */
	uint64_t reorder_delay_us;
	uint64_t seed;
	unsigned mtu;               /* 0: 1500 */
	unsigned max_queue;         /* datagrams in flight per direction; 0: 100000 */
};

struct mem_link;

struct mem_link *mem_link_new(const struct mem_link_opts *o);
void mem_link_free(struct mem_link *m);
/* The tcp_link of one side (0 or 1). */
struct tcp_link *mem_link_side(struct mem_link *m, int side);
/* Change loss etc. while running (e.g. cut the link: loss 1000). */
void mem_link_set(struct mem_link *m, const struct mem_link_opts *o);
/* The virtual time the next send is stamped with. */
void mem_link_set_time(struct mem_link *m, uint64_t now_us);
/* Earliest pending delivery, or 0. */
uint64_t mem_link_next(const struct mem_link *m);
/* Deliver everything due at or before now_us, in time order, to the side's
 * deliver function (set with mem_link_attach). Returns how many. */
unsigned mem_link_advance(struct mem_link *m, uint64_t now_us);
void mem_link_attach(struct mem_link *m, int side, tcp_link_deliver_fn fn, void *ctx);
/* A digest of every delivery (time, side, bytes): equal traces, equal digests. */
uint64_t mem_link_trace(const struct mem_link *m);
struct mem_link_counts { uint64_t sent, lost, duplicated, reordered, delivered; };
void mem_link_counts(const struct mem_link *m, struct mem_link_counts *out);

#endif /* TCP_LINK_MEM_H */
