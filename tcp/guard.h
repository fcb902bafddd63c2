/*
 * tcp/guard.h — the kernel-RST guard: keeps the host kernel's own TCP out of the
 * connections of a userspace stack that shares the host's addresses (link_raw.c).
 *
 * DOC: Why a guard at all. A raw IPPROTO_TCP socket receives a *copy* of each TCP
 * datagram for the host; the kernel's TCP still processes the original. It finds
 * no socket for our connections and answers each segment with RST (RFC 9293
 * §3.10.7.1): the SYN a peer sends to our listener, the SYN-ACK answering our
 * active open, data... Each such RST kills the peer's side of our connection.
 *
 * Why an OUTPUT-hook drop of RSTs and not an INPUT drop of the segments. In the
 * kernel's receive path the netfilter LOCAL_IN hook (nftables "input") runs
 * before ip_local_deliver_finish() hands the datagram to the raw sockets
 * (raw_local_deliver()) and then to TCP: a drop in INPUT would blind our raw
 * socket as well. So we let the kernel see the segments and drop what it
 * answers: RSTs leaving on the output hook whose source port is one of ours.
 * Our stack's own RSTs must still leave: the link marks its sockets with SO_MARK,
 * the mark is copied onto IP_HDRINCL datagrams (raw_send_hdrinc(),
 * rawv6_send_hdrinc()), and the rule exempts packets carrying it. The kernel's
 * RSTs go out through its per-netns control socket with mark 0 (unless
 * net.ipv4.fwmark_reflect copies the incoming packet's mark — which never is ours).
 *
 * What is installed, with libnftables, in one transaction:
 *
 *   table inet ustack_guard_<pid>_<starttime>_<pidns> {
 *       flags owner                   # Linux >= 5.12: dies with our netlink socket
 *       set claimed { type inet_service; }
 *       chain out {
 *           type filter hook output priority raw; policy accept;
 *           tcp flags & rst == rst meta mark != MARK tcp sport LO-HI counter drop
 *           tcp flags & rst == rst meta mark != MARK tcp sport @claimed counter drop
 *       }
 *   }
 *
 * It is scoped to our ports only and accepts everything else (an accept in our
 * base chain does not stop other tables from judging the packet). The ephemeral
 * range must not be one the kernel hands out itself (net.ipv4.ip_local_port_range
 * minus ip_local_reserved_ports), else the guard would also eat the RSTs of the
 * kernel's own connections on those ports: tcp_guard_open() refuses that.
 *
 * Claimed listener ports are also *reserved* in the kernel: a TCP socket bound
 * to the wildcard address and port, never listening. The kernel still answers
 * SYNs to it with RST (only listening sockets take SYNs), which the guard drops,
 * but no program on the host can listen on the port while we use it — a kernel
 * listener there would answer our peers' SYNs itself.
 *
 * Lifetime. tcp_guard_close() deletes the table. With the owner flag the kernel
 * also deletes it when the process ends in any way, kill -9 included (the table
 * is bound to the netlink socket of our nft context: NFT_TABLE_F_OWNER). Where
 * the kernel lacks the flag (EOPNOTSUPP), a crash leaves the table behind: its
 * name carries the owner's pid, start time (/proc/PID/stat field 22) and pid
 * namespace, and tcp_guard_open() first deletes every guard table whose owner no
 * longer runs (tcp_guard_sweep()).
 *
 * Needs CAP_NET_ADMIN (nftables). Not thread-safe; one event loop owns it.
 */
#ifndef TCP_GUARD_H
#define TCP_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_GUARD_PREFIX "ustack_guard_"
#define TCP_GUARD_MAX_PORTS 1024    /* claimed ports (listeners); a BGP speaker needs 1 */

struct tcp_guard;

struct tcp_guard_opts {
	uint32_t mark;              /* the SO_MARK of our stack's sockets (exempted) */
	uint16_t port_lo, port_hi;  /* the stack's ephemeral range; port_lo 0: none */
	bool v4, v6;                /* families whose claimed ports are reserved */
	bool no_owner;              /* tests: install without the owner flag, as a
	                               kernel older than 5.12 would, so a crash leaves
	                               the table behind for the next start to sweep */
};

/* Sweep leftovers, then install the table. 0, or -errno with a message in err
 * naming what is missing (e.g. CAP_NET_ADMIN). */
int tcp_guard_open(const struct tcp_guard_opts *o, struct tcp_guard **out, char *err,
		   size_t errlen);
/* Start guarding a listener port: reserve it in the kernel and add it to the
 * set. 0, or -EADDRINUSE (a kernel socket holds the port), -ENOSPC, -errno; the
 * reason in err. Ports are not reference-counted here: the link does that. */
int tcp_guard_add_port(struct tcp_guard *g, uint16_t port, char *err, size_t errlen);
void tcp_guard_del_port(struct tcp_guard *g, uint16_t port);
/* Delete the table, release reservations, free. NULL is a no-op. Safe from an
 * atexit() handler; from a signal handler call _exit() instead: the kernel
 * removes an owned table when the process dies. */
void tcp_guard_close(struct tcp_guard *g);
/* Close every guard still open in this process (an atexit() handler). */
void tcp_guard_close_all(void);

/* The table's name, for messages and `nft list table inet NAME`. */
const char *tcp_guard_table(const struct tcp_guard *g);
/* Whether the table is owned by our netlink socket (removed on any exit). */
bool tcp_guard_owned(const struct tcp_guard *g);
/* Kernel RSTs dropped so far (the rules' counters). 0, or -errno. */
int tcp_guard_dropped(struct tcp_guard *g, uint64_t *packets);

/* Delete guard tables (in this network namespace) whose owner no longer runs.
 * Returns how many were deleted, or -errno with a message in err. */
int tcp_guard_sweep(char *err, size_t errlen);

/* The message for a missing privilege: "WHAT: strerror — needs CAP (run as root
 * or grant it: setcap cap_net_raw,cap_net_admin+ep /path/to/this/binary)".
 * Shared by the link drivers, which need the same capabilities. */
void tcp_priv_error(char *err, size_t errlen, const char *what, int errnum, const char *cap);

#endif /* TCP_GUARD_H */
