/*
 * config/diff.h — what a reload (SIGHUP) changes, and how to apply it.
 *
 * Neighbours are matched by address. Each gets one class, the strongest its
 * changed fields call for (doc/bgpd.yaml.md lists every key's class):
 *   UNCHANGED  effective settings identical (an edit to its peer group that
 *              does not change what it inherits leaves it unchanged)
 *   LIVE       applies to the running session as is: description, timers
 *              only used while connecting, max-prefix, trace, ...
 *   POLICY     import/export policy (or the policy's body) changed: re-run
 *              policy with a soft refresh (RFC 2918 / Adj-RIB-Out), no reset
 *   RESET      the session must be torn down and re-established: password,
 *              remote-as, local-address, hold-time, address families, ...
 *   ADDED, REMOVED
 * A router-id, local-as or cluster-id change resets every session.
 */
#ifndef CONFIG_DIFF_H
#define CONFIG_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

enum config_change {
	CONFIG_CHANGE_UNCHANGED,
	CONFIG_CHANGE_LIVE,
	CONFIG_CHANGE_POLICY,
	CONFIG_CHANGE_RESET,
	CONFIG_CHANGE_ADDED,
	CONFIG_CHANGE_REMOVED,
};

struct config_neighbor_diff {
	struct config_addr address;
	enum config_change change;
	uint32_t fields;                /* CONFIG_PF_BIT()s whose effective value changed */
	bool refresh_in;                /* POLICY: re-evaluate received routes (import) */
	bool refresh_out;               /* POLICY: re-evaluate what we advertise (export) */
	const struct config_neighbor *old_nb, *new_nb;  /* NULL when added / removed */
};

struct config_diff {
	bool router_id, local_as, cluster_id;   /* each one resets every session */
	bool reset_all;
	bool listen;                    /* listen addresses or port: rebind */
	bool control_socket;            /* path, mode or group: recreate */
	bool logging;                   /* destination, level, facility or trace */
	struct config_neighbor_diff *neighbors; /* new order, then removed ones */
	size_t n_neighbors;
	/* networks to announce (new, or attributes changed) and to withdraw */
	const struct config_network **announce;
	size_t n_announce;
	const struct config_network **withdraw;
	size_t n_withdraw;
};

/* Compare; old_cfg and new_cfg must outlive the diff, which points into them. */
void config_diff(const struct bgpd_config *old_cfg, const struct bgpd_config *new_cfg,
		 struct config_diff *diff);
void config_diff_free(struct config_diff *diff);
const char *config_change_name(enum config_change c);
/* The class a change of field f alone calls for. */
enum config_change config_field_change_class(enum config_peer_field f);

#endif
