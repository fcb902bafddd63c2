/*
 * tcp/wire.c — parse and build IPv4/IPv6 + TCP datagrams.
 *
 * The parser checks every length before it reads what the length covers (IP
 * header length, total/payload length, TCP data offset, each option's length)
 * and drops, with a named reason, anything it cannot read exactly.
 */
#include "tcp/wire.h"

#include <string.h>

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071: the sum of native 32-bit words folds to the same 16-bit one's
 * complement sum as the sum of 16-bit words, so we add 8 bytes at a time. */
uint64_t csum_add(uint64_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		sum += (uint32_t)v;
		sum += v >> 32;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		sum += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		sum += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t v;
		memcpy(&v, last, 2);
		sum += v;
	}
	return sum;
}

uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint64_t csum_pseudo(const struct tcp_ip *src, const struct tcp_ip *dst, uint32_t tcp_len)
{
	uint8_t ph[40];
	size_t n;
	if (src->af == TCP_AF_INET6) {
		memcpy(ph, src->a, 16);
		memcpy(ph + 16, dst->a, 16);
		put32(ph + 32, tcp_len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = IPPROTO_TCP_NUM;
		n = 40;
	} else {
		memcpy(ph, src->a, 4);
		memcpy(ph + 4, dst->a, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP_NUM;
		put16(ph + 10, (uint16_t)tcp_len);
		n = 12;
	}
	return csum_add(0, ph, n);
}

static bool v4_bad_source(const uint8_t *a)
{
	uint32_t v = get32(a);
	return v == 0 || v == 0xffffffffu || (v >> 28) == 0xe;   /* any, broadcast, class D */
}

static bool v4_bad_dest(const uint8_t *a)
{
	uint32_t v = get32(a);
	return v == 0 || v == 0xffffffffu || (v >> 28) == 0xe;
}

/* Walk the options (RFC 9293 §3.1, §3.2). An option whose length is < 2 or runs
 * past the header is malformed: the whole segment is dropped (MUST-7 allows a
 * reset; a drop cannot be abused by a spoofer). Known options with the wrong
 * length are malformed too. Unknown options are skipped (MUST-6). */
static int parse_options(const uint8_t *p, size_t len, struct tcp_opts *o, uint16_t base)
{
	size_t i = 0;
	while (i < len) {
		uint8_t kind = p[i];
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return -1;
		uint8_t olen = p[i + 1];
		if (olen < 2 || olen > len - i)
			return -1;
		const uint8_t *v = p + i + 2;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen != TCPOLEN_MSS)
				return -1;
			o->has_mss = true;
			o->mss = get16(v);
			break;
		case TCPOPT_WSCALE:
			if (olen != TCPOLEN_WSCALE)
				return -1;
			o->has_wscale = true;
			o->wscale = v[0];
			break;
		case TCPOPT_SACK_PERM:
			if (olen != TCPOLEN_SACK_PERM)
				return -1;
			o->sack_ok = true;
			break;
		case TCPOPT_TS:
			if (olen != TCPOLEN_TS)
				return -1;
			o->has_ts = true;
			o->tsval = get32(v);
			o->tsecr = get32(v + 4);
			break;
		case TCPOPT_SACK: {
			/* RFC 2018 §3: 2 + 8n bytes; a malformed length drops the
			 * segment like any other bad option. */
			unsigned n = (unsigned)(olen - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_BLOCK;
			if ((olen - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_BLOCK || n == 0 || n > TCP_SACK_MAX_BLOCKS)
				return -1;
			o->nsack = (uint8_t)n;
			for (unsigned b = 0; b < n; b++) {
				o->sack[b][0] = get32(v + 8 * b);
				o->sack[b][1] = get32(v + 8 * b + 4);
			}
			break;
		}
		case TCPOPT_MD5:
			if (olen != TCPOLEN_MD5)
				return -1;
			o->has_md5 = true;
			o->md5_off = (uint16_t)(base + i + 2);
			break;
		case TCPOPT_AO:
			o->has_ao = true;
			break;
		default:
			break;
		}
		i += olen;
	}
	return 0;
}

static int parse_tcp(const uint8_t *t, size_t tlen, uint64_t pseudo, struct tcp_seg *s,
		     enum tcp_drop *why)
{
	if (tlen < TCP_HDR_LEN) {
		*why = TCP_DROP_TCP_SHORT;
		return -1;
	}
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < TCP_HDR_LEN || doff > tlen) {
		*why = TCP_DROP_TCP_DOFF;
		return -1;
	}
	if (csum_fold(csum_add(pseudo, t, tlen)) != 0xffff) {
		*why = TCP_DROP_TCP_CSUM;
		return -1;
	}
	s->src.port = get16(t);
	s->dst.port = get16(t + 2);
	s->seq = get32(t + 4);
	s->ack = get32(t + 8);
	s->flags = t[13];
	s->wnd = get16(t + 14);
	s->urp = get16(t + 18);
	s->tcph = t;
	s->hdr_len = (uint16_t)doff;
	s->data = t + doff;
	s->len = (uint32_t)(tlen - doff);
	memset(&s->opt, 0, sizeof(s->opt));
	if (parse_options(t + TCP_HDR_LEN, doff - TCP_HDR_LEN, &s->opt, TCP_HDR_LEN) < 0) {
		*why = TCP_DROP_TCP_OPT;
		return -1;
	}
	if (s->src.port == 0 || s->dst.port == 0) {
		*why = TCP_DROP_TCP_PORT;
		return -1;
	}
	/* Combinations no conforming sender produces; dropping them early keeps the
	 * state machine's cases honest (RFC 9293 has no meaning for SYN+RST). */
	uint8_t f = s->flags;
	if ((f & (TH_SYN | TH_RST)) == (TH_SYN | TH_RST) || (f & (TH_SYN | TH_FIN)) == (TH_SYN | TH_FIN) ||
	    (f & (TH_SYN | TH_ACK | TH_RST | TH_FIN)) == 0) {
		*why = TCP_DROP_TCP_FLAGS;
		return -1;
	}
	return 0;
}

static int parse_v4(const uint8_t *p, size_t len, struct tcp_seg *s, enum tcp_drop *why)
{
	if (len < IPV4_HDR_LEN) {
		*why = TCP_DROP_IP_SHORT;
		return -1;
	}
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < IPV4_HDR_LEN || ihl > len) {
		*why = TCP_DROP_IP_HDRLEN;
		return -1;
	}
	size_t tot = get16(p + 2);
	/* A datagram may arrive padded (Ethernet minimum frame), never truncated. */
	if (tot < ihl || tot > len) {
		*why = TCP_DROP_IP_LEN;
		return -1;
	}
	if (csum_fold(csum_add(0, p, ihl)) != 0xffff) {
		*why = TCP_DROP_IP_CSUM;
		return -1;
	}
	uint16_t frag = get16(p + 6);
	if (frag & 0x3fff) {        /* MF set or a non-zero offset */
		*why = TCP_DROP_IP_FRAG;
		return -1;
	}
	if (p[9] != IPPROTO_TCP_NUM) {
		*why = TCP_DROP_IP_PROTO;
		return -1;
	}
	memset(&s->src, 0, sizeof(s->src));
	memset(&s->dst, 0, sizeof(s->dst));
	s->src.ip.af = s->dst.ip.af = TCP_AF_INET;
	memcpy(s->src.ip.a, p + 12, 4);
	memcpy(s->dst.ip.a, p + 16, 4);
	if (v4_bad_source(s->src.ip.a) || v4_bad_dest(s->dst.ip.a)) {
		*why = TCP_DROP_IP_ADDR;
		return -1;
	}
	s->ttl = p[8];
	uint64_t ps = csum_pseudo(&s->src.ip, &s->dst.ip, (uint32_t)(tot - ihl));
	return parse_tcp(p + ihl, tot - ihl, ps, s, why);
}

/* IPv6 extension headers we step over (RFC 8200 §4); a Fragment header means a
 * fragment, which we never reassemble. */
#define IP6_HOPOPTS  0
#define IP6_ROUTING  43
#define IP6_FRAGMENT 44
#define IP6_DSTOPTS  60

static int parse_v6(const uint8_t *p, size_t len, struct tcp_seg *s, enum tcp_drop *why)
{
	if (len < IPV6_HDR_LEN) {
		*why = TCP_DROP_IP_SHORT;
		return -1;
	}
	size_t plen = get16(p + 4);
	if (plen > len - IPV6_HDR_LEN) {
		*why = TCP_DROP_IP_LEN;
		return -1;
	}
	memset(&s->src, 0, sizeof(s->src));
	memset(&s->dst, 0, sizeof(s->dst));
	s->src.ip.af = s->dst.ip.af = TCP_AF_INET6;
	memcpy(s->src.ip.a, p + 8, 16);
	memcpy(s->dst.ip.a, p + 24, 16);
	s->ttl = p[7];
	if (s->src.ip.a[0] == 0xff || s->dst.ip.a[0] == 0xff || tcp_ip_is_any(&s->src.ip)) {
		*why = TCP_DROP_IP_ADDR;
		return -1;
	}
	uint8_t nh = p[6];
	const uint8_t *q = p + IPV6_HDR_LEN;
	size_t left = plen;
	while (nh != IPPROTO_TCP_NUM) {
		if (nh == IP6_FRAGMENT) {
			*why = TCP_DROP_IP_FRAG;
			return -1;
		}
		if (nh != IP6_HOPOPTS && nh != IP6_ROUTING && nh != IP6_DSTOPTS) {
			*why = TCP_DROP_IP_PROTO;
			return -1;
		}
		if (left < 8) {
			*why = TCP_DROP_IP_LEN;
			return -1;
		}
		size_t hl = ((size_t)q[1] + 1) * 8;
		if (hl > left) {
			*why = TCP_DROP_IP_LEN;
			return -1;
		}
		nh = q[0];
		q += hl;
		left -= hl;
	}
	uint64_t ps = csum_pseudo(&s->src.ip, &s->dst.ip, (uint32_t)left);
	return parse_tcp(q, left, ps, s, why);
}

int tcp_parse(const uint8_t *pkt, size_t len, struct tcp_seg *seg, enum tcp_drop *why)
{
	if (len < 1) {
		*why = TCP_DROP_IP_SHORT;
		return -1;
	}
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, seg, why);
	case 6:
		return parse_v6(pkt, len, seg, why);
	default:
		*why = TCP_DROP_IP_VERSION;
		return -1;
	}
}

/* Our option layout: MD5 first as Linux does (NOP NOP MD5, TCP-PITFALLS.md), then
 * MSS, NOP NOP SACK-permitted, NOP+WS, NOP NOP TS, NOP NOP SACK blocks — every
 * option 4-byte aligned. */
unsigned tcp_out_optlen(const struct tcp_out *o)
{
	unsigned n = 0;
	if (o->md5)
		n += 2 + TCPOLEN_MD5;
	if (o->mss)
		n += TCPOLEN_MSS;
	if (o->sack_perm)
		n += 2 + TCPOLEN_SACK_PERM;
	if (o->wscale >= 0)
		n += 1 + TCPOLEN_WSCALE;
	if (o->ts)
		n += 2 + TCPOLEN_TS;
	if (o->nsack)
		n += 2 + TCPOLEN_SACK_BASE + TCPOLEN_SACK_BLOCK * o->nsack;
	return n;
}

size_t tcp_build(uint8_t *buf, size_t cap, const struct tcp_out *o, uint16_t *md5_off)
{
	size_t l3 = tcp_build_l3len(o);
	unsigned optlen = tcp_out_optlen(o);
	size_t thl = TCP_HDR_LEN + optlen;
	size_t dlen = (size_t)o->dlen[0] + o->dlen[1];
	size_t total = l3 + thl + dlen;
	if (optlen > TCP_MAX_OPT_LEN || total > cap || total > 65535 + (l3 == IPV6_HDR_LEN ? IPV6_HDR_LEN : 0))
		return 0;

	uint8_t *ip = buf;
	if (l3 == IPV4_HDR_LEN) {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)total);
		put16(ip + 4, 0);       /* ID 0: the kernel fills it (raw(7), IP_HDRINCL) */
		put16(ip + 6, 0x4000);  /* DF: we size segments from the MSS */
		ip[8] = o->ttl;
		ip[9] = IPPROTO_TCP_NUM;
		put16(ip + 10, 0);
		memcpy(ip + 12, o->src->ip.a, 4);
		memcpy(ip + 16, o->dst->ip.a, 4);
		uint16_t c = (uint16_t)~csum_fold(csum_add(0, ip, IPV4_HDR_LEN));
		memcpy(ip + 10, &c, 2);
	} else {
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)(thl + dlen));
		ip[6] = IPPROTO_TCP_NUM;
		ip[7] = o->ttl;
		memcpy(ip + 8, o->src->ip.a, 16);
		memcpy(ip + 24, o->dst->ip.a, 16);
	}

	uint8_t *t = buf + l3;
	put16(t, o->src->port);
	put16(t + 2, o->dst->port);
	put32(t + 4, o->seq);
	put32(t + 8, o->ack);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = o->flags;
	put16(t + 14, o->wnd);
	put16(t + 16, 0);
	put16(t + 18, 0);
	uint8_t *op = t + TCP_HDR_LEN;
	if (o->md5) {
		op[0] = op[1] = TCPOPT_NOP;
		op[2] = TCPOPT_MD5;
		op[3] = TCPOLEN_MD5;
		memset(op + 4, 0, TCP_MD5_DIGEST);
		if (md5_off)
			*md5_off = (uint16_t)(op + 4 - t);
		op += 2 + TCPOLEN_MD5;
	}
	if (o->mss) {
		op[0] = TCPOPT_MSS;
		op[1] = TCPOLEN_MSS;
		put16(op + 2, o->mss);
		op += TCPOLEN_MSS;
	}
	if (o->sack_perm) {
		op[0] = op[1] = TCPOPT_NOP;
		op[2] = TCPOPT_SACK_PERM;
		op[3] = TCPOLEN_SACK_PERM;
		op += 4;
	}
	if (o->wscale >= 0) {
		op[0] = TCPOPT_NOP;
		op[1] = TCPOPT_WSCALE;
		op[2] = TCPOLEN_WSCALE;
		op[3] = (uint8_t)o->wscale;
		op += 4;
	}
	if (o->ts) {
		op[0] = op[1] = TCPOPT_NOP;
		op[2] = TCPOPT_TS;
		op[3] = TCPOLEN_TS;
		put32(op + 4, o->tsval);
		put32(op + 8, o->tsecr);
		op += 2 + TCPOLEN_TS;
	}
	if (o->nsack) {
		op[0] = op[1] = TCPOPT_NOP;
		op[2] = TCPOPT_SACK;
		op[3] = (uint8_t)(TCPOLEN_SACK_BASE + TCPOLEN_SACK_BLOCK * o->nsack);
		for (unsigned b = 0; b < o->nsack; b++) {
			put32(op + 4 + 8 * b, o->sack[b][0]);
			put32(op + 8 + 8 * b, o->sack[b][1]);
		}
		op += 4 + TCPOLEN_SACK_BLOCK * o->nsack;
	}
	uint8_t *d = t + thl;
	if (o->dlen[0])
		memcpy(d, o->data[0], o->dlen[0]);
	if (o->dlen[1])
		memcpy(d + o->dlen[0], o->data[1], o->dlen[1]);
	if (!o->md5)
		tcp_finish_csum(buf, total);
	return total;
}

void tcp_finish_csum(uint8_t *pkt, size_t len)
{
	struct tcp_ip src = { 0 }, dst = { 0 };
	size_t l3;
	if ((pkt[0] >> 4) == 6) {
		src.af = dst.af = TCP_AF_INET6;
		memcpy(src.a, pkt + 8, 16);
		memcpy(dst.a, pkt + 24, 16);
		l3 = IPV6_HDR_LEN;
	} else {
		src.af = dst.af = TCP_AF_INET;
		memcpy(src.a, pkt + 12, 4);
		memcpy(dst.a, pkt + 16, 4);
		l3 = (size_t)(pkt[0] & 0x0f) * 4;
	}
	uint8_t *t = pkt + l3;
	size_t tlen = len - l3;
	t[16] = t[17] = 0;
	uint16_t c = (uint16_t)~csum_fold(csum_add(csum_pseudo(&src, &dst, (uint32_t)tlen), t, tlen));
	memcpy(t + 16, &c, 2);
}
