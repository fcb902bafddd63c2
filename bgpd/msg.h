/*
 * bgpd/msg.h — BGP-4 message vocabulary: wire constants and the decoded forms of
 * OPEN and NOTIFICATION that the codec produces and the FSM consumes.
 *
 * The codec (bgpd/msg_*.c) turns bytes into these structs and back; nothing here
 * does I/O. UPDATE's decoded form lives in bgpd/update.h with the attribute code.
 */
#ifndef BGPD_MSG_H
#define BGPD_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/buf.h"

/* RFC 4271 §4.1: 16-octet marker, 2-octet length, 1-octet type. */
#define BGP_MARKER_LEN      16
#define BGP_HEADER_LEN      19
#define BGP_MAX_LEN         4096    /* RFC 4271 §4.1 */
#define BGP_EXT_MAX_LEN     65535   /* RFC 8654 §4 */
#define BGP_OPEN_MIN_LEN    29      /* RFC 4271 §4.2 */
#define BGP_UPDATE_MIN_LEN  23      /* RFC 4271 §4.3 */
#define BGP_NOTIF_MIN_LEN   21      /* RFC 4271 §4.5 */
#define BGP_KEEPALIVE_LEN   19      /* RFC 4271 §4.4 */
#define BGP_RREFRESH_LEN    23      /* RFC 2918 §3 */
#define BGP_VERSION         4
#define BGP_PORT            179
#define BGP_AS_TRANS        23456   /* RFC 6793 §9 */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,  /* RFC 2918 */
};

/* NOTIFICATION error codes, RFC 4271 §4.5 (+ RFC 2918, RFC 7313). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_RREFRESH = 7,       /* RFC 7313 §5 */
};

/* Message Header Error subcodes, RFC 4271 §6.1. */
enum bgp_err_header {
	BGP_ERR_HDR_SYNC = 1,       /* Connection Not Synchronized */
	BGP_ERR_HDR_LEN = 2,        /* Bad Message Length */
	BGP_ERR_HDR_TYPE = 3,       /* Bad Message Type */
};

/* OPEN Message Error subcodes, RFC 4271 §6.2, RFC 5492 §5, RFC 9234 §4.2. */
enum bgp_err_open {
	BGP_ERR_OPEN_VERSION = 1,
	BGP_ERR_OPEN_AS = 2,
	BGP_ERR_OPEN_BGPID = 3,
	BGP_ERR_OPEN_OPT = 4,       /* Unsupported Optional Parameter */
	BGP_ERR_OPEN_AUTH = 5,      /* deprecated (RFC 4271 Appendix A) */
	BGP_ERR_OPEN_HOLD = 6,      /* Unacceptable Hold Time */
	BGP_ERR_OPEN_CAPA = 7,      /* Unsupported Capability, RFC 5492 */
	BGP_ERR_OPEN_ROLE = 11,     /* Role Mismatch, RFC 9234 */
};

/* UPDATE Message Error subcodes, RFC 4271 §6.3. */
enum bgp_err_update {
	BGP_ERR_UPD_ATTRLIST = 1,   /* Malformed Attribute List */
	BGP_ERR_UPD_UNKNWN_WK = 2,  /* Unrecognized Well-known Attribute */
	BGP_ERR_UPD_MISSING_WK = 3, /* Missing Well-known Attribute */
	BGP_ERR_UPD_FLAGS = 4,      /* Attribute Flags Error */
	BGP_ERR_UPD_LENGTH = 5,     /* Attribute Length Error */
	BGP_ERR_UPD_ORIGIN = 6,     /* Invalid ORIGIN Attribute */
	BGP_ERR_UPD_LOOP = 7,       /* deprecated */
	BGP_ERR_UPD_NEXTHOP = 8,    /* Invalid NEXT_HOP Attribute */
	BGP_ERR_UPD_OPTATTR = 9,    /* Optional Attribute Error */
	BGP_ERR_UPD_NETWORK = 10,   /* Invalid Network Field */
	BGP_ERR_UPD_ASPATH = 11,    /* Malformed AS_PATH */
};

/* FSM Error subcodes, RFC 6608 §4. */
enum bgp_err_fsm {
	BGP_ERR_FSM_UNSPEC = 0,
	BGP_ERR_FSM_OPENSENT = 1,
	BGP_ERR_FSM_OPENCONFIRM = 2,
	BGP_ERR_FSM_ESTABLISHED = 3,
};

/* Cease subcodes, RFC 4486 §3 (+ RFC 8538 Hard Reset, RFC 9687 Send Hold Timer Expired). */
enum bgp_err_cease {
	BGP_CEASE_MAX_PREFIX = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONF = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_CONN_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,
	BGP_CEASE_SEND_HOLD = 10,
};

/* ROUTE-REFRESH Message Error subcode, RFC 7313 §5. */
enum bgp_err_rrefresh {
	BGP_ERR_RR_LEN = 1,         /* Invalid Message Length */
};

/* OPEN optional parameter types, RFC 5492 §4, RFC 9072. */
#define BGP_OPT_PARAM_CAPA      2
#define BGP_OPT_PARAM_EXT       255 /* RFC 9072 extended optional parameters length */

/* Capability codes (IANA registry). */
enum bgp_capa_code {
	BGP_CAPA_MP = 1,            /* RFC 4760 */
	BGP_CAPA_ROUTE_REFRESH = 2, /* RFC 2918 */
	BGP_CAPA_EXT_NEXTHOP = 5,   /* RFC 8950 */
	BGP_CAPA_EXT_MSG = 6,       /* RFC 8654 */
	BGP_CAPA_ROLE = 9,          /* RFC 9234 */
	BGP_CAPA_GRACEFUL = 64,     /* RFC 4724 */
	BGP_CAPA_AS4 = 65,          /* RFC 6793 */
	BGP_CAPA_ADDPATH = 69,      /* RFC 7911 */
	BGP_CAPA_ENHANCED_RR = 70,  /* RFC 7313 */
	BGP_CAPA_LLGR = 71,
	BGP_CAPA_FQDN = 73,
};

/* Address families, RFC 4760. */
#define BGP_AFI_IPV4   1
#define BGP_AFI_IPV6   2
#define BGP_SAFI_UNICAST 1

/* ROUTE-REFRESH subtypes, RFC 7313 §3. */
enum bgp_rr_subtype {
	BGP_RR_NORMAL = 0,
	BGP_RR_BORR = 1,            /* Beginning of Route Refresh */
	BGP_RR_EORR = 2,            /* End of Route Refresh */
};

/* One (AFI, SAFI) pair. */
struct bgp_afisafi {
	uint16_t afi;
	uint8_t safi;
};

#define BGP_MAX_AFISAFI 8
#define BGP_MAX_UNKNOWN_CAPA 16

/* A capability we do not implement, kept so it can be logged or refused. */
struct bgp_capa_raw {
	uint8_t code;
	uint8_t len;
	uint8_t data[255];
};

/* Capabilities advertised in an OPEN (RFC 5492). */
struct bgp_caps {
	unsigned n_mp;
	struct bgp_afisafi mp[BGP_MAX_AFISAFI]; /* RFC 4760 multiprotocol */
	bool route_refresh;                     /* RFC 2918 */
	bool enhanced_rr;                       /* RFC 7313 */
	bool as4;                               /* RFC 6793 */
	uint32_t as4_number;
	bool ext_msg;                           /* RFC 8654 */
	bool graceful_restart;                  /* RFC 4724 */
	uint16_t gr_flags_time;                 /* Restart Flags (4 bits) + Restart Time (12 bits) */
	unsigned n_gr;
	struct {
		struct bgp_afisafi af;
		uint8_t flags;
	} gr[BGP_MAX_AFISAFI];
	unsigned n_unknown;
	struct bgp_capa_raw unknown[BGP_MAX_UNKNOWN_CAPA];
};

/* A decoded OPEN, RFC 4271 §4.2. my_as is the 2-octet field; the 4-octet AS, when
 * the AS4 capability is present, is caps.as4_number (RFC 6793 §3). */
struct bgp_open {
	uint8_t version;
	uint16_t my_as;
	uint16_t hold_time;
	uint32_t bgp_id;            /* host byte order */
	struct bgp_caps caps;
	uint32_t quirks;            /* BGP_OPEN_Q_* seen while decoding: odd but
	                             * accepted, worth a log line (bgp_open_decode) */
};

/* The AS a peer's OPEN speaks for (RFC 6793 §4.1). */
static inline uint32_t bgp_open_peer_as(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_number : o->my_as;
}

/* A decoded NOTIFICATION, RFC 4271 §4.5. data points into the message buffer. */
#define BGP_SHUTDOWN_MSG_MAX 255    /* RFC 9003 §2 */
struct bgp_notification {
	uint8_t code;
	uint8_t subcode;
	const uint8_t *data;
	size_t data_len;
};

/* An error to answer with a NOTIFICATION: what a decoder or the FSM returns when
 * the RFC says the session must end. data is copied (RFC 4271 §6 puts the
 * offending bytes there; RFC 9003 a length-prefixed shutdown message). */
#define BGP_ERR_DATA_MAX 512
struct bgp_err {
	uint8_t code;               /* 0: no error */
	uint8_t subcode;
	uint16_t data_len;
	uint8_t data[BGP_ERR_DATA_MAX];
};


/* ======================================================================
 * The message codec (bgpd/msg_header.c, msg_open.c, msg_open_validate.c,
 * msg_notify.c, msg_names.c, msg_describe.c, msg_rrefresh.c): pure functions,
 * no allocation, no I/O. UPDATE is in bgpd/update.h.
 *
 * Decoders take one whole message (header included, exactly the length its
 * header gives) and return 0, or -1 with *err holding the NOTIFICATION the RFC
 * asks for. Encoders write one whole message into buf and return its length,
 * or -1 if it does not fit in cap (or the message would break a length limit).
 * ====================================================================== */

/* More wire constants. */
#define BGP_CAPA_ROUTE_REFRESH_OLD  128 /* pre-RFC 2918 (Cisco) code, read as route refresh */
#define BGP_OPT_PARAM_AUTH      1       /* deprecated (RFC 5492 §4), unsupported */
#define BGP_OPEN_FIXED_LEN      10      /* version..opt parm len, RFC 4271 §4.2 */
#define BGP_OPT_PARAM_MAX       255     /* one-octet Opt Parm Len, RFC 4271 §4.2 */
#define BGP_CAPA_MP_LEN         4       /* AFI, reserved, SAFI: RFC 4760 §8 */
#define BGP_CAPA_AS4_LEN        4       /* RFC 6793 §3 */
#define BGP_CAPA_GR_HDR_LEN     2       /* restart flags + time: RFC 4724 §3 */
#define BGP_CAPA_GR_AF_LEN      4       /* AFI, SAFI, AF flags: RFC 4724 §3 */
#define BGP_GR_FLAG_RESTART     0x8000  /* R bit in gr_flags_time, RFC 4724 §3 */
#define BGP_GR_TIME_MASK        0x0fff  /* restart time (s) in gr_flags_time */
#define BGP_GR_AF_FORWARDING    0x80    /* F bit in a per-AF flags octet */
#define BGP_RR_BODY_LEN         4       /* AFI, subtype, SAFI: RFC 2918 §3, RFC 7313 §5 */
#define BGP_NOTIF_FIXED_LEN     2       /* code, subcode: RFC 4271 §4.5 */
#define BGP_CEASE_MAXPFX_LEN    7       /* AFI, SAFI, bound: RFC 4486 §4 */

/* ---- framing (bgpd/msg_header.c), RFC 4271 §4.1, §6.1 ---- */

struct bgp_frame {
	uint16_t len;               /* whole message, header included */
	uint8_t type;               /* enum bgp_msg_type */
};

enum bgp_frame_status {
	BGP_FRAME_ERROR = -1,       /* *err says which Message Header Error */
	BGP_FRAME_NEED_MORE = 0,    /* not a whole message yet; nothing wrong so far */
	BGP_FRAME_OK = 1,           /* buf[0..f->len) is one message of type f->type */
};

/* Look at the first avail bytes of a receive buffer. max_len is the negotiated
 * limit (BGP_MAX_LEN, or BGP_EXT_MAX_LEN with RFC 8654 Extended Messages);
 * OPEN and KEEPALIVE are held to BGP_MAX_LEN whatever it is (RFC 8654 §4).
 * A marker that is not all ones is reported as soon as its bad byte arrives.
 * ROUTE-REFRESH is framed at any length >= 19: its length error is RFC 7313
 * §5's own and needs the whole message, so bgp_route_refresh_decode gives it. */
int bgp_frame_check(const uint8_t *buf, size_t avail, size_t max_len,
                    struct bgp_frame *f, struct bgp_err *err);

/* The body of one whole message of the given type: checks the header as
 * bgp_frame_check does (max BGP_EXT_MAX_LEN) and that its length is exactly len
 * (Bad Message Length otherwise). For the UPDATE decoder as well. */
int bgp_msg_body(const uint8_t *msg, size_t len, uint8_t type,
                 struct bgp_rd *body, struct bgp_err *err);

/* Writing a message: bgp_msg_begin writes the marker, a length to patch and the
 * type, returning the message's offset; bgp_msg_end patches the length and
 * returns it, or -1 if anything overflowed w or the message exceeds max_len. */
size_t bgp_msg_begin(struct bgp_wr *w, uint8_t type);
int bgp_msg_end(struct bgp_wr *w, size_t start, size_t max_len);

/* KEEPALIVE, RFC 4271 §4.4: a bare header. */
int bgp_keepalive_encode(uint8_t *buf, size_t cap);

/* Fill an error: code, subcode and data (cut to BGP_ERR_DATA_MAX). */
void bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode,
                 const void *data, size_t len);

/* ---- OPEN (bgpd/msg_open.c), RFC 4271 §4.2, RFC 5492, RFC 9072 ---- */

/* bgp_open.quirks bits: things a peer may send that are accepted (the RFCs do not
 * make them fatal) but deserve a log line. */
#define BGP_OPEN_Q_MP_OVERFLOW      0x01u /* > BGP_MAX_AFISAFI MP families; rest dropped */
#define BGP_OPEN_Q_GR_OVERFLOW      0x02u /* > BGP_MAX_AFISAFI GR families; rest dropped */
#define BGP_OPEN_Q_UNKNOWN_OVERFLOW 0x04u /* > BGP_MAX_UNKNOWN_CAPA others; rest dropped */
#define BGP_OPEN_Q_AS4_CONFLICT     0x08u /* two AS4 capabilities, different ASes: first kept */
#define BGP_OPEN_Q_GR_REPEATED      0x10u /* several GR capabilities: last kept (RFC 4724 §3) */
#define BGP_OPEN_Q_OLD_RR           0x20u /* route refresh only as pre-RFC code 128 */
#define BGP_OPEN_Q_EXT_PARAMS       0x40u /* RFC 9072 extended parameter length used */
#define BGP_OPEN_Q_CAPA_PARAMS      0x80u /* capabilities split over several parameters */

/* Decode an OPEN. Semantics (version, AS, hold time, identifier) are not
 * judged here: that is bgp_open_validate. Capabilities we do not decode into
 * fields (ext next hop, role, add-path, ...) are kept raw in caps.unknown. */
int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_err *err);

/* Encode an OPEN. All capabilities go in one Capabilities parameter, in the
 * order: MP (as listed), route refresh, extended message, graceful restart,
 * AS4, enhanced route refresh, then caps.unknown as listed; with RFC 9072's
 * extended format only when they do not fit in 255 octets. Decoding the result
 * gives o back (with quirks describing the format if extended). */
int bgp_open_encode(const struct bgp_open *o, uint8_t *buf, size_t cap);

/* Set the AS an OPEN speaks for: the AS4 capability with as, and my_as = as, or
 * AS_TRANS when as does not fit in two octets (RFC 6793 §3, §4.2.1). */
void bgp_open_set_as(struct bgp_open *o, uint32_t as);

/* "multiprotocol", "route-refresh", ...; NULL for a code we have no name for. */
const char *bgp_capa_name(uint8_t code);
/* Short text for one BGP_OPEN_Q_* bit; NULL for anything else. */
const char *bgp_open_quirk_name(uint32_t quirk);

/* ---- OPEN validation (bgpd/msg_open_validate.c) ---- */

/* What we accept from a peer's OPEN. Required capabilities missing from the
 * OPEN are refused with Unsupported Capability (RFC 5492 §5). */
struct bgp_open_policy {
	uint32_t peer_as;           /* expected peer AS; 0: any */
	uint32_t local_as;          /* ours; > 65535 makes AS4 required (RFC 6793 §4.2.1) */
	uint32_t local_id;          /* our BGP Identifier */
	bool ibgp;                  /* internal peer (also when the peer's AS == local_as) */
	uint16_t min_hold_time;     /* smallest non-zero Hold Time accepted (>= 3 anyway) */
	bool require_as4;
	bool require_route_refresh;
	bool require_enhanced_rr;
	bool require_ext_msg;
	unsigned n_families;        /* MP families the peer must advertise */
	struct bgp_afisafi families[BGP_MAX_AFISAFI];
};

/* 0 when o is acceptable under p; else -1 and *err is the OPEN Message Error to
 * send: Unsupported Version Number (data: 2-octet version 4), Bad Peer AS,
 * Bad BGP Identifier, Unacceptable Hold Time, Unsupported Capability (data: the
 * missing capabilities as we would encode them). Checked in that order. */
int bgp_open_validate(const struct bgp_open *o, const struct bgp_open_policy *p,
                      struct bgp_err *err);

/* ---- NOTIFICATION (bgpd/msg_notify.c), RFC 4271 §4.5 ---- */

/* Decode: data points into msg (valid while msg is). */
int bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *n,
                            struct bgp_err *err);
/* Encode; data is cut so the message stays within BGP_MAX_LEN, the size every
 * peer accepts (RFC 8654 §5). */
int bgp_notification_encode(const struct bgp_notification *n, uint8_t *buf, size_t cap);
/* Encode the NOTIFICATION an error asks for. */
int bgp_notification_encode_err(const struct bgp_err *e, uint8_t *buf, size_t cap);
/* A view of e as a notification (data points into e). */
void bgp_err_notification(const struct bgp_err *e, struct bgp_notification *n);

/* Cease with subcode Administrative Shutdown or Reset and an RFC 9003 Shutdown
 * Communication: msg (NUL-terminated, may be NULL or empty: no communication)
 * cut to at most max_octets (<= BGP_SHUTDOWN_MSG_MAX) on a UTF-8 character
 * boundary. -1 (e still a plain Cease with that subcode) when msg is not valid
 * UTF-8 or the subcode carries no communication. */
int bgp_err_shutdown(struct bgp_err *e, uint8_t subcode, const char *msg, size_t max_octets);
/* The same, encoded (up to BGP_SHUTDOWN_MSG_MAX octets): Cease/Administrative
 * Shutdown with msg. -1 for invalid UTF-8 or no room. */
int bgp_shutdown_encode(const char *msg, uint8_t *buf, size_t cap);

/* The RFC 9003 Shutdown Communication of a Cease/Admin Shutdown or Reset:
 * 1 and *text, *len set when there is a well-formed one, 0 when there is none
 * (other code, or empty data / zero length), -1 when the data is malformed
 * (length octet disagrees with the data, or not shortest-form UTF-8). */
int bgp_notification_shutdown_msg(const struct bgp_notification *n, const uint8_t **text,
                                  size_t *len);

/* ---- names and text (bgpd/msg_names.c, bgpd/msg_describe.c) ---- */

const char *bgp_msg_type_name(uint8_t type);            /* "OPEN"...; "unknown" */
const char *bgp_err_code_name(uint8_t code);            /* "Cease"...; "unknown" */
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode); /* ...; "unknown" */

/* One line such as: Cease/Administrative Shutdown: "maintenance window".
 * Data are shown decoded where the RFC gives them a form, else as hex; no data
 * byte reaches buf unescaped (control characters, quotes, backslashes and
 * bidi/line-separator code points become \xNN / \uNNNN). Always NUL-terminates
 * when len > 0; returns the length of the full line, as snprintf does. */
int bgp_notification_describe(const struct bgp_notification *n, char *buf, size_t len);

/* ---- ROUTE-REFRESH (bgpd/msg_rrefresh.c), RFC 2918, RFC 7313 ---- */

struct bgp_route_refresh {
	uint16_t afi;
	uint8_t subtype;            /* enum bgp_rr_subtype */
	uint8_t safi;
};

#define BGP_RR_IGNORE 1         /* decode result: unknown subtype, RFC 7313 §5 */

/* 0: act on it; BGP_RR_IGNORE: a subtype other than 0, 1, 2, which RFC 7313 §5
 * says to ignore (and log); -1: length is not 23, *err is ROUTE-REFRESH
 * Message Error / Invalid Message Length with the message as data (cut to
 * BGP_ERR_DATA_MAX), or a header error. */
int bgp_route_refresh_decode(const uint8_t *msg, size_t len, struct bgp_route_refresh *rr,
                             struct bgp_err *err);
int bgp_route_refresh_encode(const struct bgp_route_refresh *rr, uint8_t *buf, size_t cap);

#endif /* BGPD_MSG_H */
