/*
 * tcp/link.h — the one small interface every link driver implements.
 *
 * A link moves whole IP datagrams (IPv4 or IPv6, header included) between the
 * stack and the world. The stack core never sees a descriptor: the libevent
 * binding (tcp/tcpev.c) polls the link's descriptors and hands each received
 * datagram to tcp_stack_input(); what the core emits goes to send()/send_batch().
 *
 * Drivers: link_raw.c (raw IP sockets sharing the host's addresses, production),
 * link_tun.c (a TUN device; the stack owns an address of its own) and
 * link_mem.c (in-memory, for deterministic tests; no descriptors).
 */
#ifndef TCP_LINK_H
#define TCP_LINK_H

#include <stddef.h>
#include <stdint.h>

#define TCP_LINK_MAX_FDS 4
#define TCP_LINK_MAX_DGRAM 65536   /* GRO may hand us more than the MTU */

struct tcp_link;

/* Called once per received datagram; pkt is a complete IPv4 or IPv6 datagram
 * (for IPv6 raw sockets the driver rebuilds the fixed header from ancillary data,
 * hop limit included, so the core can apply GTSM alike to both families). */
typedef void (*tcp_link_deliver_fn)(void *ctx, const uint8_t *pkt, size_t len);

struct tcp_link_ops {
	const char *name;
	/* Send one datagram. 0, or a negative errno. */
	int (*send)(struct tcp_link *l, const uint8_t *pkt, size_t len);
	/* Send n datagrams in one go where the driver can (sendmmsg). Returns how many
	 * were sent (datagrams that fail are dropped and counted), or a negative errno. */
	int (*send_batch)(struct tcp_link *l, const uint8_t *const *pkts, const size_t *lens,
			  unsigned n);
	/* Read up to max datagrams from descriptor fd without blocking and deliver each.
	 * Returns the number delivered (0: nothing waiting) or a negative errno. */
	int (*poll_rx)(struct tcp_link *l, int fd, tcp_link_deliver_fn deliver, void *ctx,
		       unsigned max);
	/* Descriptors to watch for reading; returns how many were written to fds. */
	int (*fds)(struct tcp_link *l, int *fds, int max);
	/* The stack starts or stops using a local TCP port (a listener); a driver that
	 * shares the host's addresses keeps the kernel's TCP away from it. 0 or -errno. */
	int (*claim_port)(struct tcp_link *l, uint16_t port);
	void (*release_port)(struct tcp_link *l, uint16_t port);
	/* Largest IP datagram the link carries (the MTU), for the MSS. */
	unsigned (*mtu)(struct tcp_link *l);
	void (*close)(struct tcp_link *l);
};

/* Counters every driver keeps. */
struct tcp_link_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_syscalls;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_syscalls;
};

struct tcp_link {
	const struct tcp_link_ops *ops;
	struct tcp_link_stats stats;
};

static inline int tcp_link_send(struct tcp_link *l, const uint8_t *pkt, size_t len)
{
	return l->ops->send(l, pkt, len);
}

static inline void tcp_link_close(struct tcp_link *l)
{
	if (l)
		l->ops->close(l);
}

#endif /* TCP_LINK_H */
