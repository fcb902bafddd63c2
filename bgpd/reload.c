/*
 * bgpd/reload.c — SIGHUP and `bgpcli reload`: parse and validate the file
 * first; on any error keep running the old configuration and say why; otherwise
 * apply only the difference (config/diff.h classes):
 *   UNCHANGED, LIVE  the peer keeps its session; settings used only while
 *                    connecting take effect at the next connection
 *   POLICY           no reset: the peer's routes are re-run through the policy
 *   RESET            Cease/Other Configuration Change, then a new session
 *   ADDED / REMOVED  start / Cease/Peer De-configured and forget
 * A router-id, local-as or cluster-id change resets every session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/peer.h"
#include "bgpd/daemon_ctl.h"
#include "bgpd/rib_glue.h"
#include "config/diff.h"

struct summary {
	char *buf;
	size_t len, cap;
};

static void sum_add(struct summary *s, const char *what, const struct config_addr *a)
{
	char addr[CONFIG_ADDR_STRLEN], item[96];
	config_addr_format(a, addr, sizeof(addr));
	int n = snprintf(item, sizeof(item), "%s%s %s", s->len ? ", " : "", addr, what);
	if (n <= 0)
		return;
	if (s->len + (size_t)n + 1 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		while (ncap < s->len + (size_t)n + 1)
			ncap *= 2;
		char *nb = realloc(s->buf, ncap);
		if (!nb)
			return;
		s->buf = nb;
		s->cap = ncap;
	}
	memcpy(s->buf + s->len, item, (size_t)n + 1);
	s->len += (size_t)n;
}

static size_t peer_index(struct bgpd *d, struct peer *p)
{
	for (size_t i = 0; i < d->n_peers; i++)
		if (d->peers[i] == p)
			return i;
	return d->n_peers;
}

static void remove_peer(struct bgpd *d, struct peer *p, uint8_t subcode, const char *msg)
{
	peer_stop(p, subcode, msg);
	size_t i = peer_index(d, p);
	if (i < d->n_peers) {
		d->peers[i] = d->peers[d->n_peers - 1];
		d->n_peers--;
	}
	peer_free(p);
}

static int add_peer(struct bgpd *d, const struct config_neighbor *nb)
{
	struct peer **np = realloc(d->peers, (d->n_peers + 1) * sizeof(*np));
	if (!np)
		return -1;
	d->peers = np;
	struct peer *p = peer_new(d, nb);
	if (!p)
		return -1;
	d->peers[d->n_peers++] = p;
	peer_start(p);
	return 0;
}

static void join_errors(const struct config_errors *errs, char *err, size_t errlen)
{
	size_t off = 0;
	err[0] = '\0';
	for (size_t i = 0; i < errs->n && off + 1 < errlen; i++) {
		int n = snprintf(err + off, errlen - off, "%s%s", i ? "\n" : "", errs->v[i].text);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int bgpd_reload(struct bgpd *d, char *err, size_t errlen, char **summary)
{
	struct bgpd_config *ncfg = NULL;
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	*summary = NULL;
	if (config_load_file(d->config_path, &ncfg, &errs) < 0) {
		join_errors(&errs, err, errlen);
		config_errors_free(&errs);
		return -1;      /* nothing touched */
	}
	config_errors_free(&errs);

	struct config_diff diff;
	config_diff(d->cfg, ncfg, &diff);
	struct bgpd_config *old = d->cfg;
	struct summary sum = { 0 };

	if (diff.reset_all) {
		/* Identity changed: every session restarts under the new one. */
		while (d->n_peers)
			remove_peer(d, d->peers[d->n_peers - 1], BGP_CEASE_CONFIG_CHANGE,
				    "router identity changed");
		d->cfg = ncfg;
		for (size_t i = 0; i < ncfg->n_neighbors; i++) {
			add_peer(d, &ncfg->neighbors[i]);
			sum_add(&sum, "reset", &ncfg->neighbors[i].address);
		}
	} else {
		d->cfg = ncfg;
		for (size_t i = 0; i < diff.n_neighbors; i++) {
			const struct config_neighbor_diff *nd = &diff.neighbors[i];
			struct tcp_ip ip = { .af = nd->address.af };
			memcpy(ip.a, nd->address.a, sizeof(ip.a));
			struct peer *p = bgpd_find_peer(d, &ip);
			switch (nd->change) {
			case CONFIG_CHANGE_UNCHANGED:
			case CONFIG_CHANGE_LIVE:
				if (p)
					p->nb = nd->new_nb;
				if (nd->change == CONFIG_CHANGE_LIVE)
					sum_add(&sum, "updated", &nd->address);
				break;
			case CONFIG_CHANGE_POLICY:
				if (p) {
					p->nb = nd->new_nb;
					rib_glue_policy_changed(p, nd->refresh_in, nd->refresh_out);
				}
				sum_add(&sum, "policy", &nd->address);
				break;
			case CONFIG_CHANGE_RESET:
				if (p)
					remove_peer(d, p, BGP_CEASE_CONFIG_CHANGE, "configuration changed");
				add_peer(d, nd->new_nb);
				sum_add(&sum, "reset", &nd->address);
				break;
			case CONFIG_CHANGE_ADDED:
				add_peer(d, nd->new_nb);
				sum_add(&sum, "added", &nd->address);
				break;
			case CONFIG_CHANGE_REMOVED:
				if (p)
					remove_peer(d, p, BGP_CEASE_PEER_DECONF, "neighbor removed from configuration");
				sum_add(&sum, "removed", &nd->address);
				break;
			}
		}
	}
	if (diff.listen && bgpd_relisten(d, err, errlen) < 0)
		log_msg(LOG_ERR, "reload: %s", err);
	if (diff.logging)
		log_set_level(ncfg->log_level);
	if (diff.control_socket && bgpd_control_reopen(d, old, err, errlen) < 0)
		log_msg(LOG_ERR, "reload: %s", err);
	rib_glue_config_changed(d, &diff);
	config_diff_free(&diff);
	config_free(old);
	*summary = sum.buf;
	return 0;
}
