/*
 * config/dump.c — a loaded config back as YAML (for --check -v and tests).
 *
 * Neighbours are printed with their effective settings, defaults included, so
 * the output says what the daemon will do and loads back to the same config.
 * A password prints as CONFIG_SECRET_MASK; a password-file as its path.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/schema.h"
#include "config/value.h"

struct out {
	FILE *f;
	int err;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (vfprintf(o->f, fmt, ap) < 0)
		o->err = -1;
	va_end(ap);
}

/* A double-quoted YAML string: always safe, whatever the text. */
static void put_string(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			put(o, "\\x%02X", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

/* Addresses, prefixes and communities: quoted when they hold a ':'. */
static void put_token(struct out *o, const char *s)
{
	if (strchr(s, ':'))
		put(o, "\"%s\"", s);
	else
		put(o, "%s", s);
}

static void put_addr(struct out *o, const struct config_addr *a)
{
	char buf[CONFIG_ADDR_STRLEN];
	put_token(o, config_addr_format(a, buf, sizeof(buf)));
}

static void put_prefix(struct out *o, const struct config_prefix *p)
{
	char buf[CONFIG_PREFIX_STRLEN];
	put_token(o, config_prefix_format(p, buf, sizeof(buf)));
}

static void put_ipv4(struct out *o, uint32_t v)
{
	put(o, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
}

static void put_addrs(struct out *o, const struct config_addr_list *l)
{
	put(o, "[");
	for (size_t i = 0; i < l->n; i++) {
		put(o, "%s", i ? ", " : "");
		put_addr(o, &l->v[i]);
	}
	put(o, "]");
}

static void put_communities(struct out *o, const struct config_u32_list *l)
{
	char buf[CONFIG_COMM_STRLEN];
	put(o, "[");
	for (size_t i = 0; i < l->n; i++) {
		put(o, "%s", i ? ", " : "");
		put_token(o, config_community_format(l->v[i], buf, sizeof(buf)));
	}
	put(o, "]");
}

static void put_larges(struct out *o, const struct config_large_list *l)
{
	char buf[CONFIG_LARGE_STRLEN];
	put(o, "[");
	for (size_t i = 0; i < l->n; i++) {
		put(o, "%s", i ? ", " : "");
		put_token(o, config_large_format(&l->v[i], buf, sizeof(buf)));
	}
	put(o, "]");
}

static void put_u32s(struct out *o, const struct config_u32_list *l)
{
	put(o, "[");
	for (size_t i = 0; i < l->n; i++)
		put(o, "%s%u", i ? ", " : "", l->v[i]);
	put(o, "]");
}

static void put_bits(struct out *o, uint32_t bits, const char *const *names, size_t n)
{
	bool first = true;
	put(o, "[");
	for (size_t i = 0; i < n; i++) {
		if (bits & (1u << i)) {
			put(o, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
	}
	put(o, "]");
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_DEBUG: return "debug";
	default: return "info";
	}
}

static const char *facility_name(int facility)
{
	static const char *const locals[] = { "local0", "local1", "local2", "local3",
					      "local4", "local5", "local6", "local7" };
	if (facility == LOG_USER)
		return "user";
	if (facility >= LOG_LOCAL0 && facility <= LOG_LOCAL7)
		return locals[(facility - LOG_LOCAL0) >> 3];
	return "daemon";
}

/* One peer field at indent `ind`, for fields that apply at this level. */
static void put_field(struct out *o, const char *ind, const struct config_peer *s,
		      enum config_peer_field f)
{
	const char *name = config_peer_field_name(f);

	switch (f) {
	case CONFIG_PF_REMOTE_AS: put(o, "%s%s: %u\n", ind, name, s->remote_as); return;
	case CONFIG_PF_LOCAL_ADDRESS:
		if (!s->local_address.af)
			return;
		put(o, "%s%s: ", ind, name);
		put_addr(o, &s->local_address);
		put(o, "\n");
		return;
	case CONFIG_PF_PORT: put(o, "%s%s: %u\n", ind, name, s->port); return;
	case CONFIG_PF_DESCRIPTION:
	case CONFIG_PF_SHUTDOWN_MESSAGE: {
		const char *v = f == CONFIG_PF_DESCRIPTION ? s->description : s->shutdown_message;
		if (!v)
			return;
		put(o, "%s%s: ", ind, name);
		put_string(o, v);
		put(o, "\n");
		return;
	}
	case CONFIG_PF_PASSWORD:
		/* a password read from a file is shown as that file */
		if (s->password && !s->password_file)
			put(o, "%s%s: \"%s\"\n", ind, name, CONFIG_SECRET_MASK);
		return;
	case CONFIG_PF_PASSWORD_FILE:
		if (!s->password_file)
			return;
		put(o, "%s%s: ", ind, name);
		put_string(o, s->password_file);
		put(o, "\n");
		return;
	case CONFIG_PF_HOLD_TIME: put(o, "%s%s: %u\n", ind, name, s->hold_time); return;
	case CONFIG_PF_KEEPALIVE: put(o, "%s%s: %u\n", ind, name, s->keepalive); return;
	case CONFIG_PF_CONNECT_RETRY: put(o, "%s%s: %u\n", ind, name, s->connect_retry); return;
	case CONFIG_PF_ADVERTISEMENT_INTERVAL:
		put(o, "%s%s: %u\n", ind, name, s->advertisement_interval);
		return;
	case CONFIG_PF_IDLE_HOLD: put(o, "%s%s: %u\n", ind, name, s->idle_hold); return;
	case CONFIG_PF_IDLE_HOLD_MAX: put(o, "%s%s: %u\n", ind, name, s->idle_hold_max); return;
	case CONFIG_PF_DELAY_OPEN: put(o, "%s%s: %u\n", ind, name, s->delay_open); return;
	case CONFIG_PF_PASSIVE: put(o, "%s%s: %s\n", ind, name, s->passive ? "true" : "false"); return;
	case CONFIG_PF_TTL_SECURITY:
		if (s->ttl_security)
			put(o, "%s%s: %u\n", ind, name, s->ttl_security);
		return;
	case CONFIG_PF_MULTIHOP:
		if (s->multihop)
			put(o, "%s%s: %u\n", ind, name, s->multihop);
		return;
	case CONFIG_PF_NEXT_HOP_SELF:
		put(o, "%s%s: %s\n", ind, name, s->next_hop_self ? "true" : "false");
		return;
	case CONFIG_PF_RR_CLIENT:
		put(o, "%s%s: %s\n", ind, name, s->rr_client ? "true" : "false");
		return;
	case CONFIG_PF_FAMILIES:
		put(o, "%s%s: ", ind, name);
		put_bits(o, s->families, walk_family_names, 2);
		put(o, "\n");
		return;
	case CONFIG_PF_MAX_PREFIX:
		if (s->max_prefix.limit)
			put(o, "%s%s: {limit: %u, action: %s, restart: %u}\n", ind, name,
			    s->max_prefix.limit,
			    s->max_prefix.action == CONFIG_MAXPFX_WARN ? "warn" : "teardown",
			    s->max_prefix.restart);
		return;
	case CONFIG_PF_IMPORT:
	case CONFIG_PF_EXPORT: {
		const char *v = f == CONFIG_PF_IMPORT ? s->import_policy : s->export_policy;
		if (v)
			put(o, "%s%s: %s\n", ind, name, v);
		return;
	}
	case CONFIG_PF_SHUTDOWN:
		put(o, "%s%s: %s\n", ind, name, s->shutdown ? "true" : "false");
		return;
	case CONFIG_PF_TRACE:
		if (s->trace) {
			put(o, "%s%s: ", ind, name);
			put_bits(o, s->trace, walk_trace_names, 7);
			put(o, "\n");
		}
		return;
	default:
		return;
	}
}

static void put_globals(struct out *o, const struct bgpd_config *c)
{
	char mode[8];

	put(o, "router-id: ");
	put_ipv4(o, c->router_id);
	put(o, "\nlocal-as: %u\n", c->local_as);
	if (c->cluster_id_set) {
		put(o, "cluster-id: ");
		put_ipv4(o, c->cluster_id);
		put(o, "\n");
	}
	put(o, "listen: ");
	put_addrs(o, &c->listen);
	put(o, "\nlisten-port: %u\n", c->listen_port);
	put(o, "control-socket:\n  path: ");
	put_string(o, c->control_socket);
	snprintf(mode, sizeof(mode), "%04o", (unsigned)c->control_socket_mode);
	put(o, "\n  mode: \"%s\"\n", mode);
	if (c->control_socket_group) {
		put(o, "  group: ");
		put_string(o, c->control_socket_group);
		put(o, "\n");
	}
	put(o, "logging:\n  destination: %s\n  level: %s\n  facility: %s\n",
	    c->log_dest == CONFIG_LOG_SYSLOG ? "syslog" : "stderr", level_name(c->log_level),
	    facility_name(c->log_facility));
	if (c->log_trace) {
		put(o, "  trace: ");
		put_bits(o, c->log_trace, walk_trace_names, 7);
		put(o, "\n");
	}
	put(o, "timers:\n  hold-time: %u\n", c->hold_time);
	if (c->keepalive)
		put(o, "  keepalive: %u\n", c->keepalive);
	put(o, "  connect-retry: %u\n  idle-hold: %u\n  idle-hold-max: %u\n  delay-open: %u\n",
	    c->connect_retry, c->idle_hold, c->idle_hold_max, c->delay_open);
}

static void put_networks(struct out *o, const struct bgpd_config *c)
{
	if (!c->n_networks)
		return;
	put(o, "networks:\n");
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct config_network *n = &c->networks[i];
		put(o, "  - prefix: ");
		put_prefix(o, &n->prefix);
		put(o, "\n");
		if (n->communities.n) {
			put(o, "    communities: ");
			put_communities(o, &n->communities);
			put(o, "\n");
		}
		if (n->large_communities.n) {
			put(o, "    large-communities: ");
			put_larges(o, &n->large_communities);
			put(o, "\n");
		}
		if (n->has_med)
			put(o, "    med: %u\n", n->med);
		if (n->has_local_pref)
			put(o, "    local-pref: %u\n", n->local_pref);
		if (n->next_hop.af) {
			put(o, "    next-hop: ");
			put_addr(o, &n->next_hop);
			put(o, "\n");
		}
	}
}

static bool match_empty(const struct config_match *m)
{
	return !m->n_prefixes && !m->contains_as.n && !m->origin_as.n && !m->has_path_len &&
	       !m->communities.n && !m->large_communities.n && !m->neighbors.n && !m->families;
}

static void put_match(struct out *o, const struct config_match *m)
{
	const char *ind = "            ";

	if (match_empty(m))
		return;         /* no conditions: the term matches every route */
	put(o, "        match:\n");
	if (m->n_prefixes) {
		put(o, "%sprefixes:\n", ind);
		for (size_t i = 0; i < m->n_prefixes; i++) {
			put(o, "%s  - {prefix: ", ind);
			put_prefix(o, &m->prefixes[i].prefix);
			put(o, ", ge: %u, le: %u}\n", m->prefixes[i].ge, m->prefixes[i].le);
		}
	}
	if (m->contains_as.n || m->origin_as.n || m->has_path_len) {
		put(o, "%sas-path:\n", ind);
		if (m->contains_as.n) {
			put(o, "%s  contains-as: ", ind);
			put_u32s(o, &m->contains_as);
			put(o, "\n");
		}
		if (m->origin_as.n) {
			put(o, "%s  origin-as: ", ind);
			put_u32s(o, &m->origin_as);
			put(o, "\n");
		}
		if (m->has_path_len)
			put(o, "%s  length: {ge: %u, le: %u}\n", ind, m->path_len_min, m->path_len_max);
	}
	if (m->communities.n) {
		put(o, "%scommunity: ", ind);
		put_communities(o, &m->communities);
		put(o, "\n");
	}
	if (m->large_communities.n) {
		put(o, "%slarge-community: ", ind);
		put_larges(o, &m->large_communities);
		put(o, "\n");
	}
	if (m->neighbors.n) {
		put(o, "%sneighbor: ", ind);
		put_addrs(o, &m->neighbors);
		put(o, "\n");
	}
	if (m->families) {
		put(o, "%sfamily: ", ind);
		put_bits(o, m->families, walk_family_names, 2);
		put(o, "\n");
	}
}

static void put_then(struct out *o, const struct config_then *t)
{
	const char *ind = "            ";

	put(o, "        then:\n");
	if (t->action != CONFIG_ACTION_NONE)
		put(o, "%saction: %s\n", ind, t->action == CONFIG_ACTION_ACCEPT ? "accept" : "reject");
	if (t->set_local_pref)
		put(o, "%sset-local-pref: %u\n", ind, t->local_pref);
	if (t->set_med)
		put(o, "%sset-med: %u\n", ind, t->med);
	if (t->add_communities.n) {
		put(o, "%sadd-community: ", ind);
		put_communities(o, &t->add_communities);
		put(o, "\n");
	}
	if (t->remove_communities.n) {
		put(o, "%sremove-community: ", ind);
		put_communities(o, &t->remove_communities);
		put(o, "\n");
	}
	if (t->add_large_communities.n) {
		put(o, "%sadd-large-community: ", ind);
		put_larges(o, &t->add_large_communities);
		put(o, "\n");
	}
	if (t->remove_large_communities.n) {
		put(o, "%sremove-large-community: ", ind);
		put_larges(o, &t->remove_large_communities);
		put(o, "\n");
	}
	if (t->prepend_count) {
		put(o, "%sprepend: {", ind);
		if (t->prepend_as)
			put(o, "as: %u, ", t->prepend_as);
		put(o, "count: %u}\n", t->prepend_count);
	}
	if (t->next_hop_kind == CONFIG_NH_SELF) {
		put(o, "%sset-next-hop: self\n", ind);
	} else if (t->next_hop_kind == CONFIG_NH_ADDRESS) {
		put(o, "%sset-next-hop: ", ind);
		put_addr(o, &t->next_hop);
		put(o, "\n");
	}
	/* an empty then would read back as "nothing": say what it means */
	if (t->action == CONFIG_ACTION_NONE && !t->set_local_pref && !t->set_med &&
	    !t->add_communities.n && !t->remove_communities.n && !t->add_large_communities.n &&
	    !t->remove_large_communities.n && !t->prepend_count &&
	    t->next_hop_kind == CONFIG_NH_KEEP)
		put(o, "%s{}\n", ind);
}

static void put_policies(struct out *o, const struct bgpd_config *c)
{
	if (!c->n_policies)
		return;
	put(o, "policies:\n");
	for (size_t i = 0; i < c->n_policies; i++) {
		const struct config_policy *p = &c->policies[i];
		put(o, "  %s:\n    default: %s\n", p->name,
		    p->default_action == CONFIG_ACTION_ACCEPT ? "accept" : "reject");
		if (!p->n_terms)
			continue;
		put(o, "    terms:\n");
		for (size_t j = 0; j < p->n_terms; j++) {
			const struct config_term *t = &p->terms[j];
			put(o, "      -\n");
			if (t->name)
				put(o, "        name: %s\n", t->name);
			put_match(o, &t->match);
			put_then(o, &t->then);
		}
	}
}

static void put_peers(struct out *o, const struct bgpd_config *c)
{
	if (c->n_peer_groups) {
		put(o, "peer-groups:\n");
		for (size_t i = 0; i < c->n_peer_groups; i++) {
			const struct config_peer_group *g = &c->peer_groups[i];
			put(o, "  %s:%s\n", g->name, g->s.set ? "" : " {}");
			for (int f = CONFIG_PF_REMOTE_AS; f < CONFIG_PF_COUNT; f++)
				if (g->s.set & CONFIG_PF_BIT(f))
					put_field(o, "    ", &g->s, (enum config_peer_field)f);
		}
	}
	if (!c->n_neighbors)
		return;
	put(o, "neighbors:\n");
	for (size_t i = 0; i < c->n_neighbors; i++) {
		const struct config_neighbor *nb = &c->neighbors[i];
		put(o, "  - address: ");
		put_addr(o, &nb->address);
		put(o, "\n");
		if (nb->peer_group)
			put(o, "    peer-group: %s\n", nb->peer_group);
		for (int f = CONFIG_PF_REMOTE_AS; f < CONFIG_PF_COUNT; f++)
			put_field(o, "    ", &nb->s, (enum config_peer_field)f);
	}
}

int config_dump(const struct bgpd_config *cfg, FILE *f)
{
	struct out o = { f, 0 };

	put(&o, "# bgpd configuration loaded from ");
	put_string(&o, cfg->source ? cfg->source : "<config>");
	put(&o, "; effective values, secrets hidden\n");
	put_globals(&o, cfg);
	put_networks(&o, cfg);
	put_policies(&o, cfg);
	put_peers(&o, cfg);
	if (fflush(f) != 0 || ferror(f))
		o.err = -1;
	return o.err;
}

char *config_dump_string(const struct bgpd_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (config_dump(cfg, f) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
