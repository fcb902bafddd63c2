/*
 * config/schema.c — the top level of the file: identity, listeners, control
 * socket, logging, timer defaults and the networks to originate. Neighbours,
 * peer groups and policies have their own files.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/mem.h"
#include "config/schema.h"
#include "config/value.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define AS_TRANS 23456                  /* RFC 6793 9 */
#define SUN_PATH_MAX 107                /* sizeof(sockaddr_un.sun_path) - 1 */
#define GROUP_NAME_MAX 32               /* Linux useradd's limit */

enum top_key {
	TOP_ROUTER_ID, TOP_LOCAL_AS, TOP_CLUSTER_ID, TOP_LISTEN, TOP_LISTEN_PORT,
	TOP_CONTROL_SOCKET, TOP_LOGGING, TOP_TIMERS, TOP_NETWORKS, TOP_PEER_GROUPS,
	TOP_NEIGHBORS, TOP_POLICIES, TOP_COUNT
};

static const char *const top_keys[TOP_COUNT] = {
	[TOP_ROUTER_ID] = "router-id",
	[TOP_LOCAL_AS] = "local-as",
	[TOP_CLUSTER_ID] = "cluster-id",
	[TOP_LISTEN] = "listen",
	[TOP_LISTEN_PORT] = "listen-port",
	[TOP_CONTROL_SOCKET] = "control-socket",
	[TOP_LOGGING] = "logging",
	[TOP_TIMERS] = "timers",
	[TOP_NETWORKS] = "networks",
	[TOP_PEER_GROUPS] = "peer-groups",
	[TOP_NEIGHBORS] = "neighbors",
	[TOP_POLICIES] = "policies",
};

static uint32_t ipv4_host_order(const struct config_addr *a)
{
	return (uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 | (uint32_t)a->a[2] << 8 | a->a[3];
}

/* router-id: a non-zero dotted quad (RFC 6286 2.1). */
static void read_router_id(struct walk *w, const struct ynode *n)
{
	struct config_addr a;

	if (!walk_addr(w, "router-id", n, CONFIG_AF_INET, &a))
		return;
	if (ipv4_host_order(&a) == 0) {
		walk_error(w, n, "router-id: 0.0.0.0 is not a valid BGP identifier (RFC 6286)");
		return;
	}
	w->cfg->router_id = ipv4_host_order(&a);
}

/* cluster-id: a dotted quad or a number, non-zero (RFC 4456 7). */
static void read_cluster_id(struct walk *w, const struct ynode *n)
{
	char desc[WALK_DESCRIBE_LEN];
	struct config_addr a;
	uint32_t v;

	if (!walk_scalar(w, "cluster-id", n, "an IPv4 address or an integer"))
		return;
	if (value_addr(n->text, CONFIG_AF_INET, &a))
		v = ipv4_host_order(&a);
	else if (value_u32_range(n->text, 1, UINT32_MAX, &v) != VALUE_OK)
		v = 0;
	if (v == 0) {
		walk_error(w, n, "cluster-id: expected a non-zero IPv4 address or an integer 1..4294967295, got %s",
			   walk_describe(n, desc, sizeof(desc)));
		return;
	}
	w->cfg->cluster_id = v;
	w->cfg->cluster_id_set = true;
}

static void read_local_as(struct walk *w, const struct ynode *n)
{
	uint32_t as;

	if (!walk_asn(w, "local-as", n, &as))
		return;
	if (as == AS_TRANS) {
		walk_error(w, n, "local-as: 23456 is AS_TRANS (RFC 6793), not a real AS");
		return;
	}
	w->cfg->local_as = as;
}

static int addr_cmp(const void *a, const void *b)
{
	const struct config_addr *x = a, *y = b;
	if (x->af != y->af)
		return x->af < y->af ? -1 : 1;
	return memcmp(x->a, y->a, sizeof(x->a));
}

struct listen_dups {
	struct walk *w;
	const struct walk_list *items;
};

static void report_listen_dup(void *ctx, size_t dup, size_t first)
{
	struct listen_dups *d = ctx;
	const struct ynode *n = d->items->v[dup], *f = d->items->v[first];
	walk_error(d->w, n, "listen: %s is listed twice; first at line %u, column %u", n->text,
		   f->line, f->column);
}

static void read_listen(struct walk *w, const struct ynode *n)
{
	struct config_addr_list *l = &w->cfg->listen;
	struct walk_list items;
	struct listen_dups d = { w, &items };

	if (!walk_addr_list(w, "listen", n, l))
		return;
	/* every item parsed, so items and l->v line up */
	if (walk_list(w, "listen", n, true, &items) && items.n == l->n)
		walk_duplicates(l->v, l->n, sizeof(*l->v), addr_cmp, report_listen_dup, &d);
}

static bool read_socket_path(struct walk *w, const char *what, const struct ynode *n)
{
	char desc[WALK_DESCRIBE_LEN];

	if (!walk_string(w, what, n, SUN_PATH_MAX, &w->cfg->control_socket))
		return false;
	if (w->cfg->control_socket[0] != '/') {
		walk_error(w, n, "%s: expected an absolute path, got %s", what,
			   walk_describe(n, desc, sizeof(desc)));
		return false;
	}
	return true;
}

/* control-socket: PATH, or {path: PATH, mode: "0660", group: NAME} */
static void read_control_socket(struct walk *w, const struct ynode *n)
{
	static const char *const keys[] = { "path", "mode", "group" };
	const struct ynode *v[3];
	char desc[WALK_DESCRIBE_LEN];

	if (n->kind == YNODE_SCALAR) {
		read_socket_path(w, "control-socket", n);
		return;
	}
	if (!walk_fields(w, n, "control-socket", keys, 3, v))
		return;
	if (v[0])
		read_socket_path(w, "path", v[0]);
	if (v[1] && walk_scalar(w, "mode", v[1], "an octal file mode") &&
	    !value_mode(v[1]->text, &w->cfg->control_socket_mode))
		walk_error(w, v[1], "mode: expected an octal file mode such as 0660, got %s",
			   walk_describe(v[1], desc, sizeof(desc)));
	if (v[2])
		walk_string(w, "group", v[2], GROUP_NAME_MAX, &w->cfg->control_socket_group);
}

static void read_logging(struct walk *w, const struct ynode *n)
{
	static const char *const keys[] = { "destination", "level", "facility", "trace" };
	static const char *const dests[] = { "stderr", "syslog" };
	static const char *const levels[] = { "error", "warning", "notice", "info", "debug" };
	static const int level_values[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
	static const char *const facilities[] = { "daemon", "user", "local0", "local1", "local2",
						  "local3", "local4", "local5", "local6", "local7" };
	static const int facility_values[] = { LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1,
					       LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
					       LOG_LOCAL6, LOG_LOCAL7 };
	const struct ynode *v[4];
	int idx;

	if (!walk_fields(w, n, "logging", keys, 4, v))
		return;
	if (v[0] && walk_enum(w, "destination", v[0], dests, ARRAY_LEN(dests), &idx))
		w->cfg->log_dest = (enum config_log_dest)idx;
	if (v[1] && walk_enum(w, "level", v[1], levels, ARRAY_LEN(levels), &idx))
		w->cfg->log_level = level_values[idx];
	if (v[2] && walk_enum(w, "facility", v[2], facilities, ARRAY_LEN(facilities), &idx))
		w->cfg->log_facility = facility_values[idx];
	if (v[3])
		walk_trace(w, "trace", v[3], &w->cfg->log_trace);
}

/* timers: the same keys and checks as a neighbour's, as defaults. */
static void read_timers(struct walk *w, const struct ynode *n)
{
	static const enum config_peer_field fields[] = {
		CONFIG_PF_HOLD_TIME, CONFIG_PF_KEEPALIVE, CONFIG_PF_CONNECT_RETRY,
		CONFIG_PF_IDLE_HOLD, CONFIG_PF_IDLE_HOLD_MAX, CONFIG_PF_DELAY_OPEN,
	};
	const char *keys[ARRAY_LEN(fields)];
	const struct ynode *v[ARRAY_LEN(fields)];
	struct config_peer p = { 0 };
	struct bgpd_config *cfg = w->cfg;

	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		keys[i] = config_peer_field_name(fields[i]);
	if (!walk_fields(w, n, "timers", keys, ARRAY_LEN(fields), v))
		return;
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (v[i])
			peer_read_field(w, fields[i], v[i], &p);
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_HOLD_TIME))
		cfg->hold_time = p.hold_time;
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_KEEPALIVE))
		cfg->keepalive = p.keepalive;
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_CONNECT_RETRY))
		cfg->connect_retry = p.connect_retry;
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_IDLE_HOLD))
		cfg->idle_hold = p.idle_hold;
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_IDLE_HOLD_MAX))
		cfg->idle_hold_max = p.idle_hold_max;
	if (p.set & CONFIG_PF_BIT(CONFIG_PF_DELAY_OPEN))
		cfg->delay_open = p.delay_open;
	if (cfg->hold_time && cfg->keepalive >= cfg->hold_time)
		walk_error(w, n, "timers: keepalive %u must be less than hold-time %u",
			   cfg->keepalive, cfg->hold_time);
	if (cfg->idle_hold_max < cfg->idle_hold)
		walk_error(w, n, "timers: idle-hold-max %u is less than idle-hold %u",
			   cfg->idle_hold_max, cfg->idle_hold);
}

/* One entry of networks: a prefix, or {prefix: P, communities: [...], ...} */
static bool read_network(struct walk *w, const struct ynode *n, struct config_network *net)
{
	enum { NET_PREFIX, NET_COMMUNITIES, NET_LARGE, NET_MED, NET_LOCAL_PREF, NET_NEXT_HOP,
	       NET_COUNT };
	static const char *const keys[NET_COUNT] = {
		[NET_PREFIX] = "prefix", [NET_COMMUNITIES] = "communities",
		[NET_LARGE] = "large-communities", [NET_MED] = "med",
		[NET_LOCAL_PREF] = "local-pref", [NET_NEXT_HOP] = "next-hop",
	};
	const struct ynode *v[NET_COUNT];
	bool ok;

	net->pos = walk_pos(n);
	if (n->kind == YNODE_SCALAR)
		return walk_prefix(w, "networks", n, &net->prefix);
	if (!walk_fields(w, n, "network", keys, NET_COUNT, v))
		return false;
	if (!v[NET_PREFIX]) {
		walk_missing(w, n, "network", "prefix");
		ok = false;
	} else {
		ok = walk_prefix(w, "prefix", v[NET_PREFIX], &net->prefix);
		net->pos = walk_pos(v[NET_PREFIX]);
	}
	if (v[NET_COMMUNITIES])
		walk_community_list(w, "communities", v[NET_COMMUNITIES], &net->communities);
	if (v[NET_LARGE])
		walk_large_list(w, "large-communities", v[NET_LARGE], &net->large_communities);
	if (v[NET_MED])
		net->has_med = walk_u32(w, "med", v[NET_MED], 0, UINT32_MAX, &net->med);
	if (v[NET_LOCAL_PREF])
		net->has_local_pref = walk_u32(w, "local-pref", v[NET_LOCAL_PREF], 0, UINT32_MAX,
					       &net->local_pref);
	if (v[NET_NEXT_HOP] &&
	    walk_addr(w, "next-hop", v[NET_NEXT_HOP], 0, &net->next_hop) && ok &&
	    net->next_hop.af != net->prefix.af) {
		walk_error(w, v[NET_NEXT_HOP], "next-hop: an %s prefix needs an %s next hop",
			   net->prefix.af == CONFIG_AF_INET ? "IPv4" : "IPv6",
			   net->prefix.af == CONFIG_AF_INET ? "IPv4" : "IPv6");
		memset(&net->next_hop, 0, sizeof(net->next_hop));
	}
	return ok;
}

static void read_networks(struct walk *w, const struct ynode *n)
{
	struct bgpd_config *cfg = w->cfg;
	struct walk_list l;

	if (!walk_list(w, "networks", n, false, &l))
		return;
	cfg->networks = cfg_calloc(l.n, sizeof(*cfg->networks));
	for (size_t i = 0; i < l.n; i++) {
		struct config_network *net = &cfg->networks[cfg->n_networks];
		if (read_network(w, l.v[i], net)) {
			cfg->n_networks++;
		} else {
			network_clear(net);
		}
	}
}

static void set_defaults(struct bgpd_config *cfg)
{
	cfg->listen_port = CONFIG_DEFAULT_PORT;
	cfg->control_socket = cfg_strdup(CONFIG_DEFAULT_SOCKET_PATH);
	cfg->control_socket_mode = CONFIG_DEFAULT_SOCKET_MODE;
	cfg->log_dest = CONFIG_LOG_STDERR;
	cfg->log_level = LOG_INFO;
	cfg->log_facility = LOG_DAEMON;
	cfg->hold_time = CONFIG_DEFAULT_HOLD_TIME;
	cfg->keepalive = 0;             /* hold-time / 3, worked out per neighbour */
	cfg->connect_retry = CONFIG_DEFAULT_CONNECT_RETRY;
	cfg->idle_hold = CONFIG_DEFAULT_IDLE_HOLD;
	cfg->idle_hold_max = CONFIG_DEFAULT_IDLE_HOLD_MAX;
	cfg->delay_open = CONFIG_DEFAULT_DELAY_OPEN;
}

/* Listen on every address of both families unless told otherwise. */
static void default_listen(struct bgpd_config *cfg)
{
	cfg->listen.v = cfg_calloc(2, sizeof(*cfg->listen.v));
	cfg->listen.n = 2;
	cfg->listen.v[0].af = CONFIG_AF_INET;
	cfg->listen.v[1].af = CONFIG_AF_INET6;
}

void schema_read(struct walk *w, const struct ynode *root)
{
	const struct ynode *v[TOP_COUNT];

	set_defaults(w->cfg);
	if (!root || (root->kind == YNODE_SCALAR && root->is_null)) {
		config_errors_add(w->errs, w->file, 1, 1,
				  "the configuration is empty; expected a mapping with at least router-id and local-as");
		return;
	}
	if (!walk_fields(w, root, "the top level", top_keys, TOP_COUNT, v))
		return;
	if (v[TOP_ROUTER_ID])
		read_router_id(w, v[TOP_ROUTER_ID]);
	else
		walk_error(w, root, "missing required key 'router-id'");
	if (v[TOP_LOCAL_AS])
		read_local_as(w, v[TOP_LOCAL_AS]);
	else
		walk_error(w, root, "missing required key 'local-as'");
	if (v[TOP_CLUSTER_ID])
		read_cluster_id(w, v[TOP_CLUSTER_ID]);
	if (v[TOP_LISTEN])
		read_listen(w, v[TOP_LISTEN]);
	else
		default_listen(w->cfg);
	if (v[TOP_LISTEN_PORT])
		walk_u16(w, "listen-port", v[TOP_LISTEN_PORT], 1, UINT16_MAX, &w->cfg->listen_port);
	if (v[TOP_CONTROL_SOCKET])
		read_control_socket(w, v[TOP_CONTROL_SOCKET]);
	if (v[TOP_LOGGING])
		read_logging(w, v[TOP_LOGGING]);
	if (v[TOP_TIMERS])
		read_timers(w, v[TOP_TIMERS]);
	if (v[TOP_NETWORKS])
		read_networks(w, v[TOP_NETWORKS]);
	if (v[TOP_POLICIES])
		policy_read_all(w, v[TOP_POLICIES]);
	if (v[TOP_PEER_GROUPS])
		peer_read_groups(w, v[TOP_PEER_GROUPS]);
	if (v[TOP_NEIGHBORS])
		peer_read_neighbors(w, v[TOP_NEIGHBORS]);
}
