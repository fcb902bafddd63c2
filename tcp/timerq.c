/* tcp/timerq.c — the deadline heap. */
#include "tcp/timerq.h"

#include <stdlib.h>

void timerq_init(struct tcp_timerq *q)
{
	q->a = NULL;
	q->n = q->cap = 0;
}

void timerq_free(struct tcp_timerq *q)
{
	free(q->a);
	timerq_init(q);
}

static void swap(struct tcp_timerq *q, size_t i, size_t j)
{
	struct tcp_tnode *t = q->a[i];
	q->a[i] = q->a[j];
	q->a[j] = t;
	q->a[i]->idx = i;
	q->a[j]->idx = j;
}

static void sift_up(struct tcp_timerq *q, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (q->a[p]->when <= q->a[i]->when)
			break;
		swap(q, i, p);
		i = p;
	}
}

static void sift_down(struct tcp_timerq *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && q->a[l]->when < q->a[m]->when)
			m = l;
		if (r < q->n && q->a[r]->when < q->a[m]->when)
			m = r;
		if (m == i)
			break;
		swap(q, i, m);
		i = m;
	}
}

static void remove_at(struct tcp_timerq *q, size_t i)
{
	q->n--;
	if (i != q->n) {
		q->a[i] = q->a[q->n];
		q->a[i]->idx = i;
		sift_down(q, i);
		sift_up(q, i);
	}
}

int timerq_set(struct tcp_timerq *q, struct tcp_tnode *t, uint64_t when)
{
	if (t->when && when) {          /* move */
		uint64_t old = t->when;
		t->when = when;
		if (when < old)
			sift_up(q, t->idx);
		else
			sift_down(q, t->idx);
		return 0;
	}
	if (t->when) {                  /* remove */
		remove_at(q, t->idx);
		t->when = 0;
		return 0;
	}
	if (!when)
		return 0;
	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct tcp_tnode **na = realloc(q->a, ncap * sizeof(*na));
		if (!na)
			return -1;
		q->a = na;
		q->cap = ncap;
	}
	t->when = when;
	t->idx = q->n;
	q->a[q->n++] = t;
	sift_up(q, t->idx);
	return 0;
}
