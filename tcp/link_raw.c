/* tcp/link_raw.c — raw IP sockets sharing the host's addresses (see link_raw.h). */
#include "tcp/link_raw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp/guard.h"

/* include/uapi/linux/in6.h (Linux >= 4.5); older libc headers lack it. */
#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL 36
#endif

#define IP4_HDR_MIN 20
#define IP6_HDR_LEN 40
#define IP6_MAX_PAYLOAD 65535           /* larger needs a jumbogram (RFC 2675) */
#define IP6_DST_OFF 24
#define IP6_SRC_OFF 8
#define IP4_DST_OFF 16
#define RX_SLOT (IP6_HDR_LEN + TCP_LINK_MAX_DGRAM)
#define CTL_LEN 128                     /* pktinfo + hop limit + tclass, with room */
#define SCOPES 64                       /* learned link-local neighbours */
#define BPF_ACCEPT 0xffffffffu          /* keep the whole datagram */
#define BPF_PROG_MAX (8 + 2 * TCP_LINK_RAW_MAX_CLAIMS)
#define TCP_DPORT_OFF 2                 /* offset of the destination port in the TCP header */

union raw_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* One socket's receive batch: recvmmsg() fills msgs[i] from slot i. */
struct raw_rx {
	struct mmsghdr *msgs;
	struct iovec *iov;
	union raw_sa *names;
	uint8_t *ctl;
	uint8_t *slots;
};

struct raw_claim {
	uint16_t port;
	unsigned refs;
};

struct raw_scope {
	uint8_t addr[16];
	unsigned ifindex;
};

struct raw_link {
	struct tcp_link link;       /* first: the handle the stack holds */
	int fd4, fd6;
	bool v6_hdrincl;
	unsigned mtu, batch;
	uint32_t mark;
	uint16_t port_lo, port_hi;
	struct raw_claim *claims;
	unsigned nclaims, capclaims;
	struct tcp_guard *guard;
	struct raw_rx rx4, rx6;
	struct mmsghdr *tx;
	struct iovec *txiov;
	union raw_sa *txnames;
	uint8_t *txctl;
	struct raw_scope scopes[SCOPES];
	unsigned nscopes, scope_next;
	char err[256];
};

static const struct tcp_link_ops raw_ops;

static struct raw_link *raw_of(struct tcp_link *l)
{
	return (struct raw_link *)l;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- IPv6 link-local scopes ---- */

static bool ip6_linklocal(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;   /* fe80::/10, RFC 4291 §2.5.6 */
}

static unsigned scope_find(const struct raw_link *r, const uint8_t *a)
{
	for (unsigned i = 0; i < r->nscopes; i++)
		if (memcmp(r->scopes[i].addr, a, 16) == 0)
			return r->scopes[i].ifindex;
	return 0;
}

static void scope_learn(struct raw_link *r, const uint8_t *a, unsigned ifindex)
{
	for (unsigned i = 0; i < r->nscopes; i++) {
		if (memcmp(r->scopes[i].addr, a, 16) == 0) {
			r->scopes[i].ifindex = ifindex;
			return;
		}
	}
	unsigned i = r->nscopes < SCOPES ? r->nscopes++ : r->scope_next++ % SCOPES;
	memcpy(r->scopes[i].addr, a, 16);
	r->scopes[i].ifindex = ifindex;
}

int tcp_link_raw_set_scope(struct tcp_link *l, const uint8_t addr[16], unsigned ifindex)
{
	if (l->ops != &raw_ops || !ip6_linklocal(addr))
		return -EINVAL;
	scope_learn(raw_of(l), addr, ifindex);
	return 0;
}

/* ---- the early filter: classic BPF on the destination port ---- */

/* Build "accept if dport in [lo, hi] or in claims, else drop". Jumps of classic
 * BPF are 8-bit, so each test is followed by its own accept instead of jumping
 * to a shared one: the program grows linearly with no reach limit. */
static unsigned filter_build(const struct raw_link *r, bool v6, struct sock_filter *p)
{
	unsigned n = 0;
	if (v6) {
		/* An IPv6 raw socket's data starts at the TCP header. */
		p[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, TCP_DPORT_OFF);
	} else {
		/* IPv4 raw data starts at the IP header: X = 4 * IHL, A = dport. */
		p[n++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0);
		p[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_IND, TCP_DPORT_OFF);
	}
	if (r->port_lo) {
		p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, r->port_lo, 0, 2);
		p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, r->port_hi, 1, 0);
		p[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, BPF_ACCEPT);
	}
	for (unsigned i = 0; i < r->nclaims; i++) {
		p[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      r->claims[i].port, 0, 1);
		p[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, BPF_ACCEPT);
	}
	p[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	return n;
}

/* (Re)attach the filters; the kernel swaps programs atomically. 0 or -errno. */
static int filter_attach(struct raw_link *r)
{
	struct sock_filter prog[BPF_PROG_MAX];
	for (int v6 = 0; v6 <= 1; v6++) {
		int fd = v6 ? r->fd6 : r->fd4;
		if (fd < 0)
			continue;
		struct sock_fprog fp = {
			.len = (unsigned short)filter_build(r, v6, prog),
			.filter = prog,
		};
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) < 0)
			return -errno;
	}
	return 0;
}

/* Drop what queued before the first filter was in place. */
static void drain(int fd)
{
	uint8_t b;
	while (recv(fd, &b, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
}

/* ---- receiving ---- */

static int rx_alloc(struct raw_rx *rx, unsigned batch)
{
	rx->msgs = calloc(batch, sizeof(*rx->msgs));
	rx->iov = calloc(batch, sizeof(*rx->iov));
	rx->names = calloc(batch, sizeof(*rx->names));
	rx->ctl = calloc(batch, CTL_LEN);
	rx->slots = malloc((size_t)batch * RX_SLOT);
	return rx->msgs && rx->iov && rx->names && rx->ctl && rx->slots ? 0 : -ENOMEM;
}

static void rx_free(struct raw_rx *rx)
{
	free(rx->msgs);
	free(rx->iov);
	free(rx->names);
	free(rx->ctl);
	free(rx->slots);
}

/* Put the IPv6 header the kernel stripped back in front of the segment at
 * slot + IP6_HDR_LEN. Returns the datagram length, or 0 when it cannot. */
static size_t ip6_rebuild(struct raw_link *r, uint8_t *slot, struct msghdr *mh, size_t plen)
{
	const struct in6_pktinfo *pi = NULL;
	int hops = -1, tclass = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO)
			pi = (const struct in6_pktinfo *)CMSG_DATA(c);
		else if (c->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hops, CMSG_DATA(c), sizeof(hops));
		else if (c->cmsg_type == IPV6_TCLASS)
			memcpy(&tclass, CMSG_DATA(c), sizeof(tclass));
	}
	const struct sockaddr_in6 *src = mh->msg_name;
	if (!pi || hops < 0 || mh->msg_namelen < sizeof(*src) || plen > IP6_MAX_PAYLOAD)
		return 0;
	/* RFC 8200 §3: version, traffic class, flow label (not available: 0),
	 * payload length, next header, hop limit, source, destination. */
	slot[0] = (uint8_t)(0x60 | ((tclass >> 4) & 0x0f));
	slot[1] = (uint8_t)((tclass & 0x0f) << 4);
	slot[2] = slot[3] = 0;
	slot[4] = (uint8_t)(plen >> 8);
	slot[5] = (uint8_t)plen;
	slot[6] = IPPROTO_TCP;
	slot[7] = (uint8_t)hops;
	memcpy(slot + IP6_SRC_OFF, &src->sin6_addr, 16);
	memcpy(slot + IP6_DST_OFF, &pi->ipi6_addr, 16);
	if (ip6_linklocal(slot + IP6_SRC_OFF) && pi->ipi6_ifindex)
		scope_learn(r, slot + IP6_SRC_OFF, pi->ipi6_ifindex);
	return IP6_HDR_LEN + plen;
}

static int raw_poll_rx(struct tcp_link *l, int fd, tcp_link_deliver_fn deliver, void *ctx,
		       unsigned max)
{
	struct raw_link *r = raw_of(l);
	bool v6;
	if (fd >= 0 && fd == r->fd4)
		v6 = false;
	else if (fd >= 0 && fd == r->fd6)
		v6 = true;
	else
		return -EBADF;
	struct raw_rx *rx = v6 ? &r->rx6 : &r->rx4;
	unsigned off = v6 ? IP6_HDR_LEN : 0, seen = 0;
	int delivered = 0;
	while (seen < max) {
		unsigned want = max - seen < r->batch ? max - seen : r->batch;
		for (unsigned i = 0; i < want; i++) {
			struct msghdr *mh = &rx->msgs[i].msg_hdr;
			rx->iov[i].iov_base = rx->slots + (size_t)i * RX_SLOT + off;
			rx->iov[i].iov_len = TCP_LINK_MAX_DGRAM;
			mh->msg_iov = &rx->iov[i];
			mh->msg_iovlen = 1;
			mh->msg_name = &rx->names[i];
			mh->msg_namelen = sizeof(rx->names[i]);
			mh->msg_control = v6 ? rx->ctl + (size_t)i * CTL_LEN : NULL;
			mh->msg_controllen = v6 ? CTL_LEN : 0;
			mh->msg_flags = 0;
		}
		int m = recvmmsg(fd, rx->msgs, want, MSG_DONTWAIT, NULL);
		l->stats.rx_syscalls++;
		if (m < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (delivered == 0)
				return -errno;
			break;
		}
		for (int i = 0; i < m; i++) {
			struct msghdr *mh = &rx->msgs[i].msg_hdr;
			uint8_t *slot = rx->slots + (size_t)i * RX_SLOT;
			size_t len = rx->msgs[i].msg_len;
			if (mh->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
				l->stats.rx_errors++;
				continue;
			}
			if (v6 && (len = ip6_rebuild(r, slot, mh, len)) == 0) {
				l->stats.rx_errors++;
				continue;
			}
			l->stats.rx_packets++;
			l->stats.rx_bytes += len;
			deliver(ctx, slot, len);
			delivered++;
		}
		seen += (unsigned)m;
		if ((unsigned)m < want)
			break;
	}
	return delivered;
}

/* ---- sending ---- */

/* Fill one outgoing message for a datagram; *fd says which socket. 0 or -errno. */
static int tx_prepare(struct raw_link *r, const uint8_t *pkt, size_t len, unsigned i, int *fd)
{
	struct msghdr *mh = &r->tx[i].msg_hdr;
	union raw_sa *sa = &r->txnames[i];
	memset(mh, 0, sizeof(*mh));
	memset(sa, 0, sizeof(*sa));
	mh->msg_name = sa;
	mh->msg_iov = &r->txiov[i];
	mh->msg_iovlen = 1;
	if (len < 1)
		return -EINVAL;
	unsigned version = pkt[0] >> 4;
	if (version == 4) {
		if (len < IP4_HDR_MIN)
			return -EINVAL;
		if (r->fd4 < 0)
			return -EAFNOSUPPORT;
		/* raw(7): with IP_HDRINCL the address only routes the datagram. */
		sa->in.sin_family = AF_INET;
		memcpy(&sa->in.sin_addr, pkt + IP4_DST_OFF, 4);
		mh->msg_namelen = sizeof(sa->in);
		r->txiov[i] = (struct iovec){ .iov_base = (void *)pkt, .iov_len = len };
		*fd = r->fd4;
		return 0;
	}
	if (version != 6 || len < IP6_HDR_LEN)
		return -EINVAL;
	if (r->fd6 < 0)
		return -EAFNOSUPPORT;
	const uint8_t *dst = pkt + IP6_DST_OFF, *src = pkt + IP6_SRC_OFF;
	sa->in6.sin6_family = AF_INET6;
	memcpy(&sa->in6.sin6_addr, dst, 16);
	/* sin6_port must be 0 or the socket's protocol (rawv6_sendmsg()). */
	if (ip6_linklocal(dst))
		sa->in6.sin6_scope_id = scope_find(r, dst);
	mh->msg_namelen = sizeof(sa->in6);
	*fd = r->fd6;
	if (r->v6_hdrincl) {
		r->txiov[i] = (struct iovec){ .iov_base = (void *)pkt, .iov_len = len };
		return 0;
	}
	/* Without IPV6_HDRINCL: the segment alone, the header fields as ancillary
	 * data (RFC 3542 §6). No extension headers from the core: next header 6. */
	if (pkt[6] != IPPROTO_TCP)
		return -EINVAL;
	r->txiov[i] = (struct iovec){ .iov_base = (void *)(pkt + IP6_HDR_LEN),
				      .iov_len = len - IP6_HDR_LEN };
	uint8_t *ctl = r->txctl + (size_t)i * CTL_LEN;
	memset(ctl, 0, CTL_LEN);
	mh->msg_control = ctl;
	mh->msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo)) + 2 * CMSG_SPACE(sizeof(int));
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	struct in6_pktinfo pi = { 0 };
	memcpy(&pi.ipi6_addr, src, 16);
	pi.ipi6_ifindex = sa->in6.sin6_scope_id;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	int hops = pkt[7], tclass = ((pkt[0] & 0x0f) << 4) | (pkt[1] >> 4);
	c = CMSG_NXTHDR(mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &hops, sizeof(int));
	c = CMSG_NXTHDR(mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_TCLASS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &tclass, sizeof(int));
	return 0;
}

static int raw_send_batch(struct tcp_link *l, const uint8_t *const *pkts, const size_t *lens,
			  unsigned n)
{
	struct raw_link *r = raw_of(l);
	unsigned i = 0, sent = 0;
	int lasterr = 0;
	while (i < n) {
		/* A run of datagrams for the same socket, as long as a batch. */
		unsigned k = 0;
		int fd = -1;
		while (i + k < n && k < r->batch) {
			int kfd = -1;
			int e = tx_prepare(r, pkts[i + k], lens[i + k], k, &kfd);
			if (e < 0) {
				if (k == 0) {       /* malformed or no socket: drop it */
					l->stats.tx_errors++;
					lasterr = e;
					i++;
					continue;
				}
				break;              /* send the run; it comes first next */
			}
			if (k > 0 && kfd != fd)
				break;
			fd = kfd;
			k++;
		}
		if (k == 0)
			continue;
		int m = sendmmsg(fd, r->tx, k, MSG_DONTWAIT);
		l->stats.tx_syscalls++;
		if (m < 0) {
			if (errno == EINTR)
				continue;
			lasterr = -errno;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
				/* The queue is full: what follows would fail too. TCP
				 * retransmits; count the drops and stop. */
				l->stats.tx_errors += n - i;
				break;
			}
			l->stats.tx_errors++;   /* this datagram failed (EMSGSIZE...) */
			i++;
			continue;
		}
		for (int j = 0; j < m; j++) {
			l->stats.tx_packets++;
			l->stats.tx_bytes += lens[i + (unsigned)j];
		}
		sent += (unsigned)m;
		i += (unsigned)m;   /* if m < k, the failing one starts the next run */
	}
	return sent || !lasterr ? (int)sent : lasterr;
}

static int raw_send(struct tcp_link *l, const uint8_t *pkt, size_t len)
{
	int r = raw_send_batch(l, &pkt, &len, 1);
	return r == 1 ? 0 : r < 0 ? r : -EIO;
}

/* ---- ports ---- */

static int raw_claim_port(struct tcp_link *l, uint16_t port)
{
	struct raw_link *r = raw_of(l);
	r->err[0] = '\0';
	for (unsigned i = 0; i < r->nclaims; i++) {
		if (r->claims[i].port == port) {
			r->claims[i].refs++;
			return 0;
		}
	}
	if (port == 0)
		return -EINVAL;
	if (r->nclaims >= TCP_LINK_RAW_MAX_CLAIMS) {
		seterr(r->err, sizeof(r->err), "more than %d claimed ports",
		       TCP_LINK_RAW_MAX_CLAIMS);
		return -ENOSPC;
	}
	if (r->nclaims == r->capclaims) {
		unsigned ncap = r->capclaims ? r->capclaims * 2 : 8;
		struct raw_claim *nc = realloc(r->claims, ncap * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		r->claims = nc;
		r->capclaims = ncap;
	}
	/* The guard first: from the moment the filter lets the port's segments in,
	 * the kernel's answers to them must already be dropped. */
	int e;
	if (r->guard && (e = tcp_guard_add_port(r->guard, port, r->err, sizeof(r->err))) < 0)
		return e;
	r->claims[r->nclaims++] = (struct raw_claim){ .port = port, .refs = 1 };
	if ((e = filter_attach(r)) < 0) {
		seterr(r->err, sizeof(r->err), "SO_ATTACH_FILTER: %s", strerror(-e));
		r->nclaims--;
		if (r->guard)
			tcp_guard_del_port(r->guard, port);
		filter_attach(r);
		return e;
	}
	return 0;
}

static void raw_release_port(struct tcp_link *l, uint16_t port)
{
	struct raw_link *r = raw_of(l);
	for (unsigned i = 0; i < r->nclaims; i++) {
		if (r->claims[i].port != port)
			continue;
		if (--r->claims[i].refs > 0)
			return;
		r->claims[i] = r->claims[--r->nclaims];
		filter_attach(r);   /* failing, the old filter passes a little too much */
		if (r->guard)
			tcp_guard_del_port(r->guard, port);
		return;
	}
}

/* ---- the rest of the interface ---- */

static int raw_fds(struct tcp_link *l, int *fds, int max)
{
	struct raw_link *r = raw_of(l);
	int n = 0;
	if (r->fd4 >= 0 && n < max)
		fds[n++] = r->fd4;
	if (r->fd6 >= 0 && n < max)
		fds[n++] = r->fd6;
	return n;
}

static unsigned raw_mtu(struct tcp_link *l)
{
	return raw_of(l)->mtu;
}

static void raw_close(struct tcp_link *l)
{
	struct raw_link *r = raw_of(l);
	tcp_guard_close(r->guard);
	if (r->fd4 >= 0)
		close(r->fd4);
	if (r->fd6 >= 0)
		close(r->fd6);
	rx_free(&r->rx4);
	rx_free(&r->rx6);
	free(r->tx);
	free(r->txiov);
	free(r->txnames);
	free(r->txctl);
	free(r->claims);
	free(r);
}

static const struct tcp_link_ops raw_ops = {
	.name = "raw",
	.send = raw_send,
	.send_batch = raw_send_batch,
	.poll_rx = raw_poll_rx,
	.fds = raw_fds,
	.claim_port = raw_claim_port,
	.release_port = raw_release_port,
	.mtu = raw_mtu,
	.close = raw_close,
};

struct tcp_guard *tcp_link_raw_guard(struct tcp_link *l)
{
	return l->ops == &raw_ops ? raw_of(l)->guard : NULL;
}

bool tcp_link_raw_v6_hdrincl(struct tcp_link *l)
{
	return l->ops == &raw_ops && raw_of(l)->v6_hdrincl;
}

const char *tcp_link_raw_error(struct tcp_link *l)
{
	return l->ops == &raw_ops ? raw_of(l)->err : "";
}

/* ---- opening ---- */

/* Large buffers: a BGP speaker takes full tables in bursts. SO_*BUFFORCE
 * ignores net.core.[rw]mem_max but needs CAP_NET_ADMIN; else ask for what the
 * limit allows (socket(7)). */
static void set_buf(int fd, int force_opt, int opt, int bytes)
{
	if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof(bytes)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

static int open_sock(struct raw_link *r, int af, const struct tcp_link_raw_opts *o,
		     bool required, int *out, char *err, size_t errlen)
{
	const char *fam = af == AF_INET ? "IPv4" : "IPv6";
	char what[64];
	*out = -1;
	int fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		int e = errno;
		if ((e == EAFNOSUPPORT || e == EPROTONOSUPPORT) && !required)
			return 0;   /* the host has no such family: skip it */
		snprintf(what, sizeof(what), "raw socket (%s)", fam);
		if (e == EPERM || e == EACCES)
			tcp_priv_error(err, errlen, what, e, "CAP_NET_RAW");
		else
			seterr(err, errlen, "%s: %s", what, strerror(e));
		return -e;
	}
	*out = fd;
	int on = 1;
	/* SO_MARK: CAP_NET_ADMIN, or CAP_NET_RAW since Linux 5.17 (socket(7)). */
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &r->mark, sizeof(r->mark)) < 0) {
		int e = errno;
		snprintf(what, sizeof(what), "SO_MARK (%s)", fam);
		if (e == EPERM || e == EACCES)
			tcp_priv_error(err, errlen, what, e, "CAP_NET_ADMIN");
		else
			seterr(err, errlen, "%s: %s", what, strerror(e));
		return -e;
	}
	int rcv = o->rcvbuf ? o->rcvbuf : TCP_LINK_RAW_RCVBUF_DEFAULT;
	set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, rcv);
	/* The same for sending: a sendmmsg() burst waits in the socket's budget
	 * until the device queue takes it; too small and it fails with EAGAIN. */
	set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, rcv);
	if (af == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0) {
			seterr(err, errlen, "IP_HDRINCL: %s", strerror(errno));
			return -errno;
		}
		return 0;
	}
	static const int rcvopts[] = { IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS };
	static const char *const rcvnames[] = { "IPV6_RECVPKTINFO", "IPV6_RECVHOPLIMIT",
						"IPV6_RECVTCLASS" };
	for (unsigned i = 0; i < sizeof(rcvopts) / sizeof(rcvopts[0]); i++) {
		if (setsockopt(fd, IPPROTO_IPV6, rcvopts[i], &on, sizeof(on)) < 0) {
			seterr(err, errlen, "%s: %s", rcvnames[i], strerror(errno));
			return -errno;
		}
	}
	r->v6_hdrincl = !o->v6_no_hdrincl &&
			setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &on, sizeof(on)) == 0;
	if (!r->v6_hdrincl) {
		/* The kernel builds the header: never let it fragment a segment. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof(on));
	}
	return 0;
}

int tcp_link_raw_open(const struct tcp_link_raw_opts *o, struct tcp_link **out, char *err,
		      size_t errlen)
{
	*out = NULL;
	if (o->port_lo && o->port_hi < o->port_lo) {
		seterr(err, errlen, "bad ephemeral port range %u-%u", o->port_lo, o->port_hi);
		return -EINVAL;
	}
	struct raw_link *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->link.ops = &raw_ops;
	r->fd4 = r->fd6 = -1;
	r->mtu = o->mtu ? o->mtu : TCP_LINK_RAW_MTU_DEFAULT;
	r->batch = o->batch ? o->batch : TCP_LINK_RAW_BATCH_DEFAULT;
	if (r->batch > TCP_LINK_RAW_BATCH_MAX)
		r->batch = TCP_LINK_RAW_BATCH_MAX;
	r->mark = o->mark ? o->mark : TCP_LINK_RAW_MARK;
	r->port_lo = o->port_lo;
	r->port_hi = o->port_lo ? o->port_hi : 0;

	unsigned fam = o->families ? o->families : TCP_LINK_RAW_V4 | TCP_LINK_RAW_V6;
	bool required = o->families != 0;
	int e = 0;
	if ((fam & TCP_LINK_RAW_V4) &&
	    (e = open_sock(r, AF_INET, o, required, &r->fd4, err, errlen)) < 0)
		goto fail;
	if ((fam & TCP_LINK_RAW_V6) &&
	    (e = open_sock(r, AF_INET6, o, required, &r->fd6, err, errlen)) < 0)
		goto fail;
	if (r->fd4 < 0 && r->fd6 < 0) {
		seterr(err, errlen, "raw link: neither IPv4 nor IPv6 is available");
		e = -EAFNOSUPPORT;
		goto fail;
	}
	e = -ENOMEM;
	if ((r->fd4 >= 0 && rx_alloc(&r->rx4, r->batch) < 0) ||
	    (r->fd6 >= 0 && rx_alloc(&r->rx6, r->batch) < 0))
		goto fail_nomem;
	r->tx = calloc(r->batch, sizeof(*r->tx));
	r->txiov = calloc(r->batch, sizeof(*r->txiov));
	r->txnames = calloc(r->batch, sizeof(*r->txnames));
	r->txctl = calloc(r->batch, CTL_LEN);
	if (!r->tx || !r->txiov || !r->txnames || !r->txctl)
		goto fail_nomem;

	if (!o->no_guard) {
		struct tcp_guard_opts g = {
			.mark = r->mark,
			.port_lo = r->port_lo,
			.port_hi = r->port_hi,
			.v4 = r->fd4 >= 0,
			.v6 = r->fd6 >= 0,
			.no_owner = o->guard_no_owner,
		};
		if ((e = tcp_guard_open(&g, &r->guard, err, errlen)) < 0)
			goto fail;
	}
	if ((e = filter_attach(r)) < 0) {
		seterr(err, errlen, "SO_ATTACH_FILTER: %s", strerror(-e));
		goto fail;
	}
	if (r->fd4 >= 0)
		drain(r->fd4);
	if (r->fd6 >= 0)
		drain(r->fd6);
	*out = &r->link;
	return 0;

fail_nomem:
	seterr(err, errlen, "raw link: out of memory");
fail:
	raw_close(&r->link);
	return e;
}
