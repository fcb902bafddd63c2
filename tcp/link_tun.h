/*
 * tcp/link_tun.h — a TUN device as the stack's link.
 *
 * DOC: The stack owns an IP address of its own on the far side of a TUN device
 * (Documentation/networking/tuntap.rst): the kernel routes datagrams for that
 * address into the device, where we read them, and takes what we write as if it
 * had arrived on the device. The kernel does not own the stack's address, so
 * its TCP never sees our connections as its own: no RSTs, no guard, no mark.
 *
 * IFF_TUN | IFF_NO_PI: each read() returns one raw IPv4 or IPv6 datagram and
 * each write() takes one; no packet-information prefix, no offloads (without
 * IFF_VNET_HDR the kernel segments GSO packets before handing them over, so
 * datagrams are at most the device MTU). One non-blocking descriptor.
 *
 * The device is attached to if it exists, else created (CAP_NET_ADMIN) and then
 * lives as long as the descriptor (not persistent). Addresses and routes are the
 * administrator's, e.g.
 *   ip tuntap add dev tun0 mode tun; ip addr add 192.0.2.1/24 dev tun0
 *   ip link set tun0 up            # the stack then uses 192.0.2.2
 */
#ifndef TCP_LINK_TUN_H
#define TCP_LINK_TUN_H

#include <stdbool.h>
#include <stddef.h>

#include "tcp/link.h"

#define TCP_LINK_TUN_DEV "/dev/net/tun"

struct tcp_link_tun_opts {
	unsigned mtu;           /* 0: the device's MTU */
	bool up;                /* set the device up (CAP_NET_ADMIN) */
};

/* Attach to (or create) TUN device name ("tun%d" lets the kernel pick); o may
 * be NULL. 0, or -errno with a message in err. */
int tcp_link_tun_open(const char *name, const struct tcp_link_tun_opts *o,
		      struct tcp_link **out, char *err, size_t errlen);
/* The device's name (as the kernel completed it). */
const char *tcp_link_tun_name(struct tcp_link *l);

#endif /* TCP_LINK_TUN_H */
