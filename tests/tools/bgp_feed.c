/*
 * tests/tools/bgp_feed.c — a scripted BGP speaker on kernel sockets: the source
 * and the receiving end of the full-table benchmark (tests/bench/bgp.sh) and of
 * soak tests. It is the test harness, not bgpd: it uses bgpd's codec (OPEN,
 * KEEPALIVE, UPDATE packing and decoding) and nothing else of it.
 *
 *   bgp_feed feed  (--connect ADDR | --listen ADDR) [options]
 *       Build a table in memory first (so generation is never measured), then
 *       open the session, send the table, End-of-RIB, and keep the session up
 *       with KEEPALIVEs until killed. The table is synthetic (--n prefixes with
 *       today's shape, deterministic from --seed) or, with --mrt FILE, the
 *       UPDATEs of an MRT (RFC 6396) BGP4MP dump replayed in order with our
 *       next hop and our AS prepended.
 *   bgp_feed churn ...
 *       feed, then announce and withdraw --rate prefixes per second (whole
 *       UPDATE groups of the table, toggled at random), counters every
 *       --interval seconds.
 *   bgp_feed sink  (--connect ADDR | --listen ADDR) [--expect N]
 *       Open the session, decode every UPDATE, keep the set of prefixes
 *       currently announced; say when the set first holds --expect prefixes and
 *       when End-of-RIB arrives; keep the session until killed.
 *
 * Output: one JSON object per line on stdout, each with "event" and "t" (seconds
 * of CLOCK_MONOTONIC, comparable between processes on the machine, namespaces
 * included). Events: built, connected, established, first_update, table_sent,
 * eor_sent, expect_reached, eor, stats, churn, route_refresh, notification,
 * exit. Errors go to stderr, exit status 1.
 *
 * The harness never ends a session on its own hold timer: a DUT busy with a
 * full table is what is measured, not judged. It answers the DUT's OPEN as RFC
 * 4271 §6.2 asks and closes on any NOTIFICATION it gets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/aspath.h"
#include "bgpd/attr.h"
#include "bgpd/buf.h"
#include "bgpd/msg.h"
#include "bgpd/prefix.h"
#include "bgpd/update.h"

#define DEFAULT_N           1000000u
#define MAX_N               10000000u   /* the /24s of the unicast space are ~14M */
#define DEFAULT_HOLD        180         /* s; loose: the DUT may be busy a while */
#define HOLD_MIN            3           /* RFC 4271 §4.2: 0 or at least 3 s */
#define KEEPALIVE_DIVISOR   3           /* RFC 4271 §10: one third of the hold time */
#define DEFAULT_CONNECT_S   60.0
#define CONNECT_RETRY_NS    200000000L
#define CONNECT_TRY_S       2           /* one attempt, if SYNs go unanswered */
#define RBUF_SIZE           (1u << 20)  /* > BGP_EXT_MAX_LEN: a whole message always fits */
#define WRITE_CHUNK         (1u << 20)
#define QUEUE_BEHIND_MAX    (4u << 20)  /* churn output not yet taken by the kernel */
#define CHURN_TICK_S        0.1
#define CHURN_DOWN_S        5.0         /* a withdrawn group comes back after this */
#define CHURN_PICK_TRIES    8
#define DEFAULT_CHURN_INTERVAL 1.0
#define NS_PER_S            1e9
#define PERMILLE            1000u
#define SHUTDOWN_TEXT       "bgp_feed stopping"
#define DESCRIBE_MAX        512

/* ======================================================================
 * Output
 * ====================================================================== */

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / NS_PER_S;
}

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bgp_feed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define EVENT_MAX 1024

/* One event line: {"event":NAME,"t":WHEN[,REST]}; REST from fmt, left out
 * when it comes out empty. */
__attribute__((format(printf, 3, 4)))
static void emit_at(double when, const char *event, const char *fmt, ...)
{
	char rest[EVENT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	printf("{\"event\":\"%s\",\"t\":%.6f%s%s}\n", event, when, rest[0] ? "," : "", rest);
}

#define emit(event, ...) emit_at(mono_now(), (event), __VA_ARGS__)

/* A JSON string body: quotes, backslashes and control characters escaped. */
static void json_escape(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/* ======================================================================
 * Deterministic randomness (splitmix64: small, fast, good enough here)
 * ====================================================================== */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((unsigned __int128)rng_next(s) * n) >> 64);
}

static bool rng_permille(uint64_t *s, unsigned pm)
{
	return rng_below(s, PERMILLE) < pm;
}

/* A value drawn with a weight in per mille; a table's weights sum to 1000. */
struct wchoice {
	unsigned value;
	unsigned permille;
};

static unsigned pick(uint64_t *s, const struct wchoice *t, size_t n)
{
	unsigned r = rng_below(s, PERMILLE);

	for (size_t i = 0; i < n; i++) {
		if (r < t[i].permille)
			return t[i].value;
		r -= t[i].permille;
	}
	return t[n - 1].value;
}

#define PICK(s, table) pick((s), (table), sizeof(table) / sizeof((table)[0]))

/* ======================================================================
 * A set of prefixes: open addressing, linear probing, backward-shift delete
 * ====================================================================== */

struct pfx_set {
	struct bgp_prefix *slot;    /* af 0: empty */
	size_t mask;                /* capacity - 1, capacity a power of two */
	size_t count;
};

#define PFX_SET_MIN 1024u

static uint64_t pfx_hash(const struct bgp_prefix *p)
{
	uint64_t a, b, h;

	memcpy(&a, p->addr, sizeof(a));
	memcpy(&b, p->addr + sizeof(a), sizeof(b));
	h = a * 0x9e3779b97f4a7c15u ^ (b + ((uint64_t)p->af << 8 | p->len)) * 0xc2b2ae3d27d4eb4fu;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9u;
	return h ^ (h >> 32);
}

static void pfx_set_init(struct pfx_set *s, size_t expect)
{
	size_t cap = PFX_SET_MIN;

	while (cap < 2 * expect)
		cap <<= 1;
	s->slot = calloc(cap, sizeof(*s->slot));
	if (!s->slot)
		die("out of memory (prefix set of %zu)", cap);
	s->mask = cap - 1;
	s->count = 0;
}

static void pfx_set_free(struct pfx_set *s)
{
	free(s->slot);
	s->slot = NULL;
}

/* Where p is, or the empty slot where it would go. */
static size_t pfx_set_find(const struct pfx_set *s, const struct bgp_prefix *p)
{
	size_t i = pfx_hash(p) & s->mask;

	while (s->slot[i].af != 0 && !bgp_prefix_eq(&s->slot[i], p))
		i = (i + 1) & s->mask;
	return i;
}

static void pfx_set_grow(struct pfx_set *s)
{
	struct pfx_set n;

	pfx_set_init(&n, s->mask + 1);
	for (size_t i = 0; i <= s->mask; i++)
		if (s->slot[i].af != 0)
			n.slot[pfx_set_find(&n, &s->slot[i])] = s->slot[i];
	n.count = s->count;
	free(s->slot);
	*s = n;
}

/* true when p was not there. */
static bool pfx_set_add(struct pfx_set *s, const struct bgp_prefix *p)
{
	size_t i;

	if (2 * (s->count + 1) > s->mask + 1)
		pfx_set_grow(s);
	i = pfx_set_find(s, p);
	if (s->slot[i].af != 0)
		return false;
	s->slot[i] = *p;
	s->count++;
	return true;
}

/* true when p was there. The entries after it move back so that every entry
 * stays reachable from its home slot without tombstones. */
static bool pfx_set_del(struct pfx_set *s, const struct bgp_prefix *p)
{
	size_t i = pfx_set_find(s, p), j = i;

	if (s->slot[i].af == 0)
		return false;
	for (;;) {
		size_t home;

		j = (j + 1) & s->mask;
		if (s->slot[j].af == 0)
			break;
		home = pfx_hash(&s->slot[j]) & s->mask;
		/* Entry j may fill the hole at i unless its home lies in (i, j]. */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i].af = 0;
	s->count--;
	return true;
}

/* ======================================================================
 * Options
 * ====================================================================== */

enum mode { MODE_FEED, MODE_CHURN, MODE_SINK };

struct opts {
	enum mode mode;
	const char *connect_to, *listen_on, *bind_to, *mrt;
	uint16_t port;
	uint32_t local_as, peer_as;
	uint32_t router_id, next_hop;   /* host byte order; 0: from the addresses */
	uint16_t hold;
	uint64_t seed, expect;
	uint32_t n;
	double rate, interval, connect_timeout;
	bool ipv6;                      /* also advertise IPv6 unicast (RFC 4760) */
	bool dry_run;
};

static void usage(FILE *f)
{
	fputs("usage: bgp_feed feed|churn|sink (--connect ADDR | --listen ADDR) [options]\n"
	      "  --connect ADDR      connect to ADDR (retrying up to --connect-timeout s)\n"
	      "  --listen ADDR       accept one connection on ADDR\n"
	      "  --bind ADDR         local address when connecting\n"
	      "  --port N            TCP port (179)\n"
	      "  --local-as N        our AS (65001)\n"
	      "  --peer-as N         the AS the peer must have (any)\n"
	      "  --router-id A       our BGP identifier (the local or next-hop address)\n"
	      "  --hold S            hold time we offer (180)\n"
	      "  --no-ipv6           advertise IPv4 unicast only\n"
	      "feed/churn:\n"
	      "  --n N               synthetic IPv4 prefixes (1000000)\n"
	      "  --seed N            seed of the synthetic table (1)\n"
	      "  --mrt FILE          replay an MRT BGP4MP dump (.gz through zcat) instead\n"
	      "  --next-hop A        NEXT_HOP of our routes (the --bind or --listen address)\n"
	      "  --dry-run           build the table, print it as \"built\", exit\n"
	      "churn:\n"
	      "  --rate R            prefixes announced or withdrawn per second (1000)\n"
	      "sink:\n"
	      "  --expect N          report when N prefixes are held\n"
	      "all:\n"
	      "  --interval S        counters every S seconds (churn: 1; others: off)\n"
	      "  --connect-timeout S (60)\n", f);
}

static uint64_t parse_u64(const char *what, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max)
		die("bad %s: %s", what, s);
	return v;
}

static double parse_secs(const char *what, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0))
		die("bad %s: %s", what, s);
	return v;
}

static uint32_t parse_v4(const char *what, const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad %s (an IPv4 address): %s", what, s);
	return ntohl(a.s_addr);
}

/* The IPv4 address among the ones given (for next hop and identifier). */
static uint32_t local_v4(const struct opts *o)
{
	struct in_addr a;
	const char *s = o->bind_to ? o->bind_to : o->listen_on;

	if (s && inet_pton(AF_INET, s, &a) == 1)
		return ntohl(a.s_addr);
	return 0;
}

enum {
	OPT_CONNECT = 256, OPT_LISTEN, OPT_BIND, OPT_PORT, OPT_LOCAL_AS, OPT_PEER_AS,
	OPT_ROUTER_ID, OPT_HOLD, OPT_NO_IPV6, OPT_N, OPT_SEED, OPT_MRT, OPT_NEXT_HOP,
	OPT_DRY_RUN, OPT_RATE, OPT_EXPECT, OPT_INTERVAL, OPT_CONNECT_TIMEOUT,
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "connect", required_argument, NULL, OPT_CONNECT },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "bind", required_argument, NULL, OPT_BIND },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "local-as", required_argument, NULL, OPT_LOCAL_AS },
		{ "peer-as", required_argument, NULL, OPT_PEER_AS },
		{ "router-id", required_argument, NULL, OPT_ROUTER_ID },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "no-ipv6", no_argument, NULL, OPT_NO_IPV6 },
		{ "n", required_argument, NULL, OPT_N },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "mrt", required_argument, NULL, OPT_MRT },
		{ "next-hop", required_argument, NULL, OPT_NEXT_HOP },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	bool interval_set = false;

	memset(o, 0, sizeof(*o));
	o->port = BGP_PORT;
	o->local_as = 65001;
	o->hold = DEFAULT_HOLD;
	o->n = DEFAULT_N;
	o->seed = 1;
	o->rate = 1000;
	o->connect_timeout = DEFAULT_CONNECT_S;
	o->ipv6 = true;
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		exit(argc < 2);
	}
	if (strcmp(argv[1], "feed") == 0)
		o->mode = MODE_FEED;
	else if (strcmp(argv[1], "churn") == 0)
		o->mode = MODE_CHURN;
	else if (strcmp(argv[1], "sink") == 0)
		o->mode = MODE_SINK;
	else
		die("unknown mode %s (feed, churn or sink)", argv[1]);
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case OPT_CONNECT: o->connect_to = optarg; break;
		case OPT_LISTEN: o->listen_on = optarg; break;
		case OPT_BIND: o->bind_to = optarg; break;
		case OPT_PORT: o->port = (uint16_t)parse_u64("port", optarg, UINT16_MAX); break;
		case OPT_LOCAL_AS: o->local_as = (uint32_t)parse_u64("AS", optarg, UINT32_MAX); break;
		case OPT_PEER_AS: o->peer_as = (uint32_t)parse_u64("AS", optarg, UINT32_MAX); break;
		case OPT_ROUTER_ID: o->router_id = parse_v4("router id", optarg); break;
		case OPT_HOLD: o->hold = (uint16_t)parse_u64("hold time", optarg, UINT16_MAX); break;
		case OPT_NO_IPV6: o->ipv6 = false; break;
		case OPT_N: o->n = (uint32_t)parse_u64("prefix count", optarg, MAX_N); break;
		case OPT_SEED: o->seed = parse_u64("seed", optarg, UINT64_MAX); break;
		case OPT_MRT: o->mrt = optarg; break;
		case OPT_NEXT_HOP: o->next_hop = parse_v4("next hop", optarg); break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_RATE: o->rate = parse_secs("rate", optarg); break;
		case OPT_EXPECT: o->expect = parse_u64("expect", optarg, UINT64_MAX); break;
		case OPT_INTERVAL: o->interval = parse_secs("interval", optarg); interval_set = true; break;
		case OPT_CONNECT_TIMEOUT: o->connect_timeout = parse_secs("timeout", optarg); break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(1);
		}
	}
	if (optind != argc)
		die("unexpected argument %s", argv[optind]);
	if (!o->dry_run && !o->connect_to == !o->listen_on)
		die("give exactly one of --connect and --listen");
	if (o->n == 0)
		die("--n must be at least 1");
	if (o->hold != 0 && o->hold < HOLD_MIN)
		die("hold time must be 0 or at least %d (RFC 4271 4.2)", HOLD_MIN);
	if (o->local_as == 0 || o->local_as == BGP_AS_TRANS)
		die("local AS must not be 0 or AS_TRANS (RFC 6793, RFC 7607)");
	if (o->next_hop == 0)
		o->next_hop = local_v4(o);
	if (o->router_id == 0)
		o->router_id = local_v4(o) ? local_v4(o) : o->next_hop;
	if (o->mode != MODE_SINK && (o->next_hop == 0 || !bgp_addr4_is_host(o->next_hop)))
		die("feed needs an IPv4 next hop: --next-hop, or an IPv4 --bind / --listen");
	if (!o->dry_run && o->router_id == 0)
		die("no BGP identifier: give --router-id");
	if (o->mode == MODE_CHURN && !interval_set)
		o->interval = DEFAULT_CHURN_INTERVAL;
}

/* ======================================================================
 * The table: every UPDATE to send, back to back, as it goes on the wire
 * ====================================================================== */

/* One UPDATE announcing prefixes that share an attribute set. */
struct group {
	size_t msg_off;
	uint32_t msg_len;
	uint32_t pfx_first;         /* into table.pfx */
	uint32_t n_pfx;
};

struct table {
	uint8_t *msgs;
	size_t len, cap;
	size_t n_msgs;
	struct bgp_prefix *pfx;     /* announced prefixes, group after group */
	size_t n_pfx, pfx_cap;
	struct group *grp;
	size_t n_grp, grp_cap;
	struct pfx_set live;        /* what the stream leaves announced */
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 1024;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	p = realloc(p, c * elem);
	if (!p)
		die("out of memory (%zu x %zu)", c, elem);
	*cap = c;
	return p;
}

/* The session the table is encoded for: 4-octet ASes (checked at OPEN time),
 * external peer, IPv4 unicast, 4096-octet messages. */
static void table_ctx(struct bgp_update_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->attr.as4 = true;
	ctx->attr.peer = BGP_PEER_EBGP;
	ctx->n_families = 1;
	ctx->families[0] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
}

/* Append UPDATEs announcing p[0..n) with a; one group each. -1 when the
 * attributes leave no room for a prefix. */
static int table_announce(struct table *t, const struct bgp_update_ctx *ctx,
                          const struct bgp_attrs *a, const struct bgp_prefix *p, size_t n)
{
	struct bgp_update_spec spec = {
		.af = { BGP_AFI_IPV4, BGP_SAFI_UNICAST }, .attrs = a, .nlri = p, .n_nlri = n,
	};

	while (spec.n_nlri > 0) {
		size_t nw, nn;
		int len;

		t->msgs = grow(t->msgs, &t->cap, t->len + BGP_MAX_LEN, 1);
		len = bgp_update_pack(ctx, &spec, t->msgs + t->len, BGP_MAX_LEN, &nw, &nn);
		if (len < 0)
			return -1;
		t->grp = grow(t->grp, &t->grp_cap, t->n_grp + 1, sizeof(*t->grp));
		t->grp[t->n_grp++] = (struct group){ t->len, (uint32_t)len, (uint32_t)t->n_pfx,
		                                     (uint32_t)nn };
		t->pfx = grow(t->pfx, &t->pfx_cap, t->n_pfx + nn, sizeof(*t->pfx));
		memcpy(t->pfx + t->n_pfx, spec.nlri, nn * sizeof(*t->pfx));
		for (size_t i = 0; i < nn; i++)
			pfx_set_add(&t->live, &spec.nlri[i]);
		t->n_pfx += nn;
		t->len += (size_t)len;
		t->n_msgs++;
		spec.nlri += nn;
		spec.n_nlri -= nn;
	}
	return 0;
}

static void table_withdraw(struct table *t, const struct bgp_update_ctx *ctx,
                           const struct bgp_prefix *p, size_t n)
{
	struct bgp_update_spec spec = {
		.af = { BGP_AFI_IPV4, BGP_SAFI_UNICAST }, .withdrawn = p, .n_withdrawn = n,
	};

	while (spec.n_withdrawn > 0) {
		size_t nw, nn;
		int len;

		t->msgs = grow(t->msgs, &t->cap, t->len + BGP_MAX_LEN, 1);
		len = bgp_update_pack(ctx, &spec, t->msgs + t->len, BGP_MAX_LEN, &nw, &nn);
		if (len < 0)
			die("cannot pack a withdrawal");
		for (size_t i = 0; i < nw; i++)
			pfx_set_del(&t->live, &spec.withdrawn[i]);
		t->len += (size_t)len;
		t->n_msgs++;
		spec.withdrawn += nw;
		spec.n_withdrawn -= nw;
	}
}

/* Distinct attribute sets among the groups: the Path Attributes field of each
 * announcing UPDATE, hashed (FNV-1a), sorted, counted. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define UPD_ATTRLEN_OFF (BGP_HEADER_LEN + 2)    /* after an empty Withdrawn Routes */

static size_t table_attr_sets(const struct table *t)
{
	uint64_t *h = malloc((t->n_grp + 1) * sizeof(*h));
	size_t distinct = 0;

	if (!h)
		die("out of memory");
	for (size_t g = 0; g < t->n_grp; g++) {
		const uint8_t *m = t->msgs + t->grp[g].msg_off;
		size_t alen = (size_t)m[UPD_ATTRLEN_OFF] << 8 | m[UPD_ATTRLEN_OFF + 1];
		uint64_t x = 0xcbf29ce484222325u;

		for (size_t i = 0; i < alen; i++)
			x = (x ^ m[UPD_ATTRLEN_OFF + 2 + i]) * 0x100000001b3u;
		h[g] = x;
	}
	qsort(h, t->n_grp, sizeof(*h), cmp_u64);
	for (size_t g = 0; g < t->n_grp; g++)
		distinct += g == 0 || h[g] != h[g - 1];
	free(h);
	return distinct;
}

/* ======================================================================
 * The synthetic table: today's shape (/work/shared/data/README.md, RouteViews)
 * ====================================================================== */

/* Prefix lengths: /24 63.6 %, /23 10.4 %, /22 10.5 %, /21 5.0 %, /20 4.3 %; the
 * remaining 6.2 % spread over /19../13 as in today's table. */
static const struct wchoice len_mix[] = {
	{ 24, 636 }, { 23, 104 }, { 22, 105 }, { 21, 50 }, { 20, 43 }, { 19, 26 },
	{ 18, 14 }, { 17, 8 }, { 16, 10 }, { 15, 2 }, { 14, 1 }, { 13, 1 },
};
/* AS_PATH lengths 2..7 (2: 9 %, 3: 32 %, 4: 30 %, 5: 15 %, 6: 8 %, 7: 3 %; the
 * longer tail folded into 7), our own AS included. */
static const struct wchoice path_mix[] = {
	{ 2, 90 }, { 3, 320 }, { 4, 300 }, { 5, 150 }, { 6, 80 }, { 7, 60 },
};
/* Prefixes per attribute set, so per UPDATE: mean 2.44, i.e. distinct sets are
 * ~41 % of the prefixes. */
static const struct wchoice group_mix[] = {
	{ 1, 500 }, { 2, 200 }, { 3, 100 }, { 4, 70 }, { 5, 40 }, { 6, 30 }, { 7, 20 },
	{ 8, 10 }, { 12, 30 },
};
static const struct wchoice origin_mix[] = {
	{ BGP_ORIGIN_IGP, 880 }, { BGP_ORIGIN_INCOMPLETE, 100 }, { BGP_ORIGIN_EGP, 20 },
};

#define GROUP_MAX           12
#define PATH_MAX_LEN        7
#define PREPEND_PERMILLE    190     /* paths with the origin prepended */
#define PREPEND_MAX         3
#define COMM_PERMILLE       700     /* sets with communities */
#define COMM_MAX            10      /* 1..10: mean 5.5 */
#define COMM_LOW_STEP       1000
#define LARGE_PERMILLE      70      /* sets with large communities */
#define LARGE_MAX           3
#define MED_PERMILLE        250
#define MED_MAX             1000
#define PREFIX_TRIES        16      /* then fall back to a /24: short lengths fill up */
#define FALLBACK_LEN        24

/* ASNs: public ranges only (never 64496-131071 or above 4199999999), so the
 * private ASes a lab uses never appear in a path. */
#define ORIGIN_POOL         75000u  /* ~ ASes originating prefixes today */
#define ORIGIN_AS2_POOL     60000u  /* of which 2-octet; the rest 4-octet */
#define AS4_BASE            131072u /* first 4-octet public ASN (RFC 6793 era) */
#define AS4_STRIDE          7u
#define TRANSIT_POOL        2000u
#define TRANSIT_BASE        100u
#define TRANSIT_STRIDE      13u

static uint32_t origin_asn(uint32_t i)
{
	uint32_t as = 1 + i;

	if (i >= ORIGIN_AS2_POOL)
		return AS4_BASE + (i - ORIGIN_AS2_POOL) * AS4_STRIDE;
	return as >= BGP_AS_TRANS ? as + 1 : as;    /* never AS_TRANS (RFC 6793 §9) */
}

/* Transit ASes: a few carry most paths (the cube skews towards small indexes). */
static uint32_t transit_asn(uint64_t *rng)
{
	double u = (double)rng_below(rng, UINT32_MAX) / UINT32_MAX;

	return TRANSIT_BASE + (uint32_t)(TRANSIT_POOL * u * u * u) * TRANSIT_STRIDE;
}

struct gen_buf {
	uint8_t path[BGP_AS_SEG_HDR_LEN + PATH_MAX_LEN * BGP_AS4_SIZE];
	uint8_t comm[COMM_MAX * BGP_COMMUNITY_LEN];
	uint8_t large[LARGE_MAX * BGP_LARGE_COMMUNITY_LEN];
};

static void gen_path(uint64_t *rng, uint32_t local_as, struct gen_buf *b, struct bgp_attrs *a,
                     uint32_t *first_transit)
{
	unsigned len = PICK(rng, path_mix), prepend = 0, i;
	uint32_t asns[PATH_MAX_LEN], origin = origin_asn(rng_below(rng, ORIGIN_POOL));
	struct bgp_wr w = bgp_wr_init(b->path, sizeof(b->path));

	if (len >= 3 && rng_permille(rng, PREPEND_PERMILLE)) {
		unsigned room = len - 2 < PREPEND_MAX ? len - 2 : PREPEND_MAX;

		prepend = 1 + rng_below(rng, room);
	}
	asns[0] = local_as;     /* RFC 4271 §5.1.2: an external speaker's path starts with it */
	for (i = 1; i + 1 + prepend < len; i++) {
		uint32_t t = transit_asn(rng);

		for (unsigned k = 0; k < 4 && (t == asns[i - 1] || t == origin); k++)
			t = transit_asn(rng);
		asns[i] = t;
	}
	for (; i < len; i++)
		asns[i] = origin;
	*first_transit = len > 2 + prepend ? asns[1] : origin;
	bgp_wr_u8(&w, BGP_AS_SEQUENCE);
	bgp_wr_u8(&w, (uint8_t)len);
	for (i = 0; i < len; i++)
		bgp_wr_u32(&w, asns[i]);
	a->aspath = bgp_aspath_view(b->path, w.len, BGP_AS4_SIZE);
	a->present |= BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
}

/* RFC 1997 communities tagged by a transit AS (sorted, distinct), and RFC 8092
 * large communities of the origin. */
static void gen_communities(uint64_t *rng, uint32_t tag_as, uint32_t origin,
                            struct gen_buf *b, struct bgp_attrs *a)
{
	if (rng_permille(rng, COMM_PERMILLE)) {
		unsigned n = 1 + rng_below(rng, COMM_MAX);
		uint32_t high = tag_as <= BGP_AS2_MAX ? tag_as : TRANSIT_BASE, low = 0;
		struct bgp_wr w = bgp_wr_init(b->comm, sizeof(b->comm));

		for (unsigned i = 0; i < n; i++) {
			low += 1 + rng_below(rng, COMM_LOW_STEP);
			bgp_wr_u32(&w, high << 16 | (low & 0xffffu));
		}
		a->communities = (struct bgp_view){ b->comm, w.len };
		a->present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	}
	if (rng_permille(rng, LARGE_PERMILLE)) {
		unsigned n = 1 + rng_below(rng, LARGE_MAX);
		struct bgp_wr w = bgp_wr_init(b->large, sizeof(b->large));

		for (unsigned i = 0; i < n; i++) {
			bgp_wr_u32(&w, origin);
			bgp_wr_u32(&w, i + 1);
			bgp_wr_u32(&w, (uint32_t)rng_next(rng));
		}
		a->large_communities = (struct bgp_view){ b->large, w.len };
		a->present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
	}
}

static void gen_attrs(uint64_t *rng, const struct opts *o, struct gen_buf *b, struct bgp_attrs *a)
{
	uint32_t tag_as;

	memset(a, 0, sizeof(*a));
	a->origin = (uint8_t)PICK(rng, origin_mix);
	a->next_hop = o->next_hop;
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	gen_path(rng, o->local_as, b, a, &tag_as);
	if (rng_permille(rng, MED_PERMILLE)) {
		a->med = rng_below(rng, MED_MAX);
		a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	}
	gen_communities(rng, tag_as, bgp_aspath_origin(&a->aspath), b, a);
}

/* A unicast address outside 0/8, 10/8 (labs), 127/8 and 224/3. */
static uint32_t gen_addr(uint64_t *rng)
{
	for (;;) {
		uint32_t a = (uint32_t)rng_next(rng), first = a >> 24;

		if (first != 0 && first != 10 && first != 127 && first < 224)
			return a;
	}
}

/* A prefix not drawn before. */
static struct bgp_prefix gen_prefix(uint64_t *rng, struct pfx_set *seen)
{
	unsigned len = PICK(rng, len_mix);
	struct bgp_prefix p;

	for (unsigned tries = 0;; tries++) {
		uint32_t a = htonl(gen_addr(rng));

		if (tries >= PREFIX_TRIES)
			len = FALLBACK_LEN;
		bgp_prefix_set(&p, BGP_AFI_IPV4, &a, len);
		if (pfx_set_add(seen, &p))
			return p;
	}
}

static void table_synthetic(struct table *t, const struct opts *o)
{
	uint64_t rng = o->seed;
	struct bgp_update_ctx ctx;
	struct pfx_set seen;
	struct gen_buf b;
	struct bgp_attrs a;
	struct bgp_prefix grp[GROUP_MAX];
	size_t done = 0;

	table_ctx(&ctx);
	pfx_set_init(&seen, o->n);
	while (done < o->n) {
		size_t k = PICK(&rng, group_mix);

		if (k > o->n - done)
			k = o->n - done;
		gen_attrs(&rng, o, &b, &a);
		for (size_t i = 0; i < k; i++)
			grp[i] = gen_prefix(&rng, &seen);
		if (table_announce(t, &ctx, &a, grp, k) < 0)
			die("cannot pack a synthetic UPDATE");
		done += k;
	}
	pfx_set_free(&seen);
}

/* ======================================================================
 * MRT replay (RFC 6396): the UPDATEs of BGP4MP / BGP4MP_ET records
 * ====================================================================== */

#define MRT_HDR_LEN         12      /* timestamp, type, subtype, length: RFC 6396 §2 */
#define MRT_BGP4MP          16      /* RFC 6396 §4.4 */
#define MRT_BGP4MP_ET       17      /* RFC 6396 §3: + 4 octets of microseconds */
#define MRT_ET_USEC_LEN     4
#define MRT_IFINDEX_LEN     2
#define MRT_RECORD_MAX      (2u * BGP_EXT_MAX_LEN)  /* a BGP4MP record carries one message */
#define MRT_SKIP_CHUNK      4096u
#define MRT_MAX_NLRI        BGP_EXT_MAX_LEN         /* a /0 takes one octet */

/* BGP4MP subtypes carrying a message, RFC 6396 §4.4.2-§4.4.3, §4.4.6-§4.4.7. */
enum mrt_bgp4mp_sub {
	MRT_SUB_MESSAGE = 1,
	MRT_SUB_MESSAGE_AS4 = 4,
	MRT_SUB_MESSAGE_LOCAL = 6,
	MRT_SUB_MESSAGE_AS4_LOCAL = 7,
};

struct mrt_replay {
	struct bgp_update_ctx in2, in4;     /* decoding: 2- and 4-octet AS records */
	struct bgp_update_ctx out;          /* encoding for our session */
	struct bgp_update *u;
	struct bgp_prefix *ann, *wd;        /* MRT_MAX_NLRI each */
	uint8_t path[BGP_ASPATH_PREPEND_SIZE(BGP_ATTR_PATH_SCRATCH, 1)];
	uint64_t records, updates, v6_skipped, malformed, unpackable, as_withdraw;
	bool truncated;                     /* the dump ended inside a record */
};

static void mrt_init(struct mrt_replay *m)
{
	static const struct bgp_afisafi fams[] = {
		{ BGP_AFI_IPV4, BGP_SAFI_UNICAST }, { BGP_AFI_IPV6, BGP_SAFI_UNICAST },
	};

	memset(&m->in2, 0, sizeof(m->in2));
	m->in2.attr.peer = BGP_PEER_EBGP;
	m->in2.ext_msg = true;              /* accept whatever length was recorded */
	m->in2.n_families = 2;
	memcpy(m->in2.families, fams, sizeof(fams));
	m->in4 = m->in2;
	m->in4.attr.as4 = true;
	table_ctx(&m->out);
	m->u = calloc(1, sizeof(*m->u));
	m->ann = calloc(MRT_MAX_NLRI, sizeof(*m->ann));
	m->wd = calloc(MRT_MAX_NLRI, sizeof(*m->wd));
	if (!m->u || !m->ann || !m->wd)
		die("out of memory");
}

static void mrt_free(struct mrt_replay *m)
{
	free(m->u);
	free(m->ann);
	free(m->wd);
}

/* Collect the IPv4 unicast prefixes of runs; others are counted as skipped. */
static size_t mrt_collect(struct mrt_replay *m, const struct bgp_nlri *runs, unsigned n_runs,
                          struct bgp_prefix *out)
{
	size_t n = 0;

	for (unsigned r = 0; r < n_runs; r++) {
		struct bgp_nlri_iter it;
		struct bgp_prefix p;

		if (runs[r].af.afi != BGP_AFI_IPV4 || runs[r].af.safi != BGP_SAFI_UNICAST) {
			m->v6_skipped += runs[r].count;
			continue;
		}
		bgp_nlri_iter_init(&it, &runs[r]);
		while (n < MRT_MAX_NLRI && bgp_nlri_next(&it, &p))
			out[n++] = p;
	}
	return n;
}

/* One recorded UPDATE, as our speaker would pass it on to an external peer:
 * our AS prepended (RFC 4271 §5.1.2), our address as NEXT_HOP (§5.1.3), what
 * the decoder keeps of an external peer's attributes otherwise. */
static void mrt_update(struct mrt_replay *m, struct table *t, const struct opts *o,
                       const uint8_t *msg, size_t len, bool as4)
{
	struct bgp_update *u = m->u;
	size_t n_wd, n_ann;

	if (bgp_update_decode(as4 ? &m->in4 : &m->in2, msg, len, u) < 0) {
		m->malformed++;
		return;
	}
	m->updates++;
	if (u->out.action == BGP_UPD_WITHDRAW) {    /* RFC 7606 §2: replayed as what it means */
		m->as_withdraw++;
		if (getenv("BGP_FEED_DEBUG"))
			fprintf(stderr, "treat-as-withdraw: %s\n", u->out.reason);
	}
	n_wd = mrt_collect(m, u->unreach, u->n_unreach, m->wd);
	n_ann = mrt_collect(m, u->reach, u->n_reach, m->ann);
	if (n_wd > 0)
		table_withdraw(t, &m->out, m->wd, n_wd);
	if (n_ann > 0) {
		struct bgp_attrs a = u->attrs;

		if (bgp_aspath_prepend(&u->attrs.aspath, BGP_AS_SEQUENCE, o->local_as, 1,
		                       m->path, sizeof(m->path), &a.aspath) < 0) {
			m->unpackable++;
			return;
		}
		a.next_hop = o->next_hop;
		a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
		a.mp_nh_len = 0;
		if (table_announce(t, &m->out, &a, m->ann, n_ann) < 0)
			m->unpackable++;
	}
}

/* One record's body (RFC 6396 §4.4): AS numbers, interface, AFI, addresses,
 * then one BGP message, which must fill the rest exactly. */
static void mrt_record(struct mrt_replay *m, struct table *t, const struct opts *o,
                       uint16_t type, uint16_t sub, const uint8_t *body, size_t len)
{
	struct bgp_rd r = bgp_rd_init(body, len);
	struct bgp_frame f;
	struct bgp_err err;
	uint16_t afi;
	size_t as_size, ip_len;

	if (type != MRT_BGP4MP && type != MRT_BGP4MP_ET)
		return;
	if (sub != MRT_SUB_MESSAGE && sub != MRT_SUB_MESSAGE_AS4 && sub != MRT_SUB_MESSAGE_LOCAL &&
	    sub != MRT_SUB_MESSAGE_AS4_LOCAL)
		return;
	m->records++;
	as_size = sub == MRT_SUB_MESSAGE_AS4 || sub == MRT_SUB_MESSAGE_AS4_LOCAL ? BGP_AS4_SIZE
	                                                                         : BGP_AS2_SIZE;
	if ((type == MRT_BGP4MP_ET && bgp_rd_skip(&r, MRT_ET_USEC_LEN) < 0) ||
	    bgp_rd_skip(&r, 2 * as_size + MRT_IFINDEX_LEN) < 0 || bgp_rd_u16(&r, &afi) < 0) {
		m->malformed++;
		return;
	}
	ip_len = afi == BGP_AFI_IPV4 ? 4 : afi == BGP_AFI_IPV6 ? BGP_PREFIX_ADDR_MAX : 0;
	if (ip_len == 0 || bgp_rd_skip(&r, 2 * ip_len) < 0 ||
	    bgp_frame_check(bgp_rd_ptr(&r), bgp_rd_left(&r), BGP_EXT_MAX_LEN, &f, &err) != BGP_FRAME_OK ||
	    f.len != bgp_rd_left(&r)) {
		m->malformed++;
		return;
	}
	if (f.type == BGP_MSG_UPDATE)
		mrt_update(m, t, o, bgp_rd_ptr(&r), f.len, as_size == BGP_AS4_SIZE);
}

/* The dump, decompressed by zcat when its name ends in .gz (no new library,
 * no shell: the path is an argument, never a command line). */
static FILE *mrt_open(const char *path, pid_t *child)
{
	size_t n = strlen(path);
	int fd[2];

	*child = -1;
	if (n < 3 || strcmp(path + n - 3, ".gz") != 0) {
		FILE *f = fopen(path, "rb");

		if (!f)
			die("%s: %s", path, strerror(errno));
		return f;
	}
	if (pipe(fd) < 0)
		die("pipe: %s", strerror(errno));
	*child = fork();
	if (*child < 0)
		die("fork: %s", strerror(errno));
	if (*child == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execlp("zcat", "zcat", "--", path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	return fdopen(fd[0], "rb");
}

/* A cut-short .gz makes zcat complain too: that is the truncation already
 * reported, not a failure. */
static void mrt_close(FILE *f, pid_t child, const char *path, bool truncated)
{
	int st;

	fclose(f);
	if (child > 0 && (waitpid(child, &st, 0) < 0 || !WIFEXITED(st) ||
	                  (WEXITSTATUS(st) != 0 && !truncated)))
		die("%s: zcat failed", path);
}

static void table_mrt(struct table *t, const struct opts *o, struct mrt_replay *m)
{
	uint8_t hdr[MRT_HDR_LEN], *body = malloc(MRT_RECORD_MAX);
	pid_t child;
	FILE *f = mrt_open(o->mrt, &child);

	if (!f || !body)
		die("%s: cannot read", o->mrt);
	mrt_init(m);
	for (;;) {
		struct bgp_rd r = bgp_rd_init(hdr, sizeof(hdr));
		size_t got = fread(hdr, 1, sizeof(hdr), f);
		uint32_t len;
		uint16_t type, sub;

		if (got != sizeof(hdr)) {
			m->truncated = got != 0;
			break;
		}
		bgp_rd_skip(&r, sizeof(uint32_t));     /* timestamp */
		bgp_rd_u16(&r, &type);
		bgp_rd_u16(&r, &sub);
		bgp_rd_u32(&r, &len);
		if (len > MRT_RECORD_MAX) {     /* not a record we replay: skip it */
			m->malformed++;
			while (len > 0) {
				size_t k = len < MRT_SKIP_CHUNK ? len : MRT_SKIP_CHUNK;

				if (fread(body, 1, k, f) != k)
					break;
				len -= (uint32_t)k;
			}
			if (len > 0) {
				m->truncated = true;
				break;
			}
			continue;
		}
		if (fread(body, 1, len, f) != len) {     /* a dump cut short: replay what is whole */
			m->truncated = true;
			break;
		}
		mrt_record(m, t, o, type, sub, body, len);
	}
	if (ferror(f))
		die("%s: read error", o->mrt);
	mrt_close(f, child, o->mrt, m->truncated);
	free(body);
	mrt_free(m);
}

static void table_build(struct table *t, const struct opts *o)
{
	double t0 = mono_now();
	struct mrt_replay m;
	size_t sets;

	memset(t, 0, sizeof(*t));
	memset(&m, 0, sizeof(m));
	pfx_set_init(&t->live, o->mrt ? DEFAULT_N : o->n);
	if (o->mrt)
		table_mrt(t, o, &m);
	else
		table_synthetic(t, o);
	sets = table_attr_sets(t);
	if (o->mrt)
		emit("built", "\"source\":\"mrt\",\"records\":%" PRIu64 ",\"updates_in\":%" PRIu64
		     ",\"ipv6_skipped\":%" PRIu64 ",\"malformed\":%" PRIu64 ",\"unpackable\":%" PRIu64
		     ",\"treat_as_withdraw\":%" PRIu64 ",\"truncated\":%s,\"prefixes\":%zu,\"updates\":%zu"
		     ",\"attr_sets\":%zu,\"bytes\":%zu,\"build_s\":%.3f",
		     m.records, m.updates, m.v6_skipped, m.malformed, m.unpackable, m.as_withdraw,
		     m.truncated ? "true" : "false", t->live.count,
		     t->n_msgs, sets, t->len, mono_now() - t0);
	else
		emit("built", "\"source\":\"synthetic\",\"seed\":%" PRIu64 ",\"prefixes\":%zu"
		     ",\"updates\":%zu,\"attr_sets\":%zu,\"bytes\":%zu,\"build_s\":%.3f",
		     o->seed, t->live.count, t->n_msgs, sets, t->len, mono_now() - t0);
}

/* ======================================================================
 * The session: a kernel TCP socket, the OPEN exchange, framing, output
 * ====================================================================== */

enum sess_state { S_OPENSENT, S_OPENCONFIRM, S_ESTABLISHED };

struct sess {
	int fd;
	enum sess_state state;
	uint8_t *rbuf;
	size_t rlen;
	/* Output: small messages in q; the prebuilt table is sent straight from
	 * memory as the bulk. q waits while the bulk is part-way through (a
	 * message must not be cut), and goes first otherwise. */
	uint8_t *q;
	size_t q_len, q_off, q_cap;
	const uint8_t *bulk;
	size_t bulk_len, bulk_off;
	double t_bulk_first;        /* when the bulk's first octets were taken; 0: not yet */
	struct bgp_caps local;
	struct bgp_open peer;
	struct bgp_update_ctx ctx;
	uint16_t hold;              /* negotiated, RFC 4271 §4.2 */
	double next_keepalive;
	uint64_t in_updates;
};

static bool bulk_busy(const struct sess *s)
{
	return s->bulk_off > 0 && s->bulk_off < s->bulk_len;
}

static size_t q_pending(const struct sess *s)
{
	return s->q_len - s->q_off;
}

/* Room for n more octets at the tail of q (what was sent is dropped first). */
static uint8_t *q_tail(struct sess *s, size_t n)
{
	if (s->q_off > 0) {
		memmove(s->q, s->q + s->q_off, q_pending(s));
		s->q_len -= s->q_off;
		s->q_off = 0;
	}
	s->q = grow(s->q, &s->q_cap, s->q_len + n, 1);
	return s->q + s->q_len;
}

static void q_msg(struct sess *s, const uint8_t *msg, size_t len)
{
	memcpy(q_tail(s, len), msg, len);
	s->q_len += len;
}

static void q_keepalive(struct sess *s)
{
	int len = bgp_keepalive_encode(q_tail(s, BGP_KEEPALIVE_LEN), BGP_KEEPALIVE_LEN);

	if (len < 0)
		die("cannot encode a KEEPALIVE");
	s->q_len += (size_t)len;
}

static void q_notification(struct sess *s, const struct bgp_err *e)
{
	uint8_t buf[BGP_MAX_LEN];
	int len = bgp_notification_encode_err(e, buf, sizeof(buf));

	if (len > 0)
		q_msg(s, buf, (size_t)len);
}

/* Write what the kernel takes now. */
static void sess_flush(struct sess *s)
{
	for (;;) {
		const uint8_t *p;
		size_t n;
		ssize_t w;
		bool bulk = false;

		if (q_pending(s) > 0 && !bulk_busy(s)) {
			p = s->q + s->q_off;
			n = q_pending(s);
		} else if (s->bulk_off < s->bulk_len) {
			p = s->bulk + s->bulk_off;
			n = s->bulk_len - s->bulk_off < WRITE_CHUNK ? s->bulk_len - s->bulk_off : WRITE_CHUNK;
			bulk = true;
		} else {
			return;
		}
		w = send(s->fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			die("send: %s", strerror(errno));
		}
		if (bulk) {
			if (s->bulk_off == 0)
				s->t_bulk_first = mono_now();
			s->bulk_off += (size_t)w;
		} else {
			s->q_off += (size_t)w;
		}
	}
}

/* Best effort on the way out: what can go now goes, then the socket closes. */
static void sess_close(struct sess *s, const struct bgp_err *e)
{
	if (e && !bulk_busy(s))
		q_notification(s, e);
	sess_flush(s);
	close(s->fd);
	s->fd = -1;
}

/* The error this side found: NOTIFICATION, close, exit 1. */
__attribute__((noreturn))
static void sess_fail(struct sess *s, const struct bgp_err *e, const char *why)
{
	emit("notification", "\"dir\":\"out\",\"code\":%u,\"subcode\":%u", e->code, e->subcode);
	sess_close(s, e);
	die("session reset: %s (%s/%s)", why, bgp_err_code_name(e->code),
	    bgp_err_subcode_name(e->code, e->subcode));
}

static int sockaddr_of(const char *addr, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	return -1;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int sock_connect(const struct opts *o)
{
	struct sockaddr_storage to, from;
	socklen_t to_len, from_len = 0;
	double deadline = mono_now() + o->connect_timeout;
	const struct timespec retry = { 0, CONNECT_RETRY_NS };

	if (sockaddr_of(o->connect_to, o->port, &to, &to_len) < 0)
		die("bad address %s", o->connect_to);
	if (o->bind_to && sockaddr_of(o->bind_to, 0, &from, &from_len) < 0)
		die("bad address %s", o->bind_to);
	while (!stopping) {
		int fd = socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct timeval per_try = { CONNECT_TRY_S, 0 }, none = { 0, 0 };

		if (fd < 0)
			die("socket: %s", strerror(errno));
		if (o->bind_to && bind(fd, (struct sockaddr *)&from, from_len) < 0)
			die("bind %s: %s", o->bind_to, strerror(errno));
		/* Linux bounds a blocking connect() by the send timeout. */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &per_try, sizeof(per_try));
		if (connect(fd, (struct sockaddr *)&to, to_len) == 0) {
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
			return fd;
		}
		close(fd);
		if (mono_now() > deadline)
			die("connect %s: %s", o->connect_to, strerror(errno));
		nanosleep(&retry, NULL);
	}
	exit(0);
}

static int sock_accept(const struct opts *o)
{
	struct sockaddr_storage at;
	socklen_t at_len;
	int one = 1, lfd, fd;

	if (sockaddr_of(o->listen_on, o->port, &at, &at_len) < 0)
		die("bad address %s", o->listen_on);
	lfd = socket(at.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&at, at_len) < 0 || listen(lfd, 1) < 0)
		die("listen %s: %s", o->listen_on, strerror(errno));
	do {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR && !stopping);
	if (fd < 0 && stopping)
		exit(0);
	if (fd < 0)
		die("accept: %s", strerror(errno));
	close(lfd);
	return fd;
}

static void sess_open(struct sess *s, const struct opts *o)
{
	struct bgp_open op;
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->rbuf = malloc(RBUF_SIZE);
	if (!s->rbuf)
		die("out of memory");
	s->fd = o->connect_to ? sock_connect(o) : sock_accept(o);
	/* Small messages (KEEPALIVE, churn) go at once; the bulk fills segments anyway. */
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK) < 0)
		die("fcntl: %s", strerror(errno));
	emit("connected", "%s", "");

	memset(&op, 0, sizeof(op));
	op.version = BGP_VERSION;
	bgp_open_set_as(&op, o->local_as);     /* RFC 6793 §3: 4-octet AS capability */
	op.hold_time = o->hold;
	op.bgp_id = o->router_id;
	op.caps.mp[op.caps.n_mp++] = (struct bgp_afisafi){ BGP_AFI_IPV4, BGP_SAFI_UNICAST };
	if (o->ipv6)
		op.caps.mp[op.caps.n_mp++] = (struct bgp_afisafi){ BGP_AFI_IPV6, BGP_SAFI_UNICAST };
	op.caps.route_refresh = true;           /* RFC 2918 */
	s->local = op.caps;
	{
		uint8_t *b = q_tail(s, BGP_MAX_LEN);
		int len = bgp_open_encode(&op, b, BGP_MAX_LEN);

		if (len < 0)
			die("cannot encode our OPEN");
		s->q_len += (size_t)len;
	}
	s->state = S_OPENSENT;
	sess_flush(s);
}

/* RFC 4271 §6.2 checks, then the hold time (§4.2: the smaller of the two). */
static void on_open(struct sess *s, const struct opts *o, const uint8_t *msg, size_t len)
{
	struct bgp_open_policy pol;
	struct bgp_err err;

	if (s->state != S_OPENSENT) {
		bgp_err_set(&err, BGP_ERR_FSM, s->state == S_OPENCONFIRM ? BGP_ERR_FSM_OPENCONFIRM
		                                                       : BGP_ERR_FSM_ESTABLISHED, NULL, 0);
		sess_fail(s, &err, "OPEN out of turn");   /* RFC 6608 §4 */
	}
	if (bgp_open_decode(msg, len, &s->peer, &err) < 0)
		sess_fail(s, &err, "malformed OPEN");
	memset(&pol, 0, sizeof(pol));
	pol.peer_as = o->peer_as;
	pol.local_as = o->local_as;
	pol.local_id = o->router_id;
	pol.min_hold_time = HOLD_MIN;
	/* The prebuilt table is encoded with 4-octet ASes (RFC 6793). */
	pol.require_as4 = o->mode != MODE_SINK;
	if (bgp_open_validate(&s->peer, &pol, &err) < 0)
		sess_fail(s, &err, "OPEN refused");
	s->hold = s->peer.hold_time < o->hold ? s->peer.hold_time : o->hold;
	bgp_update_ctx_init(&s->ctx, &s->local, &s->peer.caps,
	                    bgp_open_peer_as(&s->peer) == o->local_as ? BGP_PEER_IBGP : BGP_PEER_EBGP, 0);
	if (o->mode != MODE_SINK && !bgp_update_ctx_has(&s->ctx, BGP_AFI_IPV4, BGP_SAFI_UNICAST)) {
		/* RFC 5492 §5: the capability we need, as we would send it. */
		uint8_t mp[] = { BGP_CAPA_MP, BGP_CAPA_MP_LEN, 0, BGP_AFI_IPV4, 0, BGP_SAFI_UNICAST };

		bgp_err_set(&err, BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, mp, sizeof(mp));
		sess_fail(s, &err, "peer does not take IPv4 unicast");
	}
	q_keepalive(s);     /* RFC 4271 §8.2.2: OpenSent, OPEN accepted */
	s->state = S_OPENCONFIRM;
	if (s->hold > 0)
		s->next_keepalive = mono_now() + (double)s->hold / KEEPALIVE_DIVISOR;
}

static void on_keepalive(struct sess *s, const struct opts *o)
{
	char fams[64] = "";
	size_t n = 0;

	if (s->state != S_OPENCONFIRM)
		return;
	for (unsigned i = 0; i < s->ctx.n_families; i++)
		n += (size_t)snprintf(fams + n, sizeof(fams) - n, "%s\"%s\"", i ? "," : "",
		                      s->ctx.families[i].afi == BGP_AFI_IPV4 ? "ipv4" : "ipv6");
	s->state = S_ESTABLISHED;
	emit("established", "\"peer_as\":%" PRIu32 ",\"local_as\":%" PRIu32 ",\"hold\":%u"
	     ",\"as4\":%s,\"families\":[%s]", bgp_open_peer_as(&s->peer), o->local_as, s->hold,
	     s->ctx.attr.as4 ? "true" : "false", fams);
}

__attribute__((noreturn))
static void on_notification(struct sess *s, const uint8_t *msg, size_t len)
{
	struct bgp_notification n;
	struct bgp_err err;
	char text[DESCRIBE_MAX], esc[2 * DESCRIBE_MAX];

	if (bgp_notification_decode(msg, len, &n, &err) < 0)
		snprintf(text, sizeof(text), "malformed NOTIFICATION");
	else
		bgp_notification_describe(&n, text, sizeof(text));
	json_escape(text, esc, sizeof(esc));
	emit("notification", "\"dir\":\"in\",\"text\":\"%s\"", esc);
	close(s->fd);
	die("NOTIFICATION received: %s", text);
}

/* ======================================================================
 * The modes
 * ====================================================================== */

struct feed {
	bool started, first_emitted, table_sent, eor_sent, refresh_pending;
	/* churn: withdrawn groups oldest first (a ring over the groups) */
	uint64_t rng;
	uint8_t *down;              /* per group: 1 while withdrawn */
	struct flap {
		uint32_t g;
		double since;
	} *ring;
	size_t ring_head, ring_n;
	bool flip;
	size_t live;
	uint64_t announced, withdrawn, updates, behind;
	double next_tick, carry;
};

struct sink {
	struct pfx_set held;
	struct bgp_update *u;
	bool first_seen, reached;
	uint64_t announced, withdrawn;
};

struct app {
	struct opts o;
	struct sess s;
	struct table t;
	struct feed f;
	struct sink k;
	double next_stats;
};

/* ---- feed and churn ---- */

/* The whole table (again): every group is announced once it has gone. */
static void feed_start(struct app *a)
{
	struct feed *f = &a->f;

	a->s.bulk = a->t.msgs;
	a->s.bulk_len = a->t.len;
	a->s.bulk_off = 0;
	f->table_sent = false;
	memset(f->down, 0, a->t.n_grp);
	f->ring_n = 0;
	f->live = a->t.live.count;
}

/* After each turn: report the first UPDATE, then queue End-of-RIB once the
 * whole initial table is written (RFC 4724 §2, one per family negotiated). */
static void feed_progress(struct app *a)
{
	struct feed *f = &a->f;
	struct sess *s = &a->s;

	if (s->state != S_ESTABLISHED)
		return;
	if (!f->started) {
		f->started = true;
		feed_start(a);
		sess_flush(s);
	}
	if (!f->first_emitted && s->t_bulk_first > 0) {
		f->first_emitted = true;
		emit_at(s->t_bulk_first, "first_update", "%s", "");
	}
	if (f->table_sent || s->bulk_off < s->bulk_len)
		return;
	f->table_sent = true;
	emit("table_sent", "\"updates\":%zu,\"prefixes\":%zu,\"bytes\":%zu", a->t.n_msgs,
	     a->t.live.count, a->t.len);
	if (!f->eor_sent) {
		for (unsigned i = 0; i < s->ctx.n_families; i++) {
			uint8_t *b = q_tail(s, BGP_MAX_LEN);
			int len = bgp_update_eor(s->ctx.families[i].afi, s->ctx.families[i].safi, b,
			                         BGP_MAX_LEN);

			if (len < 0)
				die("cannot encode End-of-RIB");
			s->q_len += (size_t)len;
		}
		f->eor_sent = true;
		sess_flush(s);
		emit("eor_sent", "%s", "");
		f->next_tick = mono_now();
	}
	if (f->refresh_pending) {       /* a refresh asked while the table was going */
		f->refresh_pending = false;
		feed_start(a);
	}
}

/* RFC 2918 §4: on ROUTE-REFRESH, send the Adj-RIB-Out again. Churn keeps
 * its toggles: the refreshed table is the original one. */
static void feed_refresh(struct app *a, const uint8_t *msg, size_t len)
{
	struct bgp_route_refresh rr;
	struct bgp_err err;
	int rc = bgp_route_refresh_decode(msg, len, &rr, &err);

	if (rc < 0)
		sess_fail(&a->s, &err, "malformed ROUTE-REFRESH");
	emit("route_refresh", "\"afi\":%u,\"safi\":%u,\"subtype\":%u", rr.afi, rr.safi, rr.subtype);
	if (rc == BGP_RR_IGNORE || rr.subtype != BGP_RR_NORMAL || a->o.mode == MODE_SINK ||
	    rr.afi != BGP_AFI_IPV4 || rr.safi != BGP_SAFI_UNICAST)
		return;
	if (bulk_busy(&a->s) || !a->f.table_sent)
		a->f.refresh_pending = true;
	else
		feed_start(a);
}

static void churn_announce(struct app *a, size_t g)
{
	const struct group *gr = &a->t.grp[g];
	struct feed *f = &a->f;

	q_msg(&a->s, a->t.msgs + gr->msg_off, gr->msg_len);    /* its UPDATE again */
	f->down[g] = 0;
	f->announced += gr->n_pfx;
	f->live += gr->n_pfx;
	f->updates++;
}

static void churn_withdraw(struct app *a, size_t g, double now)
{
	const struct group *gr = &a->t.grp[g];
	struct feed *f = &a->f;
	struct sess *s = &a->s;
	struct bgp_update_spec spec = {
		.af = { BGP_AFI_IPV4, BGP_SAFI_UNICAST },
		.withdrawn = a->t.pfx + gr->pfx_first, .n_withdrawn = gr->n_pfx,
	};

	while (spec.n_withdrawn > 0) {
		size_t nw, nn;
		int len = bgp_update_pack(&s->ctx, &spec, q_tail(s, BGP_MAX_LEN), BGP_MAX_LEN, &nw, &nn);

		if (len < 0)
			die("cannot pack a withdrawal");
		s->q_len += (size_t)len;
		spec.withdrawn += nw;
		spec.n_withdrawn -= nw;
		f->updates++;
	}
	f->down[g] = 1;
	f->ring[(f->ring_head + f->ring_n++) % a->t.n_grp] = (struct flap){ (uint32_t)g, now };
	f->withdrawn += gr->n_pfx;
	f->live -= gr->n_pfx;
}

/* One flap event; returns the prefixes it moved. Every other event brings the
 * oldest withdrawn group back if it has been down CHURN_DOWN_S; the others
 * take a random announced group down. Withdrawals and announcements balance
 * and the table stays near full, as on a real session. */
static size_t churn_step(struct app *a, double now)
{
	struct feed *f = &a->f;
	size_t g = SIZE_MAX;

	f->flip ^= 1;
	if (!f->flip || f->ring_n == 0 || now - f->ring[f->ring_head].since < CHURN_DOWN_S) {
		for (unsigned i = 0; i < CHURN_PICK_TRIES && g == SIZE_MAX; i++) {
			size_t c = rng_below(&f->rng, (uint32_t)a->t.n_grp);

			if (!f->down[c])
				g = c;
		}
		if (g != SIZE_MAX) {
			churn_withdraw(a, g, now);
			return a->t.grp[g].n_pfx;
		}
	}
	if (f->ring_n == 0)
		return 1;       /* nothing up, nothing down: cannot happen with groups */
	g = f->ring[f->ring_head].g;
	f->ring_head = (f->ring_head + 1) % a->t.n_grp;
	f->ring_n--;
	churn_announce(a, g);
	return a->t.grp[g].n_pfx;
}

/* Every CHURN_TICK_S, rate * tick prefixes' worth of flap events. When the
 * peer does not read what is queued, the tick is skipped and counted: TCP's
 * push-back is the rate limit then. */
static void churn_tick(struct app *a, double now)
{
	struct feed *f = &a->f;
	double budget;

	/* Paused while the table goes (again, after a ROUTE-REFRESH). */
	if (a->o.mode != MODE_CHURN || !f->table_sent || now < f->next_tick || a->t.n_grp == 0)
		return;
	f->next_tick += CHURN_TICK_S;
	if (f->next_tick < now)
		f->next_tick = now + CHURN_TICK_S;
	if (q_pending(&a->s) > QUEUE_BEHIND_MAX) {
		f->behind++;
		return;
	}
	budget = a->o.rate * CHURN_TICK_S + f->carry;
	while (budget >= 1)
		budget -= (double)churn_step(a, now);
	f->carry = budget;
	sess_flush(&a->s);
}

/* ---- sink ---- */

/* RFC 4271 §4.3 (and update.h): withdrawals first, then announcements. */
static void sink_update(struct app *a, const uint8_t *msg, size_t len)
{
	struct sink *k = &a->k;
	struct bgp_update *u = k->u;

	if (!k->first_seen) {
		k->first_seen = true;
		emit("first_update", "%s", "");
	}
	if (bgp_update_decode(&a->s.ctx, msg, len, u) < 0)
		sess_fail(&a->s, &u->out.err, u->out.reason ? u->out.reason : "malformed UPDATE");
	for (unsigned r = 0; r < u->n_unreach; r++) {
		struct bgp_nlri_iter it;
		struct bgp_prefix p;

		bgp_nlri_iter_init(&it, &u->unreach[r]);
		while (bgp_nlri_next(&it, &p))
			k->withdrawn += pfx_set_del(&k->held, &p);
	}
	for (unsigned r = 0; r < u->n_reach; r++) {
		struct bgp_nlri_iter it;
		struct bgp_prefix p;

		bgp_nlri_iter_init(&it, &u->reach[r]);
		while (bgp_nlri_next(&it, &p)) {
			pfx_set_add(&k->held, &p);
			k->announced++;
		}
	}
	if (!k->reached && a->o.expect > 0 && k->held.count >= a->o.expect) {
		k->reached = true;
		emit("expect_reached", "\"prefixes\":%zu,\"updates\":%" PRIu64, k->held.count,
		     a->s.in_updates);
	}
	if (u->eor)
		emit("eor", "\"afi\":%u,\"safi\":%u,\"prefixes\":%zu,\"updates\":%" PRIu64,
		     u->eor_af.afi, u->eor_af.safi, k->held.count, a->s.in_updates);
}

/* ---- the loop ---- */

static void dispatch(struct app *a, const uint8_t *msg, size_t len, uint8_t type)
{
	struct sess *s = &a->s;
	struct bgp_err err;

	switch (type) {
	case BGP_MSG_OPEN:
		on_open(s, &a->o, msg, len);
		break;
	case BGP_MSG_KEEPALIVE:
		on_keepalive(s, &a->o);
		break;
	case BGP_MSG_NOTIFICATION:
		on_notification(s, msg, len);
	case BGP_MSG_UPDATE:
	case BGP_MSG_ROUTE_REFRESH:
		if (s->state != S_ESTABLISHED) {    /* RFC 6608 §4 */
			bgp_err_set(&err, BGP_ERR_FSM, s->state == S_OPENSENT ? BGP_ERR_FSM_OPENSENT
			                                                      : BGP_ERR_FSM_OPENCONFIRM,
			            NULL, 0);
			sess_fail(s, &err, "UPDATE or ROUTE-REFRESH before Established");
		}
		if (type == BGP_MSG_ROUTE_REFRESH) {
			feed_refresh(a, msg, len);
		} else {
			s->in_updates++;
			if (a->o.mode == MODE_SINK)
				sink_update(a, msg, len);
		}
		break;
	default:        /* bgp_frame_check refuses other types */
		break;
	}
}

/* Read what is there and handle every whole message. The peer's length limit
 * is ours: 4096 (we do not offer RFC 8654 extended messages). */
static void sess_read(struct app *a)
{
	struct sess *s = &a->s;

	for (;;) {
		ssize_t r = recv(s->fd, s->rbuf + s->rlen, RBUF_SIZE - s->rlen, 0);
		size_t off = 0;

		if (r == 0) {
			emit("closed", "%s", "");
			die("the peer closed the connection");
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			die("recv: %s", strerror(errno));
		}
		s->rlen += (size_t)r;
		for (;;) {
			struct bgp_frame fr;
			struct bgp_err err;
			int st = bgp_frame_check(s->rbuf + off, s->rlen - off, BGP_MAX_LEN, &fr, &err);

			if (st == BGP_FRAME_NEED_MORE)
				break;
			if (st == BGP_FRAME_ERROR)
				sess_fail(s, &err, "bad message header");
			dispatch(a, s->rbuf + off, fr.len, fr.type);
			off += fr.len;
		}
		memmove(s->rbuf, s->rbuf + off, s->rlen - off);
		s->rlen -= off;
	}
}

static void stats(struct app *a, const char *event)
{
	if (a->o.mode == MODE_SINK)
		emit(event, "\"prefixes\":%zu,\"updates_in\":%" PRIu64 ",\"announced\":%" PRIu64
		     ",\"withdrawn\":%" PRIu64, a->k.held.count, a->s.in_updates, a->k.announced,
		     a->k.withdrawn);
	else
		emit(event, "\"table\":%zu,\"bulk_sent\":%zu,\"announced\":%" PRIu64
		     ",\"withdrawn\":%" PRIu64 ",\"updates\":%" PRIu64 ",\"behind\":%" PRIu64
		     ",\"updates_in\":%" PRIu64, a->f.live, a->s.bulk_off, a->f.announced, a->f.withdrawn, a->f.updates,
		     a->f.behind, a->s.in_updates);
}

/* Milliseconds to the next timer, at most a second (poll's timeout). */
static int next_timeout(const struct app *a, double now)
{
	double next = now + 1.0;

	if (a->s.hold > 0 && a->s.next_keepalive < next)
		next = a->s.next_keepalive;
	if (a->o.mode == MODE_CHURN && a->f.table_sent && a->f.next_tick < next)
		next = a->f.next_tick;
	if (a->o.interval > 0 && a->next_stats < next)
		next = a->next_stats;
	return next <= now ? 0 : (int)((next - now) * 1000) + 1;
}

/* RFC 4271 §4.4: KEEPALIVEs every hold/3 once OPEN is accepted. While the
 * bulk is on its way the UPDATEs themselves keep the peer's hold timer. */
static void timers(struct app *a, double now)
{
	struct sess *s = &a->s;

	if (s->hold > 0 && s->state != S_OPENSENT && now >= s->next_keepalive) {
		if (!bulk_busy(s))
			q_keepalive(s);
		s->next_keepalive = now + (double)s->hold / KEEPALIVE_DIVISOR;
	}
	churn_tick(a, now);
	if (a->o.interval > 0 && now >= a->next_stats) {
		a->next_stats = now + a->o.interval;
		if (s->state == S_ESTABLISHED)
			stats(a, a->o.mode == MODE_CHURN ? "churn" : "stats");
	}
}

__attribute__((noreturn))
static void run(struct app *a)
{
	struct sess *s = &a->s;

	a->next_stats = mono_now() + a->o.interval;
	while (!stopping) {
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		double now = mono_now();

		if (q_pending(s) > 0 || s->bulk_off < s->bulk_len)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, next_timeout(a, now)) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			sess_read(a);
		if (pfd.revents & POLLOUT)
			sess_flush(s);
		timers(a, mono_now());
		sess_flush(s);
		/* Last: it sees what this turn's writes finished (and flushes what
		 * it queues itself), so End-of-RIB never waits for a timer. */
		if (a->o.mode != MODE_SINK)
			feed_progress(a);
	}
	{
		struct bgp_err e;

		if (s->state == S_ESTABLISHED)
			stats(a, "stats");
		/* RFC 4486 / RFC 9003: Cease, Administrative Shutdown, with a word. */
		bgp_err_shutdown(&e, BGP_CEASE_ADMIN_SHUTDOWN, SHUTDOWN_TEXT, BGP_SHUTDOWN_MSG_MAX);
		sess_close(s, &e);
		emit("exit", "%s", "");
		exit(0);
	}
}

int main(int argc, char **argv)
{
	static struct app a;
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_opts(argc, argv, &a.o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (a.o.mode == MODE_SINK) {
		pfx_set_init(&a.k.held, a.o.expect ? a.o.expect : DEFAULT_N);
		a.k.u = calloc(1, sizeof(*a.k.u));
		if (!a.k.u)
			die("out of memory");
	} else {
		table_build(&a.t, &a.o);
		if (a.o.dry_run)
			return 0;
		a.f.rng = a.o.seed ^ 0x5bd1e995u;   /* churn's own stream */
		a.f.down = calloc(a.t.n_grp + 1, 1);
		a.f.ring = calloc(a.t.n_grp + 1, sizeof(*a.f.ring));
		if (!a.f.down || !a.f.ring)
			die("out of memory");
	}
	sess_open(&a.s, &a.o);
	run(&a);
}
