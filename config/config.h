/*
 * config/config.h — the daemon's validated configuration and how to load it.
 *
 * DOC: a YAML file (doc/bgpd.yaml.md) goes through three stages:
 *   config/yaml.c      libyaml events -> a small node tree with 1-based positions
 *   config/schema.c,   the node tree -> typed structs, one table of keys per
 *   peer.c, policy.c   mapping; every value is range-checked where it is read
 *   config/validate.c  cross-checks that need the whole file: required keys,
 *                      peer-group inheritance, policy references, duplicates
 * Every stage appends to one error list and carries on, so one run reports every
 * problem in the file. Nothing here prints; config/dump.c renders a loaded
 * config as YAML with secrets masked, config/diff.c compares two for a reload.
 *
 * Addresses are binary, network byte order, in the same layout as tcp/addr.h's
 * struct tcp_ip (af 4 or 6, 16 bytes, IPv4 in the first four). Identifiers that
 * BGP carries as 32-bit numbers (router-id, cluster-id) are host byte order.
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/errors.h"

#define CONFIG_AF_INET  4       /* same values as TCP_AF_INET / TCP_AF_INET6 */
#define CONFIG_AF_INET6 6

struct config_addr {
	uint8_t af;             /* CONFIG_AF_INET, CONFIG_AF_INET6; 0 = not set */
	uint8_t a[16];
};

struct config_prefix {
	uint8_t af;
	uint8_t len;            /* 0..32 or 0..128; host bits are always zero */
	uint8_t a[16];
};

struct config_pos {
	unsigned line, column;  /* 1-based; 0 = not from the file (a default) */
};

/* Address families a session negotiates (RFC 4760 AFI/SAFI), as a bit set. */
#define CONFIG_FAM_IPV4_UNICAST 0x1u
#define CONFIG_FAM_IPV6_UNICAST 0x2u

/* Trace categories, per neighbour and global (logging.trace), as a bit set. */
#define CONFIG_TRACE_FSM          0x01u
#define CONFIG_TRACE_OPEN         0x02u
#define CONFIG_TRACE_UPDATE       0x04u
#define CONFIG_TRACE_KEEPALIVE    0x08u
#define CONFIG_TRACE_NOTIFICATION 0x10u
#define CONFIG_TRACE_REFRESH      0x20u
#define CONFIG_TRACE_POLICY       0x40u
#define CONFIG_TRACE_ALL          0x7fu

/* Defaults, documented in doc/bgpd.yaml.md. */
#define CONFIG_DEFAULT_PORT            179
#define CONFIG_DEFAULT_HOLD_TIME       90     /* RFC 4271 10: suggested 90 s */
#define CONFIG_DEFAULT_CONNECT_RETRY   120    /* RFC 4271 10: suggested 120 s */
#define CONFIG_DEFAULT_IDLE_HOLD       5      /* first IdleHoldTime, RFC 4271 8.1.1 */
#define CONFIG_DEFAULT_IDLE_HOLD_MAX   120    /* ceiling of its exponential backoff */
#define CONFIG_DEFAULT_DELAY_OPEN      0      /* DelayOpen off */
#define CONFIG_DEFAULT_SOCKET_PATH     "/run/bgpd/bgpd.sock"
#define CONFIG_DEFAULT_SOCKET_MODE     0660
#define CONFIG_TCP_MD5_MAX_KEY         80     /* TCP_MD5SIG_MAXKEYLEN, RFC 2385 */
#define CONFIG_SHUTDOWN_MSG_MAX        255    /* RFC 9003 2: one length octet */
#define CONFIG_NAME_MAX                63     /* peer-group / policy / term names */
#define CONFIG_DESCRIPTION_MAX         255

/*
 * The settings a neighbour and a peer group share. Each has a field number, the
 * bit (1 << field) in `set` says the file gave it at this level, and pos[field]
 * is where. A neighbour's struct holds its effective values: its own, else its
 * group's, else the global defaults.
 */
enum config_peer_field {
	CONFIG_PF_ADDRESS,              /* neighbour only */
	CONFIG_PF_PEER_GROUP,           /* neighbour only */
	CONFIG_PF_REMOTE_AS,
	CONFIG_PF_LOCAL_ADDRESS,
	CONFIG_PF_PORT,
	CONFIG_PF_DESCRIPTION,
	CONFIG_PF_PASSWORD,
	CONFIG_PF_PASSWORD_FILE,
	CONFIG_PF_HOLD_TIME,
	CONFIG_PF_KEEPALIVE,
	CONFIG_PF_CONNECT_RETRY,
	CONFIG_PF_IDLE_HOLD,
	CONFIG_PF_IDLE_HOLD_MAX,
	CONFIG_PF_DELAY_OPEN,
	CONFIG_PF_PASSIVE,
	CONFIG_PF_TTL_SECURITY,
	CONFIG_PF_MULTIHOP,
	CONFIG_PF_NEXT_HOP_SELF,
	CONFIG_PF_RR_CLIENT,
	CONFIG_PF_FAMILIES,
	CONFIG_PF_MAX_PREFIX,
	CONFIG_PF_IMPORT,
	CONFIG_PF_EXPORT,
	CONFIG_PF_SHUTDOWN,
	CONFIG_PF_SHUTDOWN_MESSAGE,
	CONFIG_PF_TRACE,
	CONFIG_PF_ADVERTISEMENT_INTERVAL,
	CONFIG_PF_COUNT
};
#define CONFIG_PF_BIT(f) ((uint32_t)1 << (f))

enum config_max_prefix_action {
	CONFIG_MAXPFX_TEARDOWN,         /* Cease/Max Prefixes, RFC 4486 */
	CONFIG_MAXPFX_WARN,
};

struct config_max_prefix {
	uint32_t limit;                 /* 0 = no limit */
	enum config_max_prefix_action action;
	uint32_t restart;               /* seconds before reconnecting; 0 = stay down */
};

struct config_peer {
	uint32_t remote_as;             /* 0 = not set (only possible in a group) */
	struct config_addr local_address;       /* af 0 = chosen by routing */
	uint16_t port;
	char *description;              /* NULL = none */
	char *password;                 /* TCP-MD5 key; secret, NULL = none */
	char *password_file;            /* where password was read from, or NULL */
	uint16_t hold_time;             /* 0 or 3..65535 */
	uint16_t keepalive;             /* effective: hold_time / 3 unless set */
	uint16_t connect_retry, idle_hold, idle_hold_max, delay_open;
	uint16_t advertisement_interval;        /* MRAI seconds, RFC 4271 §9.2.1.1; 0 = off */
	bool passive, next_hop_self, rr_client, shutdown;
	uint8_t ttl_security;           /* GTSM (RFC 5082) hop count; 0 = off */
	uint8_t multihop;               /* outgoing TTL for eBGP multihop; 0 = off */
	uint32_t families;              /* CONFIG_FAM_* */
	struct config_max_prefix max_prefix;
	char *import_policy, *export_policy;    /* names; NULL = none */
	char *shutdown_message;         /* RFC 9003 text; NULL = none */
	uint32_t trace;                 /* CONFIG_TRACE_* */
	uint32_t set;                   /* CONFIG_PF_BIT()s given at this level */
	struct config_pos pos[CONFIG_PF_COUNT];
};

struct config_policy;

struct config_neighbor {
	struct config_addr address;
	char *peer_group;               /* NULL = none */
	struct config_peer s;           /* effective settings */
	const struct config_policy *import, *export;    /* resolved; NULL = none */
	struct config_pos pos;
};

struct config_peer_group {
	char *name;
	struct config_peer s;           /* only the fields in s.set are meaningful */
	struct config_pos pos;
};

struct config_large_community {
	uint32_t global, local1, local2;        /* RFC 8092 */
};

struct config_u32_list { uint32_t *v; size_t n; };
struct config_large_list { struct config_large_community *v; size_t n; };
struct config_addr_list { struct config_addr *v; size_t n; };

/* Well-known communities, RFC 1997, RFC 3765, RFC 7999, RFC 8326. */
#define CONFIG_COMM_GRACEFUL_SHUTDOWN   0xFFFF0000u
#define CONFIG_COMM_BLACKHOLE           0xFFFF029Au
#define CONFIG_COMM_NO_EXPORT           0xFFFFFF01u
#define CONFIG_COMM_NO_ADVERTISE        0xFFFFFF02u
#define CONFIG_COMM_NO_EXPORT_SUBCONFED 0xFFFFFF03u
#define CONFIG_COMM_NO_PEER             0xFFFFFF04u

struct config_network {
	struct config_prefix prefix;
	struct config_u32_list communities;
	struct config_large_list large_communities;
	bool has_med, has_local_pref;
	uint32_t med, local_pref;
	struct config_addr next_hop;    /* af 0 = the session's own address */
	struct config_pos pos;
};

/* A prefix-list entry: routes inside `prefix` whose length is ge..le. */
struct config_prefix_match {
	struct config_prefix prefix;
	uint8_t ge, le;                 /* both prefix.len for an exact match */
};

enum config_action {
	CONFIG_ACTION_NONE,             /* apply the term's settings, go on to the next */
	CONFIG_ACTION_ACCEPT,
	CONFIG_ACTION_REJECT,
};

/* Conditions of one term; all given ones must hold, a list matches on any item. */
struct config_match {
	struct config_prefix_match *prefixes;
	size_t n_prefixes;
	struct config_u32_list contains_as;     /* AS anywhere in AS_PATH */
	struct config_u32_list origin_as;       /* rightmost AS of AS_PATH */
	bool has_path_len;
	uint32_t path_len_min, path_len_max;
	struct config_u32_list communities;
	struct config_large_list large_communities;
	struct config_addr_list neighbors;
	uint32_t families;                      /* CONFIG_FAM_*; 0 = any */
};

enum config_next_hop_kind { CONFIG_NH_KEEP, CONFIG_NH_SELF, CONFIG_NH_ADDRESS };

struct config_then {
	enum config_action action;
	bool set_local_pref, set_med;
	uint32_t local_pref, med;
	struct config_u32_list add_communities, remove_communities;
	struct config_large_list add_large_communities, remove_large_communities;
	uint32_t prepend_as;            /* 0 = local-as */
	uint8_t prepend_count;          /* 0 = no prepend */
	enum config_next_hop_kind next_hop_kind;
	struct config_addr next_hop;
};

struct config_term {
	char *name;                     /* NULL = unnamed */
	struct config_match match;
	struct config_then then;
	struct config_pos pos;
};

struct config_policy {
	char *name;
	enum config_action default_action;      /* ACCEPT or REJECT */
	struct config_term *terms;
	size_t n_terms;
	struct config_pos pos;
};

enum config_log_dest { CONFIG_LOG_STDERR, CONFIG_LOG_SYSLOG };

struct bgpd_config {
	char *source;                   /* file name given to the loader */
	uint32_t router_id;             /* host byte order; never 0 */
	uint32_t local_as;
	uint32_t cluster_id;            /* host byte order; router_id unless set */
	bool cluster_id_set;

	struct config_addr_list listen; /* empty = do not listen */
	uint16_t listen_port;

	char *control_socket;           /* path */
	mode_t control_socket_mode;
	char *control_socket_group;     /* NULL = the daemon's own group */

	enum config_log_dest log_dest;
	int log_level;                  /* <syslog.h> LOG_ERR .. LOG_DEBUG */
	int log_facility;               /* <syslog.h> LOG_DAEMON, LOG_LOCAL0.. */
	uint32_t log_trace;             /* CONFIG_TRACE_* for every neighbour */

	/* timers: defaults for neighbours (hold, keepalive 0 = hold / 3, ...) */
	uint16_t hold_time, keepalive, connect_retry, idle_hold, idle_hold_max, delay_open;

	struct config_network *networks;
	size_t n_networks;
	struct config_peer_group *peer_groups;
	size_t n_peer_groups;
	struct config_neighbor *neighbors;
	size_t n_neighbors;
	struct config_policy *policies;
	size_t n_policies;
};

/* Loader switches; a NULL options pointer means all defaults. */
#define CONFIG_LOAD_NO_FILES 0x1u  /* never open password-file (fuzzing): an error */

struct config_load_opts {
	unsigned flags;
	const char *base_dir;   /* relative password-file paths; NULL = the config
	                         * file's directory, or "." for a buffer */
};

/* The largest file accepted; bounds memory and time on hostile input. */
#define CONFIG_MAX_INPUT (4u * 1024 * 1024)

/*
 * Load and validate. On success return 0 and set *out (free with config_free).
 * On failure return -1, set *out to NULL, and append every problem found to
 * errs (which the caller zero-initialises and frees with config_errors_free),
 * sorted by position. name labels the messages ("bgpd.yaml:3:5: ...").
 */
int config_load_file(const char *path, struct bgpd_config **out,
		     struct config_errors *errs);
int config_load_buffer(const char *name, const char *buf, size_t len,
		       const struct config_load_opts *opts,
		       struct bgpd_config **out, struct config_errors *errs);
void config_free(struct bgpd_config *cfg);

/* Lookups by key; NULL when absent. */
const struct config_neighbor *config_find_neighbor(const struct bgpd_config *cfg,
						   const struct config_addr *addr);
const struct config_policy *config_find_policy(const struct bgpd_config *cfg,
					       const char *name);
const struct config_peer_group *config_find_peer_group(const struct bgpd_config *cfg,
						       const char *name);

/* True when the neighbour is internal (remote-as equals local-as). */
bool config_neighbor_is_ibgp(const struct bgpd_config *cfg,
			     const struct config_neighbor *nb);

/*
 * Render as YAML that loads back to the same config: effective values of every
 * neighbour, defaults included; passwords print as "<hidden>". Returns 0, or -1
 * on a write error.
 */
int config_dump(const struct bgpd_config *cfg, FILE *out);
/* The same into a malloc'd string; NULL on allocation failure. */
char *config_dump_string(const struct bgpd_config *cfg);
#define CONFIG_SECRET_MASK "<hidden>"

/* Formatting helpers for messages, dumps and the CLI. Return buf. */
#define CONFIG_ADDR_STRLEN   46      /* INET6_ADDRSTRLEN */
#define CONFIG_PREFIX_STRLEN 50
#define CONFIG_COMM_STRLEN   24
#define CONFIG_LARGE_STRLEN  36
const char *config_addr_format(const struct config_addr *a, char *buf, size_t len);
const char *config_prefix_format(const struct config_prefix *p, char *buf, size_t len);
const char *config_community_format(uint32_t c, char *buf, size_t len);
const char *config_large_format(const struct config_large_community *c,
				char *buf, size_t len);
bool config_addr_equal(const struct config_addr *a, const struct config_addr *b);
bool config_prefix_equal(const struct config_prefix *a, const struct config_prefix *b);
/* Name of a peer field as written in the file ("remote-as"). */
const char *config_peer_field_name(enum config_peer_field f);

#endif
