/*
 * bgpd/rib_glue_ctl.c — the route commands of the control socket (arguments
 * and results as doc/control.md defines): show routes, announce, withdraw, and
 * the routing part of show summary.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control.h"
#include "bgpd/daemon.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"
#include "bgpd/rib_glue_int.h"

/* A response carries at most this many routes; past it "truncated": true and
 * the client narrows the question (a prefix, a neighbour, a family). */
#define RG_SHOW_MAX 50000u

static int bad(char *err, size_t errlen, int code, const char *fmt, const char *what)
{
	snprintf(err, errlen, fmt, what);
	return code;
}

/* ---- rendering one route ---- */

static json_t *communities_json(const struct bgp_attrs *a)
{
	json_t *l = json_array();
	for (size_t i = 0; l && i < bgp_community_count(a); i++) {
		uint32_t c = bgp_community_at(a, i);
		char buf[24];
		snprintf(buf, sizeof(buf), "%u:%u", c >> 16, c & 0xffff);
		json_array_append_new(l, json_string(buf));
	}
	return l;
}

static json_t *large_json(const struct bgp_attrs *a)
{
	json_t *l = json_array();
	for (size_t i = 0; l && i < bgp_large_community_count(a); i++) {
		struct bgp_large_community c = bgp_large_community_at(a, i);
		char buf[40];
		snprintf(buf, sizeof(buf), "%u:%u:%u", c.global, c.local1, c.local2);
		json_array_append_new(l, json_string(buf));
	}
	return l;
}

static const char *origin_word(uint8_t o)
{
	return o == BGP_ORIGIN_IGP ? "igp" : o == BGP_ORIGIN_EGP ? "egp" : "incomplete";
}

static json_t *next_hop_json(const struct bgp_attrs *a, uint8_t af)
{
	char buf[INET6_ADDRSTRLEN];
	if (af == BGP_AFI_IPV4 && a->mp_nh_len == 0) {
		if (!bgp_attr_has(a, BGP_ATTR_NEXT_HOP))
			return json_null();
		uint32_t nh = htonl(a->next_hop);
		inet_ntop(AF_INET, &nh, buf, sizeof(buf));
	} else if (a->mp_nh_len == 4) {
		inet_ntop(AF_INET, a->mp_nh, buf, sizeof(buf));
	} else if (a->mp_nh_len >= 16) {
		inet_ntop(AF_INET6, a->mp_nh, buf, sizeof(buf));
	} else {
		return json_null();
	}
	return json_string(buf);
}

static json_t *route_json(const struct bgp_prefix *pfx, const struct bgp_attrs *a, bool best,
                          const char *from)
{
	char pbuf[BGP_PREFIX_STRLEN];
	bgp_prefix_format(pfx, pbuf, sizeof(pbuf));
	size_t plen = (size_t)bgp_aspath_format(&a->aspath, NULL, 0) + 1;
	char *path = malloc(plen);
	if (!path)
		return NULL;
	bgp_aspath_format(&a->aspath, path, plen);
	json_t *o = json_pack("{s:s, s:b, s:s, s:o, s:s, s:s}", "prefix", pbuf, "best", best,
	                      "from", from, "next_hop", next_hop_json(a, pfx->af),
	                      "as_path", path, "origin", origin_word(a->origin));
	free(path);
	if (!o)
		return NULL;
	json_object_set_new(o, "local_pref", bgp_attr_has(a, BGP_ATTR_LOCAL_PREF)
	                    ? json_integer(a->local_pref) : json_null());
	json_object_set_new(o, "med", bgp_attr_has(a, BGP_ATTR_MED) ? json_integer(a->med)
	                    : json_null());
	json_object_set_new(o, "communities", communities_json(a));
	json_object_set_new(o, "large_communities", large_json(a));
	return o;
}

/* ---- show routes ---- */

struct show {
	struct rib_glue *g;
	json_t *list;
	size_t n;
	bool truncated;
	size_t limit;
	bool has_next;
	struct bgp_prefix next; /* where a truncated walk stopped */
	int family;             /* 0 any, else BGP_AFI_* */
	uint32_t only_peer;     /* RG_NO_ID: every path */
	bool failed;
};

static void peer_name(struct rib_glue *g, uint32_t id, char *buf, size_t len)
{
	if (id == RIB_PEER_LOCAL) {
		snprintf(buf, len, "local");
		return;
	}
	const struct rib_peer_info *pi = rib_peer_get(g->rib, id);
	if (!pi) {
		snprintf(buf, len, "?");
		return;
	}
	struct bgp_prefix h = pi->addr;
	bgp_prefix_format(&h, buf, len);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
}

static bool add(struct show *sh, json_t *r)
{
	if (!r) {
		sh->failed = true;
		return false;
	}
	if (sh->n == RG_SHOW_MAX) {    /* only inside one entry's paths */
		json_decref(r);
		sh->truncated = true;
		return false;
	}
	json_array_append_new(sh->list, r);
	sh->n++;
	return true;
}

static int show_entry(const struct rib_entry *e, void *arg)
{
	struct show *sh = arg;
	const struct bgp_prefix *pfx = rib_entry_prefix(e);
	if (sh->family && pfx->af != sh->family)
		return 0;
	if (sh->n >= sh->limit) {
		/* Pages end between prefixes: "next" is where to go on. */
		sh->truncated = true;
		sh->has_next = true;
		sh->next = *pfx;
		return 1;
	}
	const struct rib_path *best = rib_best(e);
	for (const struct rib_path *rp = rib_paths(e); rp; rp = rp->next) {
		if (sh->only_peer != RG_NO_ID && rp->peer != sh->only_peer)
			continue;
		/* Adj-RIB-In of one neighbour: as received; the Loc-RIB view shows
		 * the routes import policy accepted, as they are used. */
		const struct attrset *a = sh->only_peer != RG_NO_ID ? rp->in : rp->eff;
		if (!a)
			continue;
		char from[BGP_PREFIX_STRLEN];
		peer_name(sh->g, rp->peer, from, sizeof(from));
		if (!add(sh, route_json(pfx, &a->a, rp == best, from)))
			return 1;
	}
	return 0;
}

struct show_out {
	struct show *sh;
	const char *to;
};

static int show_out_one(const struct bgp_prefix *pfx, const struct attrset *a, void *arg)
{
	struct show_out *so = arg;
	if (so->sh->family && pfx->af != so->sh->family)
		return 0;
	return add(so->sh, route_json(pfx, &a->a, true, "local")) ? 0 : 1;
}

static struct peer *find_peer(struct bgpd *d, const char *text)
{
	struct tcp_ip ip;
	memset(&ip, 0, sizeof(ip));
	if (inet_pton(AF_INET, text, ip.a) == 1)
		ip.af = TCP_AF_INET;
	else if (inet_pton(AF_INET6, text, ip.a) == 1)
		ip.af = TCP_AF_INET6;
	else
		return NULL;
	return bgpd_find_peer(d, &ip);
}

int rib_glue_ctl_routes(struct bgpd *d, const json_t *args, json_t **result, char *err,
                        size_t errlen)
{
	struct rib_glue *g = d->rg;
	struct show sh = { .g = g, .only_peer = RG_NO_ID };
	const char *prefix = json_string_value(json_object_get(args, "prefix"));
	const char *nb = json_string_value(json_object_get(args, "neighbor"));
	const char *dir = json_string_value(json_object_get(args, "direction"));
	const char *fam = json_string_value(json_object_get(args, "family"));
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v) {
		if (strcmp(key, "prefix") && strcmp(key, "neighbor") && strcmp(key, "direction") &&
		    strcmp(key, "family") && strcmp(key, "from") && strcmp(key, "limit"))
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "unknown argument \"%s\"", key);
		if (strcmp(key, "limit") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > RG_SHOW_MAX)
				return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
				           "\"limit\" must be an integer 1..50000");
			continue;
		}
		if (!json_is_string(v))
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "\"%s\" must be a string", key);
	}
	if (fam) {
		if (strcmp(fam, "ipv4") == 0)
			sh.family = BGP_AFI_IPV4;
		else if (strcmp(fam, "ipv6") == 0)
			sh.family = BGP_AFI_IPV6;
		else
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
			           "family \"%s\": expected ipv4 or ipv6", fam);
	}
	if (dir && !nb)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s: direction needs a neighbor", dir);
	if (dir && strcmp(dir, "in") && strcmp(dir, "out"))
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "direction \"%s\": expected in or out",
		           dir);
	sh.limit = RG_SHOW_MAX;
	if (json_object_get(args, "limit"))
		sh.limit = (size_t)json_integer_value(json_object_get(args, "limit"));
	const char *from = json_string_value(json_object_get(args, "from"));
	struct bgp_prefix from_pfx;
	if (from && bgp_prefix_parse(from, &from_pfx) != 0)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "\"%s\" is not a prefix", from);
	struct bgp_prefix pfx;
	if (prefix && bgp_prefix_parse(prefix, &pfx) != 0)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "\"%s\" is not a prefix", prefix);
	struct peer *p = NULL;
	if (nb) {
		p = find_peer(d, nb);
		if (!p)
			return bad(err, errlen, CONTROL_ERR_NOT_FOUND, "neighbor %s is not configured",
			           nb);
	}
	sh.list = json_array();
	if (!sh.list)
		return CONTROL_ERR_INTERNAL;
	if (p && dir && strcmp(dir, "out") == 0) {
		struct show_out so = { &sh, nb };
		if (p->rg && p->rg->out) {
			if (prefix) {
				const struct attrset *a = adjout_get(p->rg->out, &pfx);
				if (a)
					show_out_one(&pfx, a, &so);
			} else {
				adjout_walk(p->rg->out, show_out_one, &so);
			}
		}
	} else {
		if (p) {
			if (!p->rg || p->rg->id == RG_NO_ID)
				goto done;      /* not Established: it has nothing */
			sh.only_peer = p->rg->id;
		}
		if (prefix) {
			const struct rib_entry *e = rib_lookup(g->rib, &pfx);
			if (e)
				show_entry(e, &sh);
		} else {
			rib_walk(g->rib, from ? &from_pfx : NULL, show_entry, &sh);
		}
	}
done:
	if (sh.failed) {
		json_decref(sh.list);
		return CONTROL_ERR_INTERNAL;
	}
	*result = json_pack("{s:o}", "routes", sh.list);
	if (*result && sh.truncated)
		json_object_set_new(*result, "truncated", json_true());
	if (*result && sh.has_next) {
		char buf[BGP_PREFIX_STRLEN];
		bgp_prefix_format(&sh.next, buf, sizeof(buf));
		json_object_set_new(*result, "next", json_string(buf));
	}
	return *result ? 0 : CONTROL_ERR_INTERNAL;
}

/* ---- announce / withdraw ---- */

#define RG_ANNOUNCE_MAX_COMM 1024
#define RG_ANNOUNCE_MAX_PATH 255

struct announce_store {
	uint8_t comm[RG_ANNOUNCE_MAX_COMM * BGP_COMMUNITY_LEN];
	uint8_t large[RG_ANNOUNCE_MAX_COMM * BGP_LARGE_COMMUNITY_LEN];
	uint8_t path[BGP_AS_SEG_HDR_LEN + RG_ANNOUNCE_MAX_PATH * BGP_AS4_SIZE];
};

static void put_u32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "A:B" (RFC 1997, 16 bits each) or "A:B:C" (RFC 8092, 32 bits each). */
static bool parse_comm(const char *s, int parts, uint32_t *v)
{
	char buf[64];
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	char *save = NULL, *tok = strtok_r(buf, ":", &save);
	int n = 0;
	for (; tok && n < parts; tok = strtok_r(NULL, ":", &save))
		if (!parse_u32(tok, &v[n++]))
			return false;
	if (tok || n != parts)
		return false;
	if (parts == 2 && (v[0] > 0xffff || v[1] > 0xffff))
		return false;
	return true;
}

static int get_u32_arg(const json_t *args, const char *key, bool *has, uint32_t *out,
                       char *err, size_t errlen)
{
	json_t *v = json_object_get(args, key);
	*has = v != NULL;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
		           "\"%s\" must be an integer 0..4294967295", key);
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int build_announce(const json_t *args, struct bgp_prefix *pfx, struct bgp_attrs *a,
                          struct announce_store *st, char *err, size_t errlen)
{
	static const char *const known[] = { "prefix", "next_hop", "communities",
	                                     "large_communities", "med", "local_pref",
	                                     "as_path", "origin" };
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v) {
		bool ok = false;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= strcmp(key, known[i]) == 0;
		if (!ok)
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "unknown argument \"%s\"", key);
	}
	const char *ptext = json_string_value(json_object_get(args, "prefix"));
	if (!ptext)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s", "\"prefix\" is required");
	if (bgp_prefix_parse(ptext, pfx) != 0)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
		           "\"%s\" is not a prefix (or has host bits set)", ptext);
	memset(a, 0, sizeof(*a));
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH);
	a->aspath = bgp_aspath_view(NULL, 0, BGP_AS4_SIZE);
	const char *origin = json_string_value(json_object_get(args, "origin"));
	if (json_object_get(args, "origin") && !origin)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s", "\"origin\" must be a string");
	if (!origin || strcmp(origin, "igp") == 0)
		a->origin = BGP_ORIGIN_IGP;
	else if (strcmp(origin, "egp") == 0)
		a->origin = BGP_ORIGIN_EGP;
	else if (strcmp(origin, "incomplete") == 0)
		a->origin = BGP_ORIGIN_INCOMPLETE;
	else
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
		           "origin \"%s\": expected igp, egp or incomplete", origin);
	json_t *nh = json_object_get(args, "next_hop");
	if (nh) {
		const char *t = json_string_value(nh);
		uint8_t buf[16];
		if (t && inet_pton(AF_INET, t, buf) == 1) {
			if (pfx->af == BGP_AFI_IPV4) {
				a->present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
				a->next_hop = bgp_get_u32be(buf);
			} else {
				memcpy(a->mp_nh, buf, 4);
				a->mp_nh_len = 4;
			}
		} else if (t && inet_pton(AF_INET6, t, buf) == 1) {
			memcpy(a->mp_nh, buf, 16);
			a->mp_nh_len = 16;
		} else {
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
			           "\"next_hop\" must be an IPv4 or IPv6 address");
		}
		if (pfx->af == BGP_AFI_IPV4 && a->mp_nh_len == 16)
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
			           "an IPv4 prefix needs an IPv4 next hop");
	}
	bool has;
	if (get_u32_arg(args, "med", &has, &a->med, err, errlen))
		return CONTROL_ERR_BAD_ARGS;
	if (has)
		a->present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	if (get_u32_arg(args, "local_pref", &has, &a->local_pref, err, errlen))
		return CONTROL_ERR_BAD_ARGS;
	if (has)
		a->present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	json_t *l = json_object_get(args, "communities");
	if (l) {
		if (!json_is_array(l) || json_array_size(l) > RG_ANNOUNCE_MAX_COMM)
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
			           "\"communities\" must be a list of at most 1024 \"ASN:VALUE\"");
		size_t i;
		json_array_foreach(l, i, v) {
			uint32_t c[2];
			const char *t = json_string_value(v);
			if (!t || !parse_comm(t, 2, c))
				return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
				           "community \"%s\": expected ASN:VALUE, each 0..65535",
				           t ? t : "?");
			put_u32(st->comm + i * BGP_COMMUNITY_LEN, c[0] << 16 | c[1]);
		}
		if (json_array_size(l)) {
			a->present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
			a->communities.data = st->comm;
			a->communities.len = json_array_size(l) * BGP_COMMUNITY_LEN;
		}
	}
	l = json_object_get(args, "large_communities");
	if (l) {
		if (!json_is_array(l) || json_array_size(l) > RG_ANNOUNCE_MAX_COMM)
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
			           "\"large_communities\" must be a list of at most 1024 \"A:B:C\"");
		size_t i;
		json_array_foreach(l, i, v) {
			uint32_t c[3];
			const char *t = json_string_value(v);
			if (!t || !parse_comm(t, 3, c))
				return bad(err, errlen, CONTROL_ERR_BAD_ARGS,
				           "large community \"%s\": expected ASN:VALUE:VALUE", t ? t : "?");
			uint8_t *q = st->large + i * BGP_LARGE_COMMUNITY_LEN;
			put_u32(q, c[0]);
			put_u32(q + 4, c[1]);
			put_u32(q + 8, c[2]);
		}
		if (json_array_size(l)) {
			a->present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITY);
			a->large_communities.data = st->large;
			a->large_communities.len = json_array_size(l) * BGP_LARGE_COMMUNITY_LEN;
		}
	}
	l = json_object_get(args, "as_path");
	if (l) {
		if (!json_is_array(l) || json_array_size(l) > RG_ANNOUNCE_MAX_PATH)
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
			           "\"as_path\" must be a list of at most 255 AS numbers");
		size_t i, n = json_array_size(l);
		json_array_foreach(l, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
			    json_integer_value(v) > (json_int_t)UINT32_MAX)
				return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s",
				           "AS numbers are 1..4294967295 (RFC 7607: not 0)");
			put_u32(st->path + BGP_AS_SEG_HDR_LEN + i * BGP_AS4_SIZE,
			        (uint32_t)json_integer_value(v));
		}
		if (n) {
			st->path[0] = BGP_AS_SEQUENCE;
			st->path[1] = (uint8_t)n;
			a->aspath = bgp_aspath_view(st->path, BGP_AS_SEG_HDR_LEN + n * BGP_AS4_SIZE,
			                            BGP_AS4_SIZE);
		}
	}
	return 0;
}

int rib_glue_ctl_announce(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen)
{
	struct announce_store *st = malloc(sizeof(*st));
	if (!st)
		return CONTROL_ERR_INTERNAL;
	struct bgp_prefix pfx;
	struct bgp_attrs a;
	int rc = build_announce(args, &pfx, &a, st, err, errlen);
	if (rc == 0 && rg_local_set(d->rg, &pfx, &a, true) < 0)
		rc = bad(err, errlen, CONTROL_ERR_INTERNAL, "%s", "out of memory");
	free(st);
	if (rc == 0) {
		char buf[BGP_PREFIX_STRLEN];
		bgp_prefix_format(&pfx, buf, sizeof(buf));
		log_msg(LOG_NOTICE, "announce %s (control socket)", buf);
		*result = json_object();
		return *result ? 0 : CONTROL_ERR_INTERNAL;
	}
	return rc;
}

int rib_glue_ctl_withdraw(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)args, key, v)
		if (strcmp(key, "prefix"))
			return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "unknown argument \"%s\"", key);
	const char *ptext = json_string_value(json_object_get(args, "prefix"));
	struct bgp_prefix pfx;
	if (!ptext)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "%s", "\"prefix\" is required");
	if (bgp_prefix_parse(ptext, &pfx) != 0)
		return bad(err, errlen, CONTROL_ERR_BAD_ARGS, "\"%s\" is not a prefix", ptext);
	if (rg_local_unset(d->rg, &pfx, true) < 0)
		return bad(err, errlen, CONTROL_ERR_NOT_FOUND,
		           "%s was not announced with `announce`", ptext);
	log_msg(LOG_NOTICE, "withdraw %s (control socket)", ptext);
	*result = json_object();
	return *result ? 0 : CONTROL_ERR_INTERNAL;
}

/* ---- show summary ---- */

void rib_glue_ctl_summary(struct bgpd *d, json_t *summary)
{
	struct rib_glue *g = d->rg;
	if (!g)
		return;
	struct rib_stats st;
	rib_stats(g->rib, &st);
	json_t *routes = json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}",
	                           "ipv4", "loc_rib", (json_int_t)st.prefixes[0],
	                           "adj_rib_in", (json_int_t)g->adj_in[0],
	                           "ipv6", "loc_rib", (json_int_t)st.prefixes[1],
	                           "adj_rib_in", (json_int_t)g->adj_in[1]);
	if (routes)
		json_object_set_new(summary, "routes", routes);
	json_object_set_new(summary, "rib_memory_bytes",
	                    json_integer((json_int_t)(st.bytes + attrset_bytes(g->attrs))));
	json_object_set_new(summary, "attribute_sets",
	                    json_integer((json_int_t)attrset_count(g->attrs)));
}
