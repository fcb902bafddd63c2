/* bgpd/rib_glue.c — see rib_glue.h. Until the RIB lands this only counts. */
#include "bgpd/rib_glue.h"

#include "bgpd/peer.h"

int rib_glue_init(struct bgpd *d, char *err, size_t errlen) { return 0; }
void rib_glue_free(struct bgpd *d) {}
void rib_glue_writable(struct peer *p, int slot) {}
void rib_glue_update(struct peer *p, int slot, const uint8_t *msg, size_t len) {}
void rib_glue_refresh(struct peer *p, const uint8_t *msg, size_t len) {}
void rib_glue_established(struct peer *p, int slot) {}
void rib_glue_down(struct peer *p) { p->prefixes_received = 0; p->prefixes_advertised = 0; }
void rib_glue_peer_gone(struct peer *p) {}
void rib_glue_policy_changed(struct peer *p, bool in, bool out) {}
void rib_glue_config_changed(struct bgpd *d, const struct config_diff *diff) {}

#include <stdio.h>

#include "bgpd/control.h"

/* The route commands answer only once the RIB is wired in (issue 5). */
static int no_rib(char *err, size_t errlen)
{
	snprintf(err, errlen, "this bgpd has no routing table yet");
	return CONTROL_ERR;
}

int rib_glue_ctl_routes(struct bgpd *d, const json_t *args, json_t **result, char *err,
                        size_t errlen) { return no_rib(err, errlen); }
int rib_glue_ctl_announce(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen) { return no_rib(err, errlen); }
int rib_glue_ctl_withdraw(struct bgpd *d, const json_t *args, json_t **result, char *err,
                          size_t errlen) { return no_rib(err, errlen); }
void rib_glue_ctl_summary(struct bgpd *d, json_t *summary) {}
