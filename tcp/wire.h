/*
 * tcp/wire.h — IPv4/IPv6 + TCP headers on the wire: one bounds-checked parser that
 * turns a datagram into a struct tcp_seg (or a drop reason), one builder that
 * writes a complete datagram, and the Internet checksum (RFC 1071).
 *
 * Nothing here keeps state: the parsed segment is a small struct passed down, never
 * a file-scope "current segment".
 */
#ifndef TCP_WIRE_H
#define TCP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/addr.h"
#include "tcp/drop.h"

/* TCP header flags, RFC 9293 §3.1. */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

/* Option kinds. */
#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2   /* RFC 9293 §3.2 */
#define TCPOPT_WSCALE    3   /* RFC 7323 §2 */
#define TCPOPT_SACK_PERM 4   /* RFC 2018 */
#define TCPOPT_SACK      5
#define TCPOPT_TS        8   /* RFC 7323 §3 */
#define TCPOPT_MD5       19  /* RFC 2385 */
#define TCPOPT_AO        29  /* RFC 5925 */

#define TCPOLEN_MSS       4
#define TCPOLEN_WSCALE    3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TS        10
#define TCPOLEN_MD5       18
#define TCPOLEN_SACK_BASE 2
#define TCPOLEN_SACK_BLOCK 8
#define TCP_MD5_DIGEST    16

#define IPV4_HDR_LEN     20
#define IPV6_HDR_LEN     40
#define TCP_HDR_LEN      20
#define TCP_MAX_OPT_LEN  40
#define TCP_MAX_WSCALE   14  /* RFC 7323 §2.3 */
#define IPPROTO_TCP_NUM  6

#define TCP_SACK_MAX_BLOCKS 4    /* RFC 2018 §3: at most 4 fit in 40 bytes */

/* Options found in a segment. */
struct tcp_opts {
	bool has_mss, has_wscale, sack_ok, has_ts, has_md5, has_ao;
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	uint16_t md5_off;           /* digest offset from the start of the TCP header */
	uint8_t nsack;              /* SACK blocks (RFC 2018 §3), left/right edges */
	uint32_t sack[TCP_SACK_MAX_BLOCKS][2];
};

/* One parsed segment; pointers refer into the caller's datagram. */
struct tcp_seg {
	struct tcp_endpoint src, dst;
	uint8_t ttl;                /* TTL or hop limit, for GTSM */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;               /* as on the wire, not yet scaled */
	uint16_t urp;
	struct tcp_opts opt;
	const uint8_t *tcph;        /* the TCP header */
	uint16_t hdr_len;           /* data offset × 4 */
	const uint8_t *data;
	uint32_t len;               /* payload bytes */
};

/* Segment length for sequence space: payload + SYN + FIN (RFC 9293 §3.4). */
static inline uint32_t tcp_seg_seqlen(const struct tcp_seg *s)
{
	return s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
}

/* Parse a datagram. Returns -1 (and sets *why) when it must be dropped. Checksums
 * are always verified: a raw socket sees what the wire carried. */
int tcp_parse(const uint8_t *pkt, size_t len, struct tcp_seg *seg, enum tcp_drop *why);

/* What to put in an outgoing segment. */
struct tcp_out {
	const struct tcp_endpoint *src, *dst;
	uint8_t ttl;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;               /* already scaled */
	/* options; zero/false = absent */
	uint16_t mss;
	int wscale;                 /* -1 = absent */
	bool ts;
	uint32_t tsval, tsecr;
	bool md5;                   /* reserve the 18-byte option; the digest is filled later */
	bool sack_perm;             /* SACK-permitted (SYN only) */
	uint8_t nsack;              /* SACK blocks to report */
	uint32_t sack[TCP_SACK_MAX_BLOCKS][2];
	/* payload, in up to two pieces (a ring buffer may wrap) */
	const uint8_t *data[2];
	uint32_t dlen[2];
};

/* Length of the options tcp_build() will write for o. */
unsigned tcp_out_optlen(const struct tcp_out *o);

/* Build a complete datagram into buf. Returns its length, or 0 if cap is too
 * small. If o->md5, *md5_off receives the digest's offset from the TCP header
 * and the TCP checksum is left for tcp_finish_csum(); otherwise it is final. */
size_t tcp_build(uint8_t *buf, size_t cap, const struct tcp_out *o, uint16_t *md5_off);

/* Offset of the TCP header in a datagram tcp_build() wrote. */
static inline size_t tcp_build_l3len(const struct tcp_out *o)
{
	return o->src->ip.af == TCP_AF_INET6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
}

/* Compute and store the TCP checksum of a built datagram. */
void tcp_finish_csum(uint8_t *pkt, size_t len);

/* Internet checksum pieces. csum_add returns a running 64-bit sum; csum_fold
 * turns it into the 16-bit one's-complement sum (native byte order). */
uint64_t csum_add(uint64_t sum, const void *p, size_t len);
uint16_t csum_fold(uint64_t sum);
/* Sum of the TCP pseudo-header (RFC 9293 §3.1; RFC 8200 §8.1). */
uint64_t csum_pseudo(const struct tcp_ip *src, const struct tcp_ip *dst, uint32_t tcp_len);

#endif /* TCP_WIRE_H */
