/*
 * tcp/link_raw.h — the production link: raw IP sockets sharing the host's addresses.
 *
 * DOC: One raw socket per family, protocol TCP. Linux hands a raw IPPROTO_TCP
 * socket a copy of every TCP datagram addressed to the host (raw(7)); the
 * kernel's TCP still handles the original, and answers our connections' segments
 * with RST — the guard (tcp/guard.h) drops those RSTs on the output hook.
 *
 *   IPv4: IP_HDRINCL both ways (raw(7)): we receive the IP header and send
 *         complete datagrams; the kernel fills in the IPv4 header checksum and
 *         total length (and the ID and source when zero). TTL and TCP checksum
 *         are the core's.
 *   IPv6: the kernel strips the IPv6 header from what raw sockets receive
 *         (RFC 3542 §3), so the driver asks for IPV6_PKTINFO (destination),
 *         IPV6_HOPLIMIT and IPV6_TCLASS and rebuilds a 40-byte header in front of
 *         the segment (flow label 0, no extension headers): the core gets a full
 *         datagram and applies GTSM (RFC 5082) to both families alike. Sending
 *         uses IPV6_HDRINCL (Linux >= 4.5); where it is refused the driver sends
 *         the segment with IPV6_PKTINFO/IPV6_HOPLIMIT/IPV6_TCLASS ancillary data
 *         instead (the flow label is then lost).
 *
 * Both sockets are non-blocking, carry SO_MARK = opts.mark (so the guard can
 * tell our RSTs from the kernel's), read with recvmmsg() into 64 KiB buffers
 * (GRO hands raw sockets merged segments larger than the MTU) and write with
 * sendmmsg(). A classic BPF filter (SO_ATTACH_FILTER, socket(7)) passes only
 * TCP segments whose destination port is in the stack's set — the ephemeral
 * range plus claimed ports — so the host's unrelated TCP traffic is not copied
 * to us; it is rebuilt and re-attached when claims change.
 *
 * IPv6 link-local peers need an interface: the driver learns it from received
 * datagrams (source -> arrival interface), and tcp_link_raw_set_scope() sets it
 * before an active open to a neighbour never heard from.
 *
 * Privileges: CAP_NET_RAW (raw sockets; SO_MARK on Linux >= 5.17) and
 * CAP_NET_ADMIN (nftables for the guard; SO_MARK before 5.17; SO_RCVBUFFORCE,
 * else SO_RCVBUF up to net.core.rmem_max). Checksums are the core's: datagrams
 * are delivered as received.
 */
#ifndef TCP_LINK_RAW_H
#define TCP_LINK_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/link.h"

/* The packet mark of our stack's sockets ("ustk"). Chosen to be unlike the small
 * marks policy-routing setups use; opts.mark overrides it. */
#define TCP_LINK_RAW_MARK 0x7573746bu

#define TCP_LINK_RAW_V4 0x1u
#define TCP_LINK_RAW_V6 0x2u

#define TCP_LINK_RAW_MTU_DEFAULT 1500
#define TCP_LINK_RAW_RCVBUF_DEFAULT (4 << 20)
#define TCP_LINK_RAW_BATCH_DEFAULT 32
#define TCP_LINK_RAW_BATCH_MAX 256
#define TCP_LINK_RAW_MAX_CLAIMS 1024    /* claimed ports; bounds the BPF program */

struct tcp_link_raw_opts {
	unsigned families;          /* TCP_LINK_RAW_V4 | TCP_LINK_RAW_V6; 0: both, each
	                               only where the host has the family */
	uint16_t port_lo, port_hi;  /* the stack's ephemeral range (tcp_config);
	                               port_lo 0: none, only claimed ports */
	unsigned mtu;               /* 0: TCP_LINK_RAW_MTU_DEFAULT */
	uint32_t mark;              /* 0: TCP_LINK_RAW_MARK */
	int rcvbuf;                 /* bytes per socket; 0: TCP_LINK_RAW_RCVBUF_DEFAULT */
	unsigned batch;             /* datagrams per recvmmsg/sendmmsg; 0: default */
	bool no_guard;              /* no kernel-RST guard (tests; or a firewall does it) */
	bool guard_no_owner;        /* tests: see tcp_guard_opts.no_owner */
	bool v6_no_hdrincl;         /* tests: the IPv6 ancillary-data send path */
};

/* Open the sockets (and the guard). 0, or -errno with a message in err naming
 * what is missing, e.g. "raw socket (IPv4): Operation not permitted — needs
 * CAP_NET_RAW (...)". The link is freed with tcp_link_close(). */
int tcp_link_raw_open(const struct tcp_link_raw_opts *o, struct tcp_link **out, char *err,
		      size_t errlen);

/* The guard in use (NULL with no_guard), e.g. for tcp_guard_table(). */
struct tcp_guard *tcp_link_raw_guard(struct tcp_link *l);
/* Whether IPv6 is sent with IPV6_HDRINCL (else: ancillary data). */
bool tcp_link_raw_v6_hdrincl(struct tcp_link *l);
/* Why the last claim_port() failed (the interface only returns -errno). */
const char *tcp_link_raw_error(struct tcp_link *l);
/* The interface to reach an IPv6 link-local address through (addr: 16 bytes,
 * network order). Learned automatically from received datagrams. 0 or -errno. */
int tcp_link_raw_set_scope(struct tcp_link *l, const uint8_t addr[16], unsigned ifindex);

#endif /* TCP_LINK_RAW_H */
