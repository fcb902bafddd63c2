/*
 * bgpd/daemon.c — the running daemon built from a config: our TCP stack on raw
 * sockets, a listener per configured address with a per-peer policy (each
 * neighbour's TCP-MD5 key and GTSM; unknown sources refused at the SYN), and
 * the peers.
 */
#include "bgpd/daemon.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control.h"
#include "bgpd/log.h"
#include "bgpd/peer.h"
#include "bgpd/rib_glue.h"
#include "bgpd/session.h"
#include "tcp/link_raw.h"

struct peer *bgpd_find_peer(const struct bgpd *d, const struct tcp_ip *addr)
{
	for (size_t i = 0; i < d->n_peers; i++)
		if (tcp_ip_eq(&d->peers[i]->addr, addr))
			return d->peers[i];
	return NULL;
}

/* The listener asks, for each SYN: is this a neighbour, and with which key and
 * TTL security? Strangers are refused before any state is kept for them. */
static int listener_policy(void *arg, const struct tcp_ip *remote, struct tcp_sock_opts *opts)
{
	struct bgpd *d = arg;
	struct peer *p = bgpd_find_peer(d, remote);
	if (!p || d->shutting_down)
		return -1;
	opts->md5 = p->md5;
	opts->gtsm_hops = p->so.gtsm_hops;
	opts->nodelay = true;
	return 0;
}

static void on_accept(struct tcp_listener *l, void *arg)
{
	struct bgpd *d = arg;
	struct tcp_conn *c;
	while ((c = tcp_accept(l))) {
		struct peer *p = bgpd_find_peer(d, &tcp_conn_remote(c)->ip);
		if (!p || d->shutting_down) {
			tcpev_abort(d->tcp, c);
			continue;
		}
		peer_accept(p, c);
	}
}

static int open_listeners(struct bgpd *d, char *err, size_t errlen)
{
	const struct bgpd_config *cfg = d->cfg;
	for (size_t i = 0; i < cfg->listen.n && d->n_listeners < BGPD_MAX_LISTENERS; i++) {
		struct tcp_endpoint ep = { 0 };
		ep.ip.af = cfg->listen.v[i].af;
		memcpy(ep.ip.a, cfg->listen.v[i].a, sizeof(ep.ip.a));
		ep.port = cfg->listen_port;
		int e = 0;
		struct tcp_listener *l = tcpev_listen(d->tcp, &ep, 64, NULL, on_accept, d, &e);
		if (!l) {
			char a[TCP_ADDRSTRLEN];
			snprintf(err, errlen, "cannot listen on %s: %s%s%s", tcp_ep_str(&ep, a, sizeof(a)),
				 strerror(e), tcp_link_raw_error(tcpev_link(d->tcp))[0] ? ": " : "",
				 tcp_link_raw_error(tcpev_link(d->tcp)));
			return -1;
		}
		tcp_listener_set_policy(l, listener_policy, d);
		d->listeners[d->n_listeners++] = l;
	}
	return 0;
}

static unsigned families_used(const struct bgpd_config *cfg)
{
	unsigned f = 0;
	for (size_t i = 0; i < cfg->listen.n; i++)
		f |= cfg->listen.v[i].af == CONFIG_AF_INET6 ? TCP_LINK_RAW_V6 : TCP_LINK_RAW_V4;
	for (size_t i = 0; i < cfg->n_neighbors; i++)
		f |= cfg->neighbors[i].address.af == CONFIG_AF_INET6 ? TCP_LINK_RAW_V6 : TCP_LINK_RAW_V4;
	return f;
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
	return 0;
}

/* The listen addresses changed: close every listener and open the new set.
 * Established sessions are unaffected (their connections are not the
 * listener's). */
int bgpd_relisten(struct bgpd *d, char *err, size_t errlen)
{
	for (unsigned i = 0; i < d->n_listeners; i++)
		tcpev_listener_close(d->tcp, d->listeners[i]);
	d->n_listeners = 0;
	return open_listeners(d, err, errlen);
}

int bgpd_start(struct bgpd *d, struct bgpd_config *cfg, char *err, size_t errlen)
{
	d->cfg = cfg;
	d->start_ms = bgpd_now_ms();
	struct tcp_config tc;
	tcp_config_default(&tc);
	tc.shared_host = true;
	struct tcp_link_raw_opts ro;
	memset(&ro, 0, sizeof(ro));
	ro.families = families_used(cfg);
	ro.port_lo = tc.port_lo;
	ro.port_hi = tc.port_hi;
	struct tcp_link *link = NULL;
	if (tcp_link_raw_open(&ro, &link, err, errlen) < 0)
		return -1;
	d->tcp = tcpev_new(d->base, link, &tc, err, errlen);
	if (!d->tcp) {
		tcp_link_close(link);
		return -1;
	}
	if (rib_glue_init(d, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < cfg->n_neighbors; i++) {
		if (add_peer(d, &cfg->neighbors[i]) < 0) {
			snprintf(err, errlen, "out of memory creating neighbors");
			return -1;
		}
	}
	if (open_listeners(d, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < d->n_peers; i++)
		peer_start(d->peers[i]);
	return 0;
}

void bgpd_stop_peers(struct bgpd *d, const char *message)
{
	d->shutting_down = true;
	for (size_t i = 0; i < d->n_peers; i++)
		peer_stop(d->peers[i], BGP_CEASE_ADMIN_SHUTDOWN, message);
}

bool bgpd_all_closed(const struct bgpd *d)
{
	for (size_t i = 0; i < d->n_peers; i++)
		if (peer_has_sessions(d->peers[i]))
			return false;
	struct tcp_stack_stats st;
	tcp_stack_stats(tcpev_stack(d->tcp), &st);
	/* Connections still finishing their close (a FIN not yet acknowledged);
	 * TIME-WAIT ones have nothing left to deliver. */
	return st.conns_live == st.conns_time_wait;
}

void bgpd_free(struct bgpd *d)
{
	/* The socket file goes first: nobody should talk to a daemon going away. */
	control_close(d->ctl);
	d->ctl = NULL;
	session_destroy_all(d);
	for (size_t i = 0; i < d->n_peers; i++)
		peer_free(d->peers[i]);
	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
	rib_glue_free(d);
	for (unsigned i = 0; i < d->n_listeners; i++)
		tcpev_listener_close(d->tcp, d->listeners[i]);
	d->n_listeners = 0;
	tcpev_free(d->tcp);
	d->tcp = NULL;
}
