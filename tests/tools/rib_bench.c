/*
 * tests/tools/rib_bench.c — a micro-benchmark of the RIB core: N IPv4
 * prefixes (default 1M) from two eBGP peers with ~50k distinct attribute sets,
 * then every prefix decided again, an Adj-RIB-Out built for a third peer and
 * packed into UPDATEs, and the first peer's session flushed. Prints one JSON
 * line:
 *
 *   insert_ns    per prefix, peer 1 into an empty table (intern + rib_update)
 *   insert2_ns   per prefix, peer 2: each insert runs the decision process
 *                against peer 1's path
 *   decide_ns    per prefix, peer 1's next hop becoming unreachable on every
 *                prefix (lookup, best path run again, change queued)
 *   pack_ns      per prefix, adjout_set of the Loc-RIB for one peer (a walk:
 *                export_ns of it) plus adjout_build into UPDATEs until
 *                nothing is pending
 *   flush_ns     per prefix, rib_peer_flush of peer 1 in slices
 *   bytes_per_prefix        RIB (rib_stats) + attribute sets, two paths each
 *   adjout_bytes_per_prefix one peer's Adj-RIB-Out
 *
 * Announcements arrive as UPDATEs would: grouped by attribute set (one intern
 * per group), the prefixes of a group scattered over the address space, so
 * the tables see no friendly order. Times are this thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID, system time included), so other load on a shared
 * machine does not count — its effect on the caches still does. The clock is
 * read here only (a driver, not the core).
 *
 * By default each UPDATE goes in with rib_update_many; -1 makes it one
 * rib_update a prefix.
 *
 *   usage: rib_bench [-1] [N]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd/adjout.h"
#include "bgpd/aspath.h"
#include "bgpd/attrset.h"
#include "bgpd/rib.h"
#include "bgpd/update.h"

#define DEFAULT_N       1000000u
#define SETS_PER_PEER   25000u      /* two peers: ~50k distinct sets */
#define FLUSH_BUDGET    10000u
#define PATH_CAP        64
#define LOCAL_AS        65000u
#define PEER1_AS        65001u
#define PEER2_AS        65002u
#define PEER3_AS        65003u
#define FIRST_PREFIX    0x01000000u /* 1.0.0.0, then /24s upwards */
#define PREFIX_LEN      24
#define PREFIX_STEP     256u
#define TRANSIT_AS      64512u
#define NS_PER_S        1000000000.0

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * NS_PER_S + (double)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "rib_bench: %s\n", what);
	exit(1);
}

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static struct bgp_prefix prefix_no(uint32_t i)
{
	uint32_t a = FIRST_PREFIX + i * PREFIX_STEP;
	uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
	struct bgp_prefix p;

	bgp_prefix_set(&p, BGP_AFI_IPV4, b, PREFIX_LEN);
	return p;
}

/* Set k of a peer: AS_PATH <peer_as, transit...> of 2 to 4 ASNs, MED k. */
static void set_attrs(struct bgp_attrs *a, uint8_t *path, uint32_t peer_as, uint32_t k,
                      uint32_t next_hop)
{
	char text[PATH_CAP];
	unsigned hops = 1 + mix(k ^ peer_as) % 3;

	memset(a, 0, sizeof(*a));
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	             BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED);
	a->origin = BGP_ORIGIN_IGP;
	a->next_hop = next_hop;
	a->med = k;
	snprintf(text, sizeof(text), "%u %u %u %u", peer_as, TRANSIT_AS + k % 1000,
	         TRANSIT_AS + 1000 + k / 1000, 13335);
	/* keep the first hops + 1 ASNs */
	for (char *s = text; *s; s++)
		if (*s == ' ' && hops-- == 0) {
			*s = '\0';
			break;
		}
	if (bgp_aspath_parse(text, path, PATH_CAP, &a->aspath) < 0)
		die("aspath");
}

/* Prefix numbers grouped by the set each has from a peer (counting sort):
 * order[start[k] .. start[k + 1]) use set k. */
static void group_by_set(uint32_t n, uint32_t salt, uint32_t *order, uint32_t *start)
{
	memset(start, 0, (SETS_PER_PEER + 1) * sizeof(*start));
	for (uint32_t i = 0; i < n; i++)
		start[mix(i ^ salt) % SETS_PER_PEER + 1]++;
	for (uint32_t k = 0; k < SETS_PER_PEER; k++)
		start[k + 1] += start[k];
	for (uint32_t i = 0; i < n; i++)
		order[start[mix(i ^ salt) % SETS_PER_PEER]++] = i;
	for (uint32_t k = SETS_PER_PEER; k > 0; k--)
		start[k] = start[k - 1];
	start[0] = 0;
}

/* One peer's full table, UPDATE by UPDATE (one rib_update_many each, or one
 * rib_update a prefix); ns per prefix. */
static double announce(struct rib *r, struct attrset_table *t, uint32_t peer, uint32_t peer_as,
                       uint32_t n, uint32_t salt, bool one_by_one)
{
	uint32_t *order = malloc((size_t)n * sizeof(*order));
	uint32_t *start = malloc((SETS_PER_PEER + 1) * sizeof(*start));
	struct bgp_prefix *nlri = malloc((size_t)n * sizeof(*nlri));
	uint8_t path[PATH_CAP];
	struct bgp_attrs a;
	double t0, total = 0;

	if (!order || !start || !nlri)
		die("out of memory");
	group_by_set(n, salt, order, start);
	for (uint32_t k = 0; k < SETS_PER_PEER; k++) {
		size_t m = start[k + 1] - start[k];
		const struct attrset *s;

		/* the "decoder": attributes and NLRI of one UPDATE */
		set_attrs(&a, path, peer_as, k, 0x0a000000u | peer);
		for (size_t j = 0; j < m; j++)
			nlri[j] = prefix_no(order[start[k] + j]);
		t0 = now_ns();
		s = attrset_intern(t, &a);
		if (!s)
			die("intern");
		if (!one_by_one && rib_update_many(r, peer, nlri, m, s, s, 0) != m)
			die("rib_update_many");
		for (size_t j = 0; one_by_one && j < m; j++)
			if (rib_update(r, peer, &nlri[j], s, s, 0) < 0)
				die("rib_update");
		attrset_unref(t, s);
		total += now_ns() - t0;
	}
	free(order);
	free(start);
	free(nlri);
	return total / n;
}

static uint32_t add_peer(struct rib *r, uint32_t as, uint32_t id)
{
	struct rib_peer_info pi;
	uint8_t addr[4] = { 10, 0, 0, (uint8_t)id };
	uint32_t n;

	memset(&pi, 0, sizeof(pi));
	pi.kind = RIB_PEER_EBGP;
	pi.remote_as = as;
	pi.bgp_id = id;
	bgp_prefix_set(&pi.addr, BGP_AFI_IPV4, addr, 32);
	n = rib_peer_add(r, &pi);
	if (n == UINT32_MAX)
		die("peer");
	return n;
}

struct export {
	struct adjout *o;
	size_t n;
};

static int export_best(const struct rib_entry *e, void *arg)
{
	struct export *x = arg;
	const struct rib_path *b = rib_best(e);

	if (b && adjout_set(x->o, rib_entry_prefix(e), b->eff) < 0)
		die("adjout_set");
	x->n++;
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t msg[BGP_MAX_LEN];
	bool one = argc > 1 && strcmp(argv[1], "-1") == 0;
	uint32_t n = argc > 1 + one ? (uint32_t)strtoul(argv[1 + one], NULL, 10) : DEFAULT_N;
	struct rib_cfg cfg = { LOCAL_AS, 0x0a0000feu, 0 };
	struct attrset_table *t = attrset_table_new();
	struct rib *r = rib_new(&cfg, t);
	struct bgp_update_ctx ctx;
	struct rib_stats st;
	struct export x;
	struct bgp_prefix q;
	uint32_t p1, p2;
	double ins1, ins2, decide, export, pack, flush, t0;
	size_t changes = 0, updates = 0, upd_bytes = 0, sets, adj_bytes, rib_bytes;
	int len;

	if (n == 0 || n > (1u << 24) || !t || !r)
		die("usage: rib_bench [-1] [N (1..16777216)]");
	p1 = add_peer(r, PEER1_AS, 1);
	p2 = add_peer(r, PEER2_AS, 2);

	ins1 = announce(r, t, p1, PEER1_AS, n, 0x1234567u, one);
	ins2 = announce(r, t, p2, PEER2_AS, n, 0x89abcdeu, one);
	while (rib_next_change(r, &q))
		changes++;
	rib_stats(r, &st);
	sets = attrset_count(t);
	rib_bytes = st.bytes + attrset_bytes(t);

	/* every prefix decided again: peer 1's next hop goes away */
	t0 = now_ns();
	for (uint32_t i = 0; i < n; i++) {
		struct bgp_prefix p = prefix_no(i);

		rib_path_set_flags(r, p1, &p, RIB_PATH_NH_UNREACH);
	}
	decide = (now_ns() - t0) / n;
	while (rib_next_change(r, &q))
		changes++;

	/* one eBGP peer's Adj-RIB-Out, packed */
	memset(&ctx, 0, sizeof(ctx));
	ctx.attr.as4 = true;
	ctx.attr.peer = BGP_PEER_EBGP;
	ctx.n_families = 1;
	ctx.families[0].afi = BGP_AFI_IPV4;
	ctx.families[0].safi = BGP_SAFI_UNICAST;
	x.o = adjout_new(t);
	x.n = 0;
	if (!x.o)
		die("adjout_new");
	t0 = now_ns();
	rib_walk(r, NULL, export_best, &x);
	export = (now_ns() - t0) / n;
	while ((len = adjout_build(x.o, &ctx, BGP_AFI_IPV4, msg, sizeof(msg))) != 0) {
		if (len < 0)
			die("adjout_build");
		updates++;
		upd_bytes += (size_t)len;
	}
	pack = (now_ns() - t0) / n;
	adj_bytes = adjout_bytes(x.o);

	t0 = now_ns();
	while (rib_peer_flush(r, p1, FLUSH_BUDGET) > 0)
		;
	flush = (now_ns() - t0) / n;
	while (rib_next_change(r, &q))
		changes++;

	printf("{\"api\":\"%s\",\"prefixes\":%u,\"paths\":%zu,\"attr_sets\":%zu,\"insert_ns\":%.1f,"
	       "\"insert2_ns\":%.1f,\"decide_ns\":%.1f,\"pack_ns\":%.1f,\"export_ns\":%.1f,\"flush_ns\":%.1f,"
	       "\"updates\":%zu,\"update_bytes\":%zu,\"changes\":%zu,"
	       "\"bytes_per_prefix\":%.1f,\"adjout_bytes_per_prefix\":%.1f}\n",
	       one ? "rib_update" : "rib_update_many", n, st.paths, sets, ins1, ins2, decide, pack, export, flush, updates, upd_bytes, changes,
	       (double)rib_bytes / n, (double)adj_bytes / n);

	adjout_free(x.o);
	rib_peer_flush(r, p2, SIZE_MAX);
	rib_free(r);
	if (attrset_count(t) != 0)
		die("attribute sets left referenced");
	attrset_table_free(t);
	return 0;
}
