/*
 * bgpd/rib_glue_int.h — the state the routing glue keeps, shared by its files:
 *
 *   rib_glue.c       sessions up/down, UPDATE and ROUTE-REFRESH in, import
 *                    policy, max-prefix, reload, the work event
 *   rib_glue_out.c   export (rules + policy) into each peer's Adj-RIB-Out,
 *                    table dumps, UPDATE packing onto the session, End-of-RIB
 *   rib_glue_local.c our own routes: configured networks, announce/withdraw
 *   rib_glue_ctl.c   show routes / show summary / announce / withdraw commands
 *   nexthop.c        next-hop reachability from the kernel's routing table
 *
 * The RIB, attribute sets, policy and export rules are pure (bgpd/rib.h,
 * attrset.h, adjout.h, policy.h, export.h); this glue is the driver that feeds
 * them and turns their output into messages.
 */
#ifndef BGPD_RIB_GLUE_INT_H
#define BGPD_RIB_GLUE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "bgpd/adjout.h"
#include "bgpd/attrset.h"
#include "bgpd/export.h"
#include "bgpd/nexthop.h"
#include "bgpd/policy.h"
#include "bgpd/rib.h"
#include "bgpd/update.h"

struct bgpd;
struct peer;
struct event;

#define RG_NO_ID            UINT32_MAX
/* Work per turn of the event loop, so a full table never starves keepalives. */
#define RG_WORK_BUDGET      20000u      /* prefixes moved per turn (each step) */
#define RG_MSGS_PER_TURN    256u        /* UPDATEs built per peer per turn */
#define RG_AF_N             2
#define RG_BATCH            512u        /* prefixes per rib_update_many */           /* [0] IPv4 unicast, [1] IPv6 unicast */

static inline int rg_af_index(uint16_t afi) { return afi == BGP_AFI_IPV6; }
static inline uint16_t rg_af_afi(int i) { return i ? BGP_AFI_IPV6 : BGP_AFI_IPV4; }

/* One peer's routing side, while it has one. */
struct rg_peer {
	struct peer *p;
	struct rg_peer *next;           /* in rib_glue.up */
	uint32_t id;                    /* rib peer id while Established */
	int slot;                       /* the Established connection */
	bool ibgp;
	struct bgp_update_ctx uctx;     /* negotiated (4-octet AS, families, ext msg) */
	struct adjout *out;
	bool af[RG_AF_N];               /* family negotiated */
	bool can_export[RG_AF_N];       /* we have a next hop of ours for it */
	uint8_t self4[4], self6[16];
	bool has_self4, has_self6;
	bool peer_rr, peer_err;         /* the peer does route refresh / enhanced */
	/* A walk of the Loc-RIB exporting everything to this peer (after
	 * Established, a route refresh or a soft reset out), resumable. */
	bool dumping;
	bool dump_started;
	struct bgp_prefix dump_from;
	bool eor_due[RG_AF_N];          /* End-of-RIB (or EoRR) once the dump is out */
	bool eorr[RG_AF_N];             /* ... as an enhanced route refresh EoRR */
	uint64_t mrai_until_ms;
	struct event *mrai_timer;
	size_t adj_in[RG_AF_N];         /* paths held from it, by family */
	bool max_warned;
};

/* A route of our own (configured network and/or runtime announcement). */
struct rg_local {
	struct bgp_prefix prefix;
	const struct attrset *cfg;      /* from `networks`, or NULL */
	const struct attrset *cli;      /* from `bgpcli announce`, or NULL (wins) */
};

struct rib_glue {
	struct bgpd *d;
	struct attrset_table *attrs;
	struct rib *rib;
	struct rib_cfg rcfg;
	struct export_cfg ecfg;
	struct event *work;
	struct rg_peer *up;             /* Established peers */
	uint32_t *flushing;             /* rib ids of peers gone down, being emptied */
	size_t n_flushing, cap_flushing;
	struct rg_local *local;
	size_t n_local, cap_local;
	struct nexthop_cache nh;
	uint64_t update_errors;         /* RFC 7606 outcomes other than ok */
	size_t adj_in[RG_AF_N];         /* Adj-RIB-In paths of Established peers, by family */
	/* Prefixes of one UPDATE on their way to the RIB together. */
	struct bgp_prefix batch[RG_BATCH];
	size_t batch_n;
	const struct attrset *batch_in, *batch_eff;
	uint32_t batch_flags;
	/* Big, reused buffers: never on the stack. */
	struct bgp_update u;
	struct policy_scratch ps_in, ps_exp, ps_pol;
	uint8_t msgbuf[BGP_EXT_MAX_LEN];
};

/* rib_glue.c */
struct rib_glue *rg_of(struct bgpd *d);
void rg_kick(struct rib_glue *g);                   /* schedule the work event */
/* rib_glue_out.c */
void rg_export_prefix(struct rib_glue *g, const struct bgp_prefix *pfx);
void rg_export_to(struct rib_glue *g, struct rg_peer *gp, const struct rib_entry *e);
bool rg_dump_step(struct rib_glue *g, struct rg_peer *gp, size_t budget);
/* Build and queue UPDATEs while the session takes them; true when more could go
 * out at once (the turn's budget ran out), false when waiting for the session to
 * drain, the MRAI timer, or nothing is pending. */
bool rg_send(struct rib_glue *g, struct rg_peer *gp);
void rg_start_dump(struct rib_glue *g, struct rg_peer *gp, bool eor, bool eorr,
                   int only_af);
/* rib_glue_local.c */
int rg_local_set(struct rib_glue *g, const struct bgp_prefix *p, const struct bgp_attrs *a,
                 bool cli);
int rg_local_unset(struct rib_glue *g, const struct bgp_prefix *p, bool cli);
int rg_local_from_network(const struct config_network *n, struct bgp_prefix *p,
                          struct bgp_attrs *a, uint8_t *store, size_t cap);
void rg_local_free(struct rib_glue *g);

#endif /* BGPD_RIB_GLUE_INT_H */
