/*
 * tcp/timerq.h — a binary min-heap of deadlines: each connection has one node
 * keyed by its earliest timer, so the next deadline is O(1) and re-arming is
 * O(log n), however many connections (TIME-WAIT ones included) exist.
 */
#ifndef TCP_TIMERQ_H
#define TCP_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

struct tcp_tnode {
	uint64_t when;          /* 0: not queued */
	size_t idx;
};

struct tcp_timerq {
	struct tcp_tnode **a;
	size_t n, cap;
};

void timerq_init(struct tcp_timerq *q);
void timerq_free(struct tcp_timerq *q);
/* Queue, move or (when == 0) remove a node. -1 without memory. */
int timerq_set(struct tcp_timerq *q, struct tcp_tnode *t, uint64_t when);
static inline struct tcp_tnode *timerq_min(const struct tcp_timerq *q)
{
	return q->n ? q->a[0] : NULL;
}

#endif /* TCP_TIMERQ_H */
