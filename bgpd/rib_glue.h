/*
 * bgpd/rib_glue.h — where sessions meet the routing tables: an UPDATE or a
 * ROUTE-REFRESH received, a session established or gone. The RIB itself
 * (bgpd/rib*.c) is pure; this is the only place that knows both sides.
 */
#ifndef BGPD_RIB_GLUE_H
#define BGPD_RIB_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct peer;

struct bgpd;
/* The daemon's routing tables, and our configured networks in them. */
int rib_glue_init(struct bgpd *d, char *err, size_t errlen);
void rib_glue_free(struct bgpd *d);
/* The session in slot has sent everything queued: more UPDATEs may go. */
void rib_glue_writable(struct peer *p, int slot);
void rib_glue_update(struct peer *p, int slot, const uint8_t *msg, size_t len);
void rib_glue_refresh(struct peer *p, const uint8_t *msg, size_t len);
void rib_glue_established(struct peer *p, int slot);
void rib_glue_down(struct peer *p);
void rib_glue_peer_gone(struct peer *p);
/* Reload: a peer's import/export policy changed (soft refresh, no reset);
 * global changes (networks to announce/withdraw). */
void rib_glue_policy_changed(struct peer *p, bool in, bool out);
struct bgpd;
struct config_diff;
void rib_glue_config_changed(struct bgpd *d, const struct config_diff *diff);

/* Control commands the routing side answers (bgpd/daemon_ctl.c registers them;
 * arguments and results as doc/control.md defines; returns 0 or CONTROL_ERR_*). */

int rib_glue_ctl_routes(struct bgpd *d, const json_t *args, json_t **result, char *err,
                        size_t errlen);
int rib_glue_ctl_announce(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen);
int rib_glue_ctl_withdraw(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen);
/* Add "routes", "rib_memory_bytes" and "attribute_sets" to a show summary result. */
void rib_glue_ctl_summary(struct bgpd *d, json_t *summary);

#endif /* BGPD_RIB_GLUE_H */
