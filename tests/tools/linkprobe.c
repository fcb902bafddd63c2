/*
 * tests/tools/linkprobe.c — exercise the link drivers (link_raw + guard, link_tun)
 * against the kernel's TCP, without the TCP core: segments are made by hand.
 *
 *   connect: send a SYN from --src:--sport to a kernel listener at --dst:--dport
 *            and wait for its SYN-ACK through poll_rx;
 *   listen:  claim --sport and wait for a kernel client's SYN through poll_rx;
 *   guard:   only open the link (and its guard).
 *
 * Then optionally linger (report what else arrives), answer with our own RST
 * (--rst; window PROBE_RST_WINDOW so captures tell it from the kernel's), and
 * hold until SIGTERM/SIGINT (--hold), closing the link cleanly.
 *
 * Output, one line each, for the lab scripts to grep:
 *   READY link=raw mtu=1500 guard=NAME owned=1 v6hdrincl=1
 *   RX 10.0.0.2:7000 > 10.0.0.1:61001 flags=SA ttl=64 len=64 csum=ok
 *   SYNACK ... / SYN ...        the awaited segment (same fields)
 *   SENT-RST ...
 *   STATS rx=N rxerr=N tx=N txerr=N outside=N guard_dropped=N
 * where outside counts TCP datagrams delivered for ports outside the raw link's
 * filter set (must be 0) and guard_dropped the kernel RSTs the guard dropped.
 * Exit: 0 done, 1 error (message on stderr), 2 the awaited segment never came.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tcp/guard.h"
#include "tcp/link.h"
#include "tcp/link_raw.h"
#include "tcp/link_tun.h"

#define PROBE_RST_WINDOW 0x5253     /* "RS": marks the RSTs the probe sends */
#define PROBE_TTL 255
#define PROBE_MSS 1400
#define POLL_BATCH 64

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

struct addr {
	int af;                     /* AF_INET or AF_INET6; 0 unset */
	uint8_t a[16];
};

/* One TCP segment as parsed from a datagram. */
struct seg {
	struct addr src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags, ttl;
	size_t len;
	bool csum_ok;
};

enum mode { MODE_CONNECT, MODE_LISTEN, MODE_GUARD };

struct probe {
	enum mode mode;
	struct tcp_link *link;
	struct addr src, dst;
	uint16_t sport, dport, eph_lo, eph_hi;
	uint32_t isn;
	bool got;                   /* the awaited segment arrived */
	struct seg awaited;
	uint64_t outside;           /* delivered though not for our ports */
};

static volatile sig_atomic_t stop;
/* SIGTERM/SIGINT stay blocked except inside ppoll(), so a signal cannot slip in
 * between the check of stop and the wait (and leave --hold waiting forever). */
static sigset_t wait_mask;

static void on_signal(int sig)
{
	stop = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool parse_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->af = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->af = AF_INET6;
		return true;
	}
	return false;
}

static const char *addr_str(const struct addr *a, char *buf, size_t len)
{
	return inet_ntop(a->af, a->a, buf, (socklen_t)len);
}

/* ---- checksums (RFC 1071), over a pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1) ---- */

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t tcp_sum(const struct addr *src, const struct addr *dst, const uint8_t *tcp,
			size_t len)
{
	size_t alen = src->af == AF_INET ? 4 : 16;
	uint32_t s = sum16(0, src->a, alen);
	s = sum16(s, dst->a, alen);
	s += IPPROTO_TCP + (uint32_t)len;   /* IPv6: 32-bit length, fits */
	return fold(sum16(s, tcp, len));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Build an IP datagram holding one TCP segment; returns its length. A SYN
 * carries an MSS option. The IPv4 header checksum is filled in too: a TUN
 * device hands the datagram to the kernel's input path, which checks it. */
static size_t build(uint8_t *pkt, const struct addr *src, const struct addr *dst,
		    uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		    uint16_t win)
{
	size_t ip = src->af == AF_INET ? 20 : 40;
	size_t tl = (flags & TH_SYN) ? 24 : 20;
	memset(pkt, 0, ip + tl);
	if (src->af == AF_INET) {
		pkt[0] = 0x45;
		put16(pkt + 2, (uint16_t)(ip + tl));
		put16(pkt + 6, 0x4000);         /* DF */
		pkt[8] = PROBE_TTL;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, src->a, 4);
		memcpy(pkt + 16, dst->a, 4);
		put16(pkt + 10, (uint16_t)~fold(sum16(0, pkt, 20)));
	} else {
		pkt[0] = 0x60;
		put16(pkt + 4, (uint16_t)tl);
		pkt[6] = IPPROTO_TCP;
		pkt[7] = PROBE_TTL;
		memcpy(pkt + 8, src->a, 16);
		memcpy(pkt + 24, dst->a, 16);
	}
	uint8_t *t = pkt + ip;
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = (uint8_t)((tl / 4) << 4);
	t[13] = flags;
	put16(t + 14, win);
	if (flags & TH_SYN) {
		t[20] = 2;                      /* MSS, RFC 9293 §3.2 */
		t[21] = 4;
		put16(t + 22, PROBE_MSS);
	}
	put16(t + 16, (uint16_t)~tcp_sum(src, dst, t, tl));
	return ip + tl;
}

/* Parse a datagram; false if it is not TCP. */
static bool parse(const uint8_t *p, size_t len, struct seg *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 1)
		return false;
	size_t ip;
	if (p[0] >> 4 == 4) {
		ip = (size_t)(p[0] & 0x0f) * 4;
		if (len < 20 || ip < 20 || len < ip + 20 || p[9] != IPPROTO_TCP)
			return false;
		size_t tot = get16(p + 2);
		if (tot < len)
			len = tot;
		s->src.af = s->dst.af = AF_INET;
		memcpy(s->src.a, p + 12, 4);
		memcpy(s->dst.a, p + 16, 4);
		s->ttl = p[8];
	} else if (p[0] >> 4 == 6) {
		ip = 40;
		if (len < 60 || p[6] != IPPROTO_TCP)
			return false;
		if ((size_t)get16(p + 4) + 40 < len)
			len = get16(p + 4) + 40u;
		s->src.af = s->dst.af = AF_INET6;
		memcpy(s->src.a, p + 8, 16);
		memcpy(s->dst.a, p + 24, 16);
		s->ttl = p[7];
	} else {
		return false;
	}
	const uint8_t *t = p + ip;
	s->sport = get16(t);
	s->dport = get16(t + 2);
	s->seq = get32(t + 4);
	s->ack = get32(t + 8);
	s->flags = t[13];
	s->len = len;
	s->csum_ok = tcp_sum(&s->src, &s->dst, t, len - ip) == 0xffff;
	return true;
}

static void seg_line(const char *tag, const struct seg *s)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], fl[8];
	int n = 0;
	if (s->flags & TH_SYN)
		fl[n++] = 'S';
	if (s->flags & TH_FIN)
		fl[n++] = 'F';
	if (s->flags & TH_RST)
		fl[n++] = 'R';
	if (s->flags & TH_PSH)
		fl[n++] = 'P';
	if (s->flags & TH_ACK)
		fl[n++] = 'A';
	fl[n] = '\0';
	printf("%s %s%s%s:%u > %s%s%s:%u flags=%s ttl=%u len=%zu csum=%s\n", tag,
	       s->src.af == AF_INET6 ? "[" : "", addr_str(&s->src, a, sizeof(a)),
	       s->src.af == AF_INET6 ? "]" : "", s->sport,
	       s->dst.af == AF_INET6 ? "[" : "", addr_str(&s->dst, b, sizeof(b)),
	       s->dst.af == AF_INET6 ? "]" : "", s->dport, fl, s->ttl, s->len,
	       s->csum_ok ? "ok" : "bad");
	fflush(stdout);
}

static bool addr_eq(const struct addr *x, const struct addr *y)
{
	return x->af == y->af && memcmp(x->a, y->a, 16) == 0;
}

static void deliver(void *ctx, const uint8_t *pkt, size_t len)
{
	struct probe *p = ctx;
	struct seg s;
	if (!parse(pkt, len, &s))
		return;     /* a TUN also carries the kernel's ICMPv6, MLD... */
	seg_line("RX", &s);
	/* The raw link's filter set: ephemeral range + the claimed port. (A TUN
	 * has no filter: everything routed into it arrives.) */
	bool ours = (p->eph_lo && s.dport >= p->eph_lo && s.dport <= p->eph_hi) ||
		    (p->mode == MODE_LISTEN && s.dport == p->sport);
	if (!ours)
		p->outside++;
	if (p->got || !addr_eq(&s.dst, &p->src) || s.dport != p->sport)
		return;
	if (p->mode == MODE_CONNECT && s.sport == p->dport && addr_eq(&s.src, &p->dst) &&
	    (s.flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && s.ack == p->isn + 1) {
		p->got = true;
		p->awaited = s;
		seg_line("SYNACK", &s);
	} else if (p->mode == MODE_LISTEN && (s.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		p->got = true;
		p->awaited = s;
		seg_line("SYN", &s);
	}
}

/* Run the loop until stop, the awaited segment (if until_got) or the deadline. */
static int run(struct probe *p, uint64_t deadline, bool until_got)
{
	int fds[TCP_LINK_MAX_FDS];
	int nfd = p->link->ops->fds(p->link, fds, TCP_LINK_MAX_FDS);
	struct pollfd pfd[TCP_LINK_MAX_FDS];
	for (int i = 0; i < nfd; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	while (!stop && !(until_got && p->got)) {
		uint64_t t = now_ms();
		if (deadline && t >= deadline)
			break;
		struct timespec ts, *tsp = NULL;
		if (deadline) {
			uint64_t ms = deadline - t;
			ts = (struct timespec){ .tv_sec = (time_t)(ms / 1000),
						.tv_nsec = (long)(ms % 1000) * 1000000 };
			tsp = &ts;
		}
		int n = ppoll(pfd, (nfds_t)nfd, tsp, &wait_mask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("linkprobe: ppoll");
			return -1;
		}
		for (int i = 0; i < nfd; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			int r = p->link->ops->poll_rx(p->link, pfd[i].fd, deliver, p, POLL_BATCH);
			if (r < 0) {
				fprintf(stderr, "linkprobe: poll_rx: %s\n", strerror(-r));
				return -1;
			}
		}
	}
	return 0;
}

static int send_seg(struct probe *p, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		    const char *tag)
{
	uint8_t pkt[80];
	size_t len = build(pkt, &p->src, &p->dst, p->sport, p->dport, seq, ack, flags, win);
	int r = tcp_link_send(p->link, pkt, len);
	if (r < 0) {
		fprintf(stderr, "linkprobe: send %s: %s\n", tag, strerror(-r));
		return -1;
	}
	struct seg s;
	parse(pkt, len, &s);
	seg_line(tag, &s);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: linkprobe [--link raw|tun] [--tun NAME] [--tun-up] [--mtu N]\n"
		"                 [--mode connect|listen|guard] --src ADDR --sport N\n"
		"                 [--dst ADDR --dport N] [--ephemeral LO-HI] [--family 4|6]\n"
		"                 [--no-guard] [--no-owner] [--v6-cmsg] [--scope IFNAME]\n"
		"                 [--timeout MS] [--linger MS] [--rst] [--hold]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "tun", required_argument, NULL, 'T' },
		{ "tun-up", no_argument, NULL, 'U' },
		{ "mtu", required_argument, NULL, 'M' },
		{ "mode", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "sport", required_argument, NULL, 'p' },
		{ "dst", required_argument, NULL, 'd' },
		{ "dport", required_argument, NULL, 'P' },
		{ "ephemeral", required_argument, NULL, 'e' },
		{ "family", required_argument, NULL, 'f' },
		{ "no-guard", no_argument, NULL, 'G' },
		{ "no-owner", no_argument, NULL, 'O' },
		{ "v6-cmsg", no_argument, NULL, 'C' },
		{ "scope", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "linger", required_argument, NULL, 'L' },
		{ "rst", no_argument, NULL, 'R' },
		{ "hold", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe p = { .mode = MODE_CONNECT, .eph_lo = 61000, .eph_hi = 65535 };
	struct tcp_link_raw_opts ro = { 0 };
	struct tcp_link_tun_opts to = { 0 };
	const char *link = "raw", *tun = NULL, *scope = NULL;
	unsigned timeout = 5000, linger = 0, family = 0;
	bool rst = false, hold = false;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': link = optarg; break;
		case 'T': tun = optarg; break;
		case 'U': to.up = true; break;
		case 'M': ro.mtu = to.mtu = (unsigned)atoi(optarg); break;
		case 'm':
			if (!strcmp(optarg, "connect"))
				p.mode = MODE_CONNECT;
			else if (!strcmp(optarg, "listen"))
				p.mode = MODE_LISTEN;
			else if (!strcmp(optarg, "guard"))
				p.mode = MODE_GUARD;
			else
				usage();
			break;
		case 's': if (!parse_addr(optarg, &p.src)) usage(); break;
		case 'p': p.sport = (uint16_t)atoi(optarg); break;
		case 'd': if (!parse_addr(optarg, &p.dst)) usage(); break;
		case 'P': p.dport = (uint16_t)atoi(optarg); break;
		case 'e': {
			unsigned lo, hi;
			if (sscanf(optarg, "%u-%u", &lo, &hi) != 2 || lo > hi || hi > 65535)
				usage();
			p.eph_lo = (uint16_t)lo;
			p.eph_hi = (uint16_t)hi;
			break;
		}
		case 'f': family = (unsigned)atoi(optarg); break;
		case 'G': ro.no_guard = true; break;
		case 'O': ro.guard_no_owner = true; break;
		case 'C': ro.v6_no_hdrincl = true; break;
		case 'S': scope = optarg; break;
		case 't': timeout = (unsigned)atoi(optarg); break;
		case 'L': linger = (unsigned)atoi(optarg); break;
		case 'R': rst = true; break;
		case 'H': hold = true; break;
		default: usage();
		}
	}
	if (p.mode != MODE_GUARD && (!p.src.af || !p.sport))
		usage();
	if (p.mode == MODE_CONNECT && (!p.dst.af || !p.dport || p.dst.af != p.src.af))
		usage();

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);

	char err[512] = "";
	int r;
	if (!strcmp(link, "raw")) {
		if (family == 4 || p.src.af == AF_INET)
			ro.families = TCP_LINK_RAW_V4;
		else if (family == 6 || p.src.af == AF_INET6)
			ro.families = TCP_LINK_RAW_V6;
		ro.port_lo = p.eph_lo;
		ro.port_hi = p.eph_hi;
		r = tcp_link_raw_open(&ro, &p.link, err, sizeof(err));
	} else if (!strcmp(link, "tun") && tun) {
		r = tcp_link_tun_open(tun, &to, &p.link, err, sizeof(err));
	} else {
		usage();
	}
	if (r < 0) {
		fprintf(stderr, "linkprobe: %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	struct tcp_guard *g = tcp_link_raw_guard(p.link);
	if (scope && p.dst.af == AF_INET6) {
		unsigned idx = if_nametoindex(scope);
		if (!idx || tcp_link_raw_set_scope(p.link, p.dst.a, idx) < 0) {
			fprintf(stderr, "linkprobe: --scope %s: cannot use it\n", scope);
			tcp_link_close(p.link);
			return 1;
		}
	}
	if (p.mode == MODE_LISTEN) {
		r = p.link->ops->claim_port(p.link, p.sport);
		if (r < 0) {
			const char *why = tcp_link_raw_error(p.link);
			fprintf(stderr, "linkprobe: claim_port %u: %s\n", p.sport,
				why[0] ? why : strerror(-r));
			tcp_link_close(p.link);
			return 1;
		}
	}
	printf("READY link=%s mtu=%u guard=%s owned=%d v6hdrincl=%d%s%s\n", p.link->ops->name,
	       p.link->ops->mtu(p.link), g ? tcp_guard_table(g) : "none",
	       g ? tcp_guard_owned(g) : 0, tcp_link_raw_v6_hdrincl(p.link),
	       tun ? " dev=" : "", tun ? tcp_link_tun_name(p.link) : "");
	fflush(stdout);

	int rc = 0;
	if (p.mode != MODE_GUARD) {
		if (p.mode == MODE_CONNECT) {
			if (getrandom(&p.isn, sizeof(p.isn), 0) != sizeof(p.isn))
				p.isn = (uint32_t)now_ms();
			if (send_seg(&p, p.isn, 0, TH_SYN, 65535, "SENT-SYN") < 0) {
				rc = 1;
				goto out;
			}
		}
		if (run(&p, now_ms() + timeout, true) < 0) {
			rc = 1;
			goto out;
		}
		if (!p.got) {
			fprintf(stderr, "linkprobe: timed out after %u ms\n", timeout);
			rc = 2;
			goto out;
		}
		if (linger && run(&p, now_ms() + linger, false) < 0) {
			rc = 1;
			goto out;
		}
		if (rst) {
			/* RFC 9293 §3.10.7.1: to a SYN-ACK, RST with seq = its ACK;
			 * to a SYN, RST+ACK acknowledging it. */
			if (p.mode == MODE_CONNECT) {
				p.dport = p.awaited.sport;
				r = send_seg(&p, p.awaited.ack, 0, TH_RST, PROBE_RST_WINDOW, "SENT-RST");
			} else {
				p.dst = p.awaited.src;
				p.dport = p.awaited.sport;
				r = send_seg(&p, 0, p.awaited.seq + 1, TH_RST | TH_ACK,
					     PROBE_RST_WINDOW, "SENT-RST");
			}
			if (r < 0) {
				rc = 1;
				goto out;
			}
		}
	}
	if (hold && run(&p, 0, false) < 0)
		rc = 1;
out:;
	uint64_t dropped = 0;
	if (g)
		tcp_guard_dropped(g, &dropped);
	const struct tcp_link_stats *st = &p.link->stats;
	printf("STATS rx=%" PRIu64 " rxerr=%" PRIu64 " tx=%" PRIu64 " txerr=%" PRIu64
	       " outside=%" PRIu64 " guard_dropped=%" PRIu64 "\n",
	       st->rx_packets, st->rx_errors, st->tx_packets, st->tx_errors, p.outside, dropped);
	fflush(stdout);
	if (p.mode == MODE_LISTEN)
		p.link->ops->release_port(p.link, p.sport);
	tcp_link_close(p.link);
	return rc;
}
