/*
 * tests/tools/policy_bench.c — how long policy_apply takes per route: a
 * 20-term import policy of the usual kinds (bogon prefix lists, AS_PATH
 * length and contents, communities, large communities, then LOCAL_PREF, MED,
 * community edits and prepends) over 1M routes with attribute sets drawn from
 * a pool, as a full table shares them. Also the export rules (export_build)
 * per route to an eBGP peer. Prints one JSON line:
 *   {"bench":"policy","terms":20,"routes":1000000,"ns_per_route":...,...}
 * Usage: policy_bench [routes]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd/export.h"
#include "bgpd/policy.h"
#include "config/config.h"

#define DEFAULT_ROUTES  1000000u
#define POOL            4096u       /* distinct attribute sets */
#define MAX_PATH_ASNS   10
#define MAX_COMMS       6
#define ROUNDS          3           /* best of: the machine is shared */

static const char policy_yaml[] =
	"router-id: 10.0.0.1\n"
	"local-as: 65001\n"
	"policies:\n"
	"  bench:\n"
	"    default: accept\n"
	"    terms:\n"
	"      - name: bogons\n"
	"        match:\n"
	"          prefixes:\n"
	"            - {prefix: 0.0.0.0/8, le: 32}\n"
	"            - {prefix: 10.0.0.0/8, le: 32}\n"
	"            - {prefix: 100.64.0.0/10, le: 32}\n"
	"            - {prefix: 127.0.0.0/8, le: 32}\n"
	"            - {prefix: 169.254.0.0/16, le: 32}\n"
	"            - {prefix: 172.16.0.0/12, le: 32}\n"
	"            - {prefix: 192.0.2.0/24, le: 32}\n"
	"            - {prefix: 192.168.0.0/16, le: 32}\n"
	"            - {prefix: 198.18.0.0/15, le: 32}\n"
	"            - {prefix: 224.0.0.0/3, le: 32}\n"
	"        then: reject\n"
	"      - name: too-specific\n"
	"        match: {prefixes: [{prefix: 0.0.0.0/0, ge: 25}]}\n"
	"        then: reject\n"
	"      - name: long-paths\n"
	"        match: {as-path: {length: {ge: 9}}}\n"
	"        then: reject\n"
	"      - name: bogon-asns\n"
	"        match: {as-path: {contains-as: [23456, 64496, 64511, 65535, 4294967295]}}\n"
	"        then: reject\n"
	"      - name: blackhole\n"
	"        match: {community: blackhole}\n"
	"        then: reject\n"
	"      - name: scrub-ours\n"
	"        then: {remove-community: [\"65001:1\", \"65001:2\", \"65001:3\"]}\n"
	"      - name: customers\n"
	"        match: {as-path: {origin-as: [64600, 64601, 64602, 64603]}}\n"
	"        then: {set-local-pref: 200, add-community: \"65001:100\"}\n"
	"      - name: peers\n"
	"        match: {as-path: {contains-as: [64700, 64701, 64702]}}\n"
	"        then: {set-local-pref: 150, add-community: \"65001:200\"}\n"
	"      - name: prefer-short\n"
	"        match: {as-path: {length: {le: 2}}}\n"
	"        then: {set-med: 10}\n"
	"      - name: depref-tagged\n"
	"        match: {community: [\"64800:70\", \"64800:80\"]}\n"
	"        then: {set-local-pref: 70}\n"
	"      - name: large-tagged\n"
	"        match: {large-community: [\"64800:1:1\", \"64800:1:2\"]}\n"
	"        then: {add-large-community: \"65001:1:1\", remove-large-community: \"64800:1:1\"}\n"
	"      - name: no-export-in\n"
	"        match: {community: no-export}\n"
	"        then: {set-local-pref: 90}\n"
	"      - name: v6-only\n"
	"        match: {family: ipv6-unicast}\n"
	"        then: {set-med: 60}\n"
	"      - name: from-ix\n"
	"        match: {neighbor: [10.9.0.1, 10.9.0.2, 10.9.0.3]}\n"
	"        then: {set-med: 30}\n"
	"      - name: prepend-some\n"
	"        match: {as-path: {origin-as: [64900, 64901]}}\n"
	"        then: {prepend: 2}\n"
	"      - name: region-eu\n"
	"        match: {prefixes: [{prefix: 2.0.0.0/8, le: 24}, {prefix: 5.0.0.0/8, le: 24}]}\n"
	"        then: {add-community: \"65001:3000\"}\n"
	"      - name: region-us\n"
	"        match: {prefixes: [{prefix: 3.0.0.0/8, le: 24}, {prefix: 4.0.0.0/8, le: 24}]}\n"
	"        then: {add-community: \"65001:4000\"}\n"
	"      - name: tagged-and-short\n"
	"        match: {community: \"65001:100\", as-path: {length: {le: 3}}}\n"
	"        then: {action: accept, set-local-pref: 250}\n"
	"      - name: low-pref-long\n"
	"        match: {as-path: {length: {ge: 6}}}\n"
	"        then: {action: accept, set-local-pref: 80}\n"
	"      - name: rest\n"
	"        then: {action: accept, add-community: \"65001:9\"}\n";

struct set {
	struct bgp_attrs a;
	uint8_t path[2 + MAX_PATH_ASNS * 4];
	uint8_t comm[MAX_COMMS * 4];
	uint8_t large[2 * 12];
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next_rand(void)
{
	/* xorshift64*: deterministic, so runs compare */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1du) >> 32);
}

static void put32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

static uint32_t pick_as(void)
{
	static const uint32_t special[] = { 64600, 64601, 64700, 64900, 3356, 174, 1299, 6939 };
	uint32_t r = next_rand();

	if (r % 8 == 0)
		return special[(r >> 3) % 8];
	return 1 + (r >> 8) % 400000;
}

static void make_set(struct set *s)
{
	unsigned n = 1 + next_rand() % MAX_PATH_ASNS, nc = next_rand() % (MAX_COMMS + 1);

	memset(s, 0, sizeof(*s));
	s->path[0] = 2;         /* AS_SEQUENCE */
	s->path[1] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		put32(s->path + 2 + 4 * i, pick_as());
	s->a.aspath = bgp_aspath_view(s->path, 2 + 4 * n, 4);
	s->a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	               BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	s->a.next_hop = 0x0a090001;
	for (unsigned i = 0; i < nc; i++) {
		uint32_t r = next_rand();
		/* some of ours (65001:1..3, scrubbed), some 64800:70, the rest 1:x */
		uint32_t c = r % 5 == 0 ? 0xfde90000u | (1 + (r >> 16) % 3) : 0x00010000u | (r >> 16);

		put32(s->comm + 4 * i, r % 11 == 0 ? 0xfd200046u : c);
	}
	if (nc) {
		s->a.communities.data = s->comm;
		s->a.communities.len = 4 * nc;
		s->a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
	}
	if (next_rand() % 4 == 0) {
		put32(s->large, 64800);
		put32(s->large + 4, 1);
		put32(s->large + 8, 1 + next_rand() % 3);
		s->a.large_communities.data = s->large;
		s->a.large_communities.len = 12;
		s->a.present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
	}
}

static void make_prefix(struct bgp_prefix *p)
{
	uint32_t a = next_rand(), len = 8 + next_rand() % 17;   /* /8../24 mostly */
	uint8_t addr[4];

	if (next_rand() % 50 == 0)
		len = 25 + next_rand() % 8;
	put32(addr, a);
	bgp_prefix_set(p, BGP_AFI_IPV4, addr, len);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t routes = argc > 1 ? strtoul(argv[1], NULL, 10) : DEFAULT_ROUTES;
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	const struct config_policy *pol;
	struct policy_scratch *s = calloc(1, sizeof(*s));
	struct set *pool = calloc(POOL, sizeof(*pool));
	struct bgp_prefix *pfx = calloc(routes ? routes : 1, sizeof(*pfx));
	struct config_addr nb = { CONFIG_AF_INET, { 10, 9, 0, 1 } };
	static const uint8_t self4[4] = { 192, 0, 2, 1 };
	struct export_cfg ecfg = { 65001, 0x0a000001, 0x0a000001 };
	struct export_source src = { .kind = EXPORT_KIND_EBGP };
	struct export_target tgt = { .kind = EXPORT_KIND_EBGP, .remote_as = 65002,
	                             .self_nh = self4, .self_nh_len = 4 };
	double best_pol = 0, best_exp = 0;
	size_t accepted = 0, sent = 0;

	if (!s || !pool || !pfx || routes == 0) {
		fprintf(stderr, "policy_bench: out of memory or no routes\n");
		return 1;
	}
	if (config_load_buffer("bench", policy_yaml, sizeof(policy_yaml) - 1, NULL, &cfg,
	                       &errs) != 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].text);
		return 1;
	}
	pol = config_find_policy(cfg, "bench");
	for (size_t i = 0; i < POOL; i++)
		make_set(&pool[i]);
	for (size_t i = 0; i < routes; i++)
		make_prefix(&pfx[i]);

	for (int round = 0; round < ROUNDS; round++) {
		double t0, t1, t2;
		size_t acc = 0, snt = 0;

		t0 = now_ns();
		for (size_t i = 0; i < routes; i++) {
			struct bgp_attrs a = pool[i % POOL].a;
			struct policy_route r = { &pfx[i], &nb, BGP_AFI_IPV4, 65001, self4, 4, NULL };

			acc += policy_apply(pol, &r, &a, s) == POLICY_ACCEPT;
		}
		t1 = now_ns();
		for (size_t i = 0; i < routes; i++) {
			struct bgp_attrs out;
			const char *why;

			snt += export_build(&ecfg, &src, &pool[i % POOL].a, BGP_AFI_IPV4, &tgt, &out,
			                    s, &why) == 0;
		}
		t2 = now_ns();
		if (round == 0 || t1 - t0 < best_pol)
			best_pol = t1 - t0;
		if (round == 0 || t2 - t1 < best_exp)
			best_exp = t2 - t1;
		accepted = acc;
		sent = snt;
	}
	printf("{\"bench\":\"policy\",\"terms\":%zu,\"routes\":%zu,\"attribute_sets\":%u,"
	       "\"ns_per_route\":%.1f,\"accepted\":%zu,\"rejected\":%zu,"
	       "\"export_ns_per_route\":%.1f,\"export_sent\":%zu}\n",
	       pol->n_terms, routes, POOL, best_pol / (double)routes, accepted, routes - accepted,
	       best_exp / (double)routes, sent);
	config_free(cfg);
	free(pfx);
	free(pool);
	free(s);
	return 0;
}
