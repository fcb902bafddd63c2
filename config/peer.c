/*
 * config/peer.c — neighbours and peer groups.
 *
 * Both use one key table (peer_keys, indexed by enum config_peer_field), so a
 * group can hold any setting a neighbour can, bar its address and group. A
 * neighbour inherits every field its group sets and it does not (validate.c).
 */
#include <stdlib.h>
#include <string.h>

#include "config/mem.h"
#include "config/schema.h"
#include "config/value.h"

#define AS_TRANS 23456          /* RFC 6793 9: a placeholder, never a real AS */
#define PATH_MAX_LEN 4095
#define TTL_SECURITY_MAX 254    /* RFC 5082: TTL 255 - hops must stay >= 1 */
#define HOLD_TIME_MIN 3         /* RFC 4271 4.2: 0 or at least three seconds */
#define KEEPALIVE_MAX (UINT16_MAX / 3)

static const char *const peer_keys[CONFIG_PF_COUNT] = {
	[CONFIG_PF_ADDRESS] = "address",
	[CONFIG_PF_PEER_GROUP] = "peer-group",
	[CONFIG_PF_REMOTE_AS] = "remote-as",
	[CONFIG_PF_LOCAL_ADDRESS] = "local-address",
	[CONFIG_PF_PORT] = "port",
	[CONFIG_PF_DESCRIPTION] = "description",
	[CONFIG_PF_PASSWORD] = "password",
	[CONFIG_PF_PASSWORD_FILE] = "password-file",
	[CONFIG_PF_HOLD_TIME] = "hold-time",
	[CONFIG_PF_KEEPALIVE] = "keepalive",
	[CONFIG_PF_CONNECT_RETRY] = "connect-retry",
	[CONFIG_PF_ADVERTISEMENT_INTERVAL] = "advertisement-interval",
	[CONFIG_PF_IDLE_HOLD] = "idle-hold",
	[CONFIG_PF_IDLE_HOLD_MAX] = "idle-hold-max",
	[CONFIG_PF_DELAY_OPEN] = "delay-open",
	[CONFIG_PF_PASSIVE] = "passive",
	[CONFIG_PF_TTL_SECURITY] = "ttl-security",
	[CONFIG_PF_MULTIHOP] = "multihop",
	[CONFIG_PF_NEXT_HOP_SELF] = "next-hop-self",
	[CONFIG_PF_RR_CLIENT] = "route-reflector-client",
	[CONFIG_PF_FAMILIES] = "address-families",
	[CONFIG_PF_MAX_PREFIX] = "max-prefix",
	[CONFIG_PF_IMPORT] = "import",
	[CONFIG_PF_EXPORT] = "export",
	[CONFIG_PF_SHUTDOWN] = "shutdown",
	[CONFIG_PF_SHUTDOWN_MESSAGE] = "shutdown-message",
	[CONFIG_PF_TRACE] = "trace",
};

const char *config_peer_field_name(enum config_peer_field f)
{
	return (unsigned)f < CONFIG_PF_COUNT ? peer_keys[f] : "?";
}

static bool read_remote_as(struct walk *w, const char *what, const struct ynode *n,
			   uint32_t *out)
{
	uint32_t as;

	if (!walk_asn(w, what, n, &as))
		return false;
	if (as == AS_TRANS) {
		walk_error(w, n, "%s: 23456 is AS_TRANS (RFC 6793), not a real AS", what);
		return false;
	}
	*out = as;
	return true;
}

static bool read_hold_time(struct walk *w, const char *what, const struct ynode *n,
			   uint16_t *out)
{
	char desc[WALK_DESCRIBE_LEN];
	uint32_t v;

	if (!walk_scalar(w, what, n, "an integer"))
		return false;
	if (value_u32_range(n->text, 0, UINT16_MAX, &v) != VALUE_OK ||
	    (v > 0 && v < HOLD_TIME_MIN)) {
		walk_error(w, n, "%s: expected 0 or %d..65535 seconds (RFC 4271 4.2), got %s", what,
			   HOLD_TIME_MIN, walk_describe(n, desc, sizeof(desc)));
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

/* max-prefix: 1000, or {limit: 1000, action: warn|teardown, restart: 300} */
static bool read_max_prefix(struct walk *w, const struct ynode *n, struct config_max_prefix *mp)
{
	static const char *const keys[] = { "limit", "action", "restart" };
	static const char *const actions[] = { "teardown", "warn" };
	const struct ynode *v[3];
	struct config_max_prefix m = { .action = CONFIG_MAXPFX_TEARDOWN };
	bool ok = true;
	int action;

	if (n->kind == YNODE_SCALAR) {
		if (!walk_u32(w, "max-prefix", n, 1, UINT32_MAX, &m.limit))
			return false;
		*mp = m;
		return true;
	}
	if (!walk_fields(w, n, "max-prefix", keys, 3, v))
		return false;
	if (!v[0]) {
		walk_missing(w, n, "max-prefix", "limit");
		ok = false;
	} else {
		ok &= walk_u32(w, "limit", v[0], 1, UINT32_MAX, &m.limit);
	}
	if (v[1]) {
		ok &= walk_enum(w, "action", v[1], actions, 2, &action);
		m.action = (enum config_max_prefix_action)action;
	}
	if (v[2])
		ok &= walk_u32(w, "restart", v[2], 0, UINT16_MAX, &m.restart);
	if (ok)
		*mp = m;
	return ok;
}

bool peer_read_field(struct walk *w, enum config_peer_field f, const struct ynode *n,
		     struct config_peer *p)
{
	const char *what = peer_keys[f];
	bool ok;

	switch (f) {
	case CONFIG_PF_REMOTE_AS:
		ok = read_remote_as(w, what, n, &p->remote_as);
		break;
	case CONFIG_PF_LOCAL_ADDRESS:
		ok = walk_addr(w, what, n, 0, &p->local_address);
		break;
	case CONFIG_PF_PORT:
		ok = walk_u16(w, what, n, 1, UINT16_MAX, &p->port);
		break;
	case CONFIG_PF_DESCRIPTION:
		ok = walk_string(w, what, n, CONFIG_DESCRIPTION_MAX, &p->description);
		break;
	case CONFIG_PF_PASSWORD:
		ok = walk_secret(w, what, n, CONFIG_TCP_MD5_MAX_KEY, &p->password);
		break;
	case CONFIG_PF_PASSWORD_FILE:
		ok = walk_string(w, what, n, PATH_MAX_LEN, &p->password_file);
		break;
	case CONFIG_PF_HOLD_TIME:
		ok = read_hold_time(w, what, n, &p->hold_time);
		break;
	case CONFIG_PF_KEEPALIVE:
		ok = walk_u16(w, what, n, 0, KEEPALIVE_MAX, &p->keepalive);
		break;
	case CONFIG_PF_CONNECT_RETRY:
		ok = walk_u16(w, what, n, 1, UINT16_MAX, &p->connect_retry);
		break;
	case CONFIG_PF_ADVERTISEMENT_INTERVAL:
		ok = walk_u16(w, what, n, 0, UINT16_MAX, &p->advertisement_interval);
		break;
	case CONFIG_PF_IDLE_HOLD:
		ok = walk_u16(w, what, n, 1, UINT16_MAX, &p->idle_hold);
		break;
	case CONFIG_PF_IDLE_HOLD_MAX:
		ok = walk_u16(w, what, n, 1, UINT16_MAX, &p->idle_hold_max);
		break;
	case CONFIG_PF_DELAY_OPEN:
		ok = walk_u16(w, what, n, 0, UINT16_MAX, &p->delay_open);
		break;
	case CONFIG_PF_PASSIVE:
		ok = walk_bool(w, what, n, &p->passive);
		break;
	case CONFIG_PF_TTL_SECURITY:
		ok = walk_u8(w, what, n, 1, TTL_SECURITY_MAX, &p->ttl_security);
		break;
	case CONFIG_PF_MULTIHOP:
		ok = walk_u8(w, what, n, 1, UINT8_MAX, &p->multihop);
		break;
	case CONFIG_PF_NEXT_HOP_SELF:
		ok = walk_bool(w, what, n, &p->next_hop_self);
		break;
	case CONFIG_PF_RR_CLIENT:
		ok = walk_bool(w, what, n, &p->rr_client);
		break;
	case CONFIG_PF_FAMILIES:
		ok = walk_families(w, what, n, true, &p->families);
		break;
	case CONFIG_PF_MAX_PREFIX:
		ok = read_max_prefix(w, n, &p->max_prefix);
		break;
	case CONFIG_PF_IMPORT:
		ok = walk_name(w, what, n, &p->import_policy);
		break;
	case CONFIG_PF_EXPORT:
		ok = walk_name(w, what, n, &p->export_policy);
		break;
	case CONFIG_PF_SHUTDOWN:
		ok = walk_bool(w, what, n, &p->shutdown);
		break;
	case CONFIG_PF_SHUTDOWN_MESSAGE:
		ok = walk_string(w, what, n, CONFIG_SHUTDOWN_MSG_MAX, &p->shutdown_message);
		break;
	case CONFIG_PF_TRACE:
		ok = walk_trace(w, what, n, &p->trace);
		break;
	default:
		return false;   /* address and peer-group belong to the neighbour */
	}
	/* given, even if invalid: the error is out, and "missing" would be wrong */
	p->set |= CONFIG_PF_BIT(f);
	p->pos[f] = walk_pos(n);
	return ok;
}

/* The secret is one setting given two ways: exactly one per level. */
static void read_secret(struct walk *w, const struct ynode *const *v, struct config_peer *p)
{
	const struct ynode *pw = v[CONFIG_PF_PASSWORD], *file = v[CONFIG_PF_PASSWORD_FILE];

	if (pw && file) {
		walk_error(w, file,
			   "password-file: cannot be used together with password (line %u, column %u); keep one",
			   pw->line, pw->column);
		p->set &= ~CONFIG_PF_BIT(CONFIG_PF_PASSWORD_FILE);
		return;
	}
	if (p->set & CONFIG_PF_BIT(CONFIG_PF_PASSWORD_FILE))
		secret_read(w, p->pos[CONFIG_PF_PASSWORD_FILE], p->password_file, &p->password);
}

/* Settings of a neighbour (nb != NULL) or a peer group (nb == NULL). */
static void read_settings(struct walk *w, const struct ynode *map, const char *where,
			  struct config_neighbor *nb, struct config_peer *p)
{
	const struct ynode *v[CONFIG_PF_COUNT];

	if (!walk_fields(w, map, where, peer_keys, CONFIG_PF_COUNT, v))
		return;
	for (int f = 0; f < CONFIG_PF_COUNT; f++) {
		if (!v[f])
			continue;
		if (f == CONFIG_PF_ADDRESS || f == CONFIG_PF_PEER_GROUP) {
			if (!nb) {
				walk_error(w, v[f], "%s: not allowed in a peer group", peer_keys[f]);
				continue;
			}
			if (f == CONFIG_PF_ADDRESS ? walk_addr(w, peer_keys[f], v[f], 0, &nb->address)
						   : walk_name(w, peer_keys[f], v[f], &nb->peer_group)) {
				p->set |= CONFIG_PF_BIT(f);
				p->pos[f] = walk_pos(v[f]);
			}
			continue;
		}
		peer_read_field(w, (enum config_peer_field)f, v[f], p);
	}
	read_secret(w, v, p);
}

static bool map_has_key(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (map->pairs[i].key->kind == YNODE_SCALAR &&
		    strcmp(map->pairs[i].key->text, key) == 0)
			return true;
	return false;
}

void peer_read_neighbors(struct walk *w, const struct ynode *list)
{
	struct bgpd_config *cfg = w->cfg;
	struct walk_list l;

	if (!walk_list(w, "neighbors", list, false, &l))
		return;
	cfg->neighbors = cfg_calloc(l.n, sizeof(*cfg->neighbors));
	for (size_t i = 0; i < l.n; i++) {
		struct config_neighbor *nb = &cfg->neighbors[cfg->n_neighbors];
		const struct ynode *item = l.v[i];

		if (!walk_is_map(w, "neighbor", item))
			continue;
		nb->pos = walk_pos(item);
		read_settings(w, item, "neighbor", nb, &nb->s);
		if (!(nb->s.set & CONFIG_PF_BIT(CONFIG_PF_ADDRESS))) {
			/* an address that failed to parse was reported already */
			if (!map_has_key(item, peer_keys[CONFIG_PF_ADDRESS]))
				walk_missing(w, item, "neighbor", "address");
			free(nb->peer_group);
			peer_clear(&nb->s);
			memset(nb, 0, sizeof(*nb));
			continue;
		}
		cfg->n_neighbors++;
	}
}

void peer_read_groups(struct walk *w, const struct ynode *map)
{
	struct bgpd_config *cfg = w->cfg;

	if (!walk_is_map(w, "peer-groups", map))
		return;
	cfg->peer_groups = cfg_calloc(map->n, sizeof(*cfg->peer_groups));
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *key = map->pairs[i].key, *val = map->pairs[i].value;
		struct config_peer_group *g = &cfg->peer_groups[cfg->n_peer_groups];
		char *where;

		if (!walk_scalar(w, "peer-groups", key, "a peer group name") ||
		    !walk_name_text(w, "peer-groups", key, key->text))
			continue;
		g->name = cfg_strdup(key->text);
		g->pos = walk_pos(key);
		where = cfg_asprintf("peer-group '%s'", g->name);
		read_settings(w, val, where, NULL, &g->s);
		free(where);
		cfg->n_peer_groups++;
	}
}

void peer_copy_field(struct config_peer *dst, const struct config_peer *src,
		     enum config_peer_field f)
{
	switch (f) {
	case CONFIG_PF_REMOTE_AS: dst->remote_as = src->remote_as; break;
	case CONFIG_PF_LOCAL_ADDRESS: dst->local_address = src->local_address; break;
	case CONFIG_PF_PORT: dst->port = src->port; break;
	case CONFIG_PF_DESCRIPTION:
		free(dst->description);
		dst->description = src->description ? cfg_strdup(src->description) : NULL;
		break;
	case CONFIG_PF_PASSWORD:
		free(dst->password);
		dst->password = src->password ? cfg_strdup(src->password) : NULL;
		break;
	case CONFIG_PF_PASSWORD_FILE:
		free(dst->password_file);
		dst->password_file = src->password_file ? cfg_strdup(src->password_file) : NULL;
		break;
	case CONFIG_PF_HOLD_TIME: dst->hold_time = src->hold_time; break;
	case CONFIG_PF_KEEPALIVE: dst->keepalive = src->keepalive; break;
	case CONFIG_PF_CONNECT_RETRY: dst->connect_retry = src->connect_retry; break;
	case CONFIG_PF_ADVERTISEMENT_INTERVAL:
		dst->advertisement_interval = src->advertisement_interval;
		break;
	case CONFIG_PF_IDLE_HOLD: dst->idle_hold = src->idle_hold; break;
	case CONFIG_PF_IDLE_HOLD_MAX: dst->idle_hold_max = src->idle_hold_max; break;
	case CONFIG_PF_DELAY_OPEN: dst->delay_open = src->delay_open; break;
	case CONFIG_PF_PASSIVE: dst->passive = src->passive; break;
	case CONFIG_PF_TTL_SECURITY: dst->ttl_security = src->ttl_security; break;
	case CONFIG_PF_MULTIHOP: dst->multihop = src->multihop; break;
	case CONFIG_PF_NEXT_HOP_SELF: dst->next_hop_self = src->next_hop_self; break;
	case CONFIG_PF_RR_CLIENT: dst->rr_client = src->rr_client; break;
	case CONFIG_PF_FAMILIES: dst->families = src->families; break;
	case CONFIG_PF_MAX_PREFIX: dst->max_prefix = src->max_prefix; break;
	case CONFIG_PF_IMPORT:
		free(dst->import_policy);
		dst->import_policy = src->import_policy ? cfg_strdup(src->import_policy) : NULL;
		break;
	case CONFIG_PF_EXPORT:
		free(dst->export_policy);
		dst->export_policy = src->export_policy ? cfg_strdup(src->export_policy) : NULL;
		break;
	case CONFIG_PF_SHUTDOWN: dst->shutdown = src->shutdown; break;
	case CONFIG_PF_SHUTDOWN_MESSAGE:
		free(dst->shutdown_message);
		dst->shutdown_message = src->shutdown_message ?
			cfg_strdup(src->shutdown_message) : NULL;
		break;
	case CONFIG_PF_TRACE: dst->trace = src->trace; break;
	default: return;
	}
	dst->pos[f] = src->pos[f];
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool peer_field_equal(const struct config_peer *a, const struct config_peer *b,
		      enum config_peer_field f)
{
	switch (f) {
	case CONFIG_PF_REMOTE_AS: return a->remote_as == b->remote_as;
	case CONFIG_PF_LOCAL_ADDRESS: return config_addr_equal(&a->local_address, &b->local_address);
	case CONFIG_PF_PORT: return a->port == b->port;
	case CONFIG_PF_DESCRIPTION: return str_equal(a->description, b->description);
	case CONFIG_PF_PASSWORD: return str_equal(a->password, b->password);
	case CONFIG_PF_PASSWORD_FILE: return str_equal(a->password_file, b->password_file);
	case CONFIG_PF_HOLD_TIME: return a->hold_time == b->hold_time;
	case CONFIG_PF_KEEPALIVE: return a->keepalive == b->keepalive;
	case CONFIG_PF_CONNECT_RETRY: return a->connect_retry == b->connect_retry;
	case CONFIG_PF_ADVERTISEMENT_INTERVAL:
		return a->advertisement_interval == b->advertisement_interval;
	case CONFIG_PF_IDLE_HOLD: return a->idle_hold == b->idle_hold;
	case CONFIG_PF_IDLE_HOLD_MAX: return a->idle_hold_max == b->idle_hold_max;
	case CONFIG_PF_DELAY_OPEN: return a->delay_open == b->delay_open;
	case CONFIG_PF_PASSIVE: return a->passive == b->passive;
	case CONFIG_PF_TTL_SECURITY: return a->ttl_security == b->ttl_security;
	case CONFIG_PF_MULTIHOP: return a->multihop == b->multihop;
	case CONFIG_PF_NEXT_HOP_SELF: return a->next_hop_self == b->next_hop_self;
	case CONFIG_PF_RR_CLIENT: return a->rr_client == b->rr_client;
	case CONFIG_PF_FAMILIES: return a->families == b->families;
	case CONFIG_PF_MAX_PREFIX:
		return a->max_prefix.limit == b->max_prefix.limit &&
		       a->max_prefix.action == b->max_prefix.action &&
		       a->max_prefix.restart == b->max_prefix.restart;
	case CONFIG_PF_IMPORT: return str_equal(a->import_policy, b->import_policy);
	case CONFIG_PF_EXPORT: return str_equal(a->export_policy, b->export_policy);
	case CONFIG_PF_SHUTDOWN: return a->shutdown == b->shutdown;
	case CONFIG_PF_SHUTDOWN_MESSAGE: return str_equal(a->shutdown_message, b->shutdown_message);
	case CONFIG_PF_TRACE: return a->trace == b->trace;
	default: return true;
	}
}

void peer_clear(struct config_peer *p)
{
	if (p->password) {
		explicit_bzero(p->password, strlen(p->password));
		free(p->password);
	}
	free(p->password_file);
	free(p->description);
	free(p->import_policy);
	free(p->export_policy);
	free(p->shutdown_message);
	memset(p, 0, sizeof(*p));
}
