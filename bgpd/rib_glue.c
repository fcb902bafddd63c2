/* bgpd/rib_glue.c — see rib_glue.h. Until the RIB lands this only counts. */
#include "bgpd/rib_glue.h"

#include "bgpd/peer.h"

void rib_glue_update(struct peer *p, int slot, const uint8_t *msg, size_t len) {}
void rib_glue_refresh(struct peer *p, const uint8_t *msg, size_t len) {}
void rib_glue_established(struct peer *p, int slot) {}
void rib_glue_down(struct peer *p) { p->prefixes_received = 0; p->prefixes_advertised = 0; }
void rib_glue_peer_gone(struct peer *p) {}
void rib_glue_policy_changed(struct peer *p, bool in, bool out) {}
void rib_glue_config_changed(struct bgpd *d, const struct config_diff *diff) {}
