/*
 * tests/unit/test_tcp_wire.c — the wire layer of the TCP core: the Internet
 * checksum (RFC 1071), the parser (every drop reason it can produce, each one
 * also counted by a stack), the builder (round trips), SipHash-2-4 (the
 * paper's vectors), TCP-MD5 digests computed independently (RFC 2385), and
 * sequence arithmetic across 2^31 and 2^32 (RFC 9293 §3.4).
 *
 * Malformed datagrams are written byte by byte here (raw_build), with checksums
 * from a reference implementation in this file, so the parser is not tested
 * against the builder alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "tcp/isn.h"
#include "tcp/md5.h"
#include "tcp/seq.h"
#include "tcp/wire.h"
#include "tests/unit/tcp_sim.h"

/* ---- reference helpers, independent of tcp/wire.c ---- */

static void w16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void w32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* RFC 1071 §4.1, big-endian 16-bit words, the obvious way. */
static uint32_t ref_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

static const uint8_t V4_SRC[4] = { 192, 0, 2, 2 }, V4_DST[4] = { 192, 0, 2, 1 };
static const uint8_t V6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t V6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

/* Recompute the IPv4 header checksum (IHL from the header). */
static void fix_ip(uint8_t *b)
{
	if ((b[0] >> 4) != 4)
		return;
	size_t ihl = (size_t)(b[0] & 15) * 4;
	b[10] = b[11] = 0;
	w16(b + 10, (uint16_t)~ref_add(0, b, ihl));
}

/* Recompute the TCP checksum of a datagram whose TCP header starts at l4 and
 * runs tlen bytes, with the addresses in the IP header. */
static void fix_tcp_at(uint8_t *b, size_t l4, size_t tlen)
{
	uint8_t ph[40];
	size_t n;
	if ((b[0] >> 4) == 6) {
		memcpy(ph, b + 8, 32);
		w32(ph + 32, (uint32_t)tlen);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 6;
		n = 40;
	} else {
		memcpy(ph, b + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		w16(ph + 10, (uint16_t)tlen);
		n = 12;
	}
	b[l4 + 16] = b[l4 + 17] = 0;
	uint32_t s = ref_add(ref_add(0, ph, n), b + l4, tlen);
	w16(b + l4 + 16, (uint16_t)~s);
}

/* Recompute both checksums of a plain datagram (no IPv6 extension headers). */
static void fix(uint8_t *b, size_t len)
{
	if ((b[0] >> 4) == 6) {
		fix_tcp_at(b, 40, len - 40);
	} else {
		size_t ihl = (size_t)(b[0] & 15) * 4;
		size_t tot = (size_t)(b[2] << 8 | b[3]);
		fix_ip(b);
		fix_tcp_at(b, ihl, tot - ihl);
	}
}

/* A datagram from 192.0.2.2:40000 (2001:db8::2) to 192.0.2.1:179 (::1) with the
 * given raw option bytes (padded with EOL to a multiple of 4). */
static size_t raw_build(uint8_t *b, int af, const uint8_t *opt, size_t optlen, uint8_t flags,
			const void *data, size_t dlen)
{
	size_t l3 = af == 6 ? 40 : 20;
	size_t olen = (optlen + 3) & ~(size_t)3;
	size_t thl = 20 + olen, tot = l3 + thl + dlen;
	memset(b, 0, tot);
	if (af == 6) {
		b[0] = 0x60;
		w16(b + 4, (uint16_t)(thl + dlen));
		b[6] = 6;
		b[7] = 64;
		memcpy(b + 8, V6_SRC, 16);
		memcpy(b + 24, V6_DST, 16);
	} else {
		b[0] = 0x45;
		w16(b + 2, (uint16_t)tot);
		b[6] = 0x40;
		b[8] = 64;
		b[9] = 6;
		memcpy(b + 12, V4_SRC, 4);
		memcpy(b + 16, V4_DST, 4);
	}
	uint8_t *t = b + l3;
	w16(t, 40000);
	w16(t + 2, 179);
	w32(t + 4, 0x01020304);
	w32(t + 8, 0x05060708);
	t[12] = (uint8_t)((thl / 4) << 4);
	t[13] = flags;
	w16(t + 14, 0x1234);
	if (optlen)
		memcpy(t + 20, opt, optlen);
	if (dlen)
		memcpy(t + thl, data, dlen);
	fix(b, tot);
	return tot;
}

/* ---- checksum ---- */

/* RFC 1071 §3: the example bytes 00 01 f2 03 f4 f5 f6 f7 sum to dd f2, whatever
 * the host's byte order (the sum comes out in the order the data is stored). */
static void test_csum_rfc1071_example(void **state)
{
	static const uint8_t ex[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint16_t s = csum_fold(csum_add(0, ex, sizeof(ex)));
	uint8_t out[2];
	memcpy(out, &s, 2);
	assert_int_equal(out[0], 0xdd);
	assert_int_equal(out[1], 0xf2);
	/* The same sum in pieces (§2 (B) associativity), split at even offsets. */
	uint64_t p = csum_add(csum_add(csum_add(0, ex, 2), ex + 2, 4), ex + 6, 2);
	assert_int_equal(csum_fold(p), s);
	/* And the checksum ~sum makes the whole verify to all ones. */
	uint8_t with[10];
	memcpy(with, ex, 8);
	uint16_t c = (uint16_t)~s;
	memcpy(with + 8, &c, 2);
	assert_int_equal(csum_fold(csum_add(0, with, 10)), 0xffff);
}

/* csum_add (8 bytes at a time) agrees with the reference for every length and
 * alignment, including odd tails and sums that carry many times. */
static void test_csum_matches_reference(void **state)
{
	static uint8_t buf[70000];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len < 300; len++) {
			uint16_t mine = csum_fold(csum_add(0, buf + off, len));
			uint16_t ref = (uint16_t)ref_add(0, buf + off, len);
			uint8_t m[2];
			memcpy(m, &mine, 2);
			assert_int_equal(m[0] << 8 | m[1], ref);
		}
	}
	/* All ones, 65535 bytes: carries on every word. */
	memset(buf, 0xff, 65535);
	uint16_t mine = csum_fold(csum_add(0, buf, 65535));
	uint8_t m[2];
	memcpy(m, &mine, 2);
	assert_int_equal(m[0] << 8 | m[1], ref_add(0, buf, 65535));
}

/* RFC 9293 §3.1 / RFC 8200 §8.1 pseudo-headers, checked through complete
 * segments: a datagram whose TCP checksum came from the reference parses. */
static void test_csum_pseudo_header(void **state)
{
	struct tcp_ip a, b;
	tcp_ip_parse("192.0.2.2", &a);
	tcp_ip_parse("192.0.2.1", &b);
	uint8_t ph[12] = { 192, 0, 2, 2, 192, 0, 2, 1, 0, 6, 0x01, 0x23 };
	uint16_t s = csum_fold(csum_pseudo(&a, &b, 0x123));
	uint8_t m[2];
	memcpy(m, &s, 2);
	assert_int_equal(m[0] << 8 | m[1], ref_add(0, ph, 12));
	tcp_ip_parse("2001:db8::2", &a);
	tcp_ip_parse("2001:db8::1", &b);
	uint8_t ph6[40] = { 0 };
	memcpy(ph6, V6_SRC, 16);
	memcpy(ph6 + 16, V6_DST, 16);
	w32(ph6 + 32, 0x12345);
	ph6[39] = 6;
	s = csum_fold(csum_pseudo(&a, &b, 0x12345));
	memcpy(m, &s, 2);
	assert_int_equal(m[0] << 8 | m[1], ref_add(0, ph6, 40));
}

/* ---- SipHash-2-4 ---- */

/* Aumasson & Bernstein, "SipHash: a fast short-input PRF", appendix A: key
 * 00..0f, message 00..0e -> a129ca6149be45e5; and the empty message of the
 * reference implementation's vectors -> 726fdb47dd0e0e31. */
static void test_siphash_vectors(void **state)
{
	uint8_t key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	assert_true(siphash24(key, msg, 15) == 0xa129ca6149be45e5ull);
	assert_true(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	/* Every length through two blocks gives a distinct value, and the key
	 * matters (a PRF that ignored a tail byte or the key would collide). */
	uint64_t seen[64];
	for (int n = 0; n < 64; n++) {
		seen[n] = siphash24(key, msg, (size_t)n);
		for (int j = 0; j < n; j++)
			assert_true(seen[j] != seen[n]);
	}
	key[15] ^= 1;
	assert_true(siphash24(key, msg, 15) != 0xa129ca6149be45e5ull);
}

/* RFC 6528 §3: ISN = M + F(4-tuple, secret); M ticks every 4 µs. */
static void test_isn_rfc6528(void **state)
{
	uint8_t key[16] = "0123456789abcdef";
	struct tcp_endpoint l, r, r2;
	ep_set(&l, "192.0.2.1", 179);
	ep_set(&r, "192.0.2.2", 40000);
	ep_set(&r2, "192.0.2.2", 40001);
	uint32_t i0 = tcp_isn(key, &l, &r, 0);
	assert_int_equal(tcp_isn(key, &l, &r, 4000), i0 + 1000);
	assert_int_equal(tcp_isn(key, &l, &r, 3), i0);
	/* Another 4-tuple, another offset (not predictable from a neighbour's). */
	assert_int_not_equal(tcp_isn(key, &l, &r2, 0), i0);
	assert_int_not_equal(tcp_isn(key, &l, &r2, 0), i0 + 1);
	key[0] ^= 1;
	assert_int_not_equal(tcp_isn(key, &l, &r, 0), i0);
}

/* ---- sequence arithmetic (RFC 9293 §3.4; TCP-PITFALLS: comparisons near
 * 2^31 and 2^32) ---- */
static void test_seq_arith(void **state)
{
	/* across 2^32 */
	assert_true(seq_lt(0xffffffffu, 0));
	assert_true(seq_gt(0, 0xffffffffu));
	assert_true(seq_lt(0xfffffff0u, 0x10));
	assert_true(seq_leq(0xfffffff0u, 0x10));
	assert_true(seq_geq(0x10, 0xfffffff0u));
	assert_false(seq_gt(0xfffffff0u, 0x10));
	assert_int_equal(seq_diff(0x10, 0xfffffff0u), 0x20);
	assert_int_equal(seq_diff(0xfffffff0u, 0x10), -0x20);
	assert_int_equal(seq_max(0xfffffff0u, 0x10), 0x10);
	assert_int_equal(seq_min(0xfffffff0u, 0x10), 0xfffffff0u);
	/* across 2^31: 0x7fffffff < 0x80000000 (a signed compare of the values
	 * themselves would say the opposite) */
	assert_true(seq_lt(0x7fffffffu, 0x80000000u));
	assert_true(seq_gt(0x80000005u, 0x7ffffff0u));
	assert_true(seq_lt(0x40000000u, 0xbfffffffu));   /* 2^31 - 1 apart */
	assert_true(seq_gt(0xc0000000u, 0x40000001u));   /* 2^31 - 1 apart the other way */
	/* equal */
	assert_true(seq_leq(5, 5) && seq_geq(5, 5) && !seq_lt(5, 5) && !seq_gt(5, 5));
	/* windows that wrap: [lo, hi) */
	assert_true(seq_in(0xfffffff0u, 0xffffff00u, 0x100));
	assert_true(seq_in(0x0, 0xffffff00u, 0x100));
	assert_true(seq_in(0xff, 0xffffff00u, 0x100));
	assert_false(seq_in(0x100, 0xffffff00u, 0x100));
	assert_false(seq_in(0xfffffeffu, 0xffffff00u, 0x100));
	assert_true(seq_in(0x7fffffffu, 0x7ffffff0u, 0x80000010u));
	assert_true(seq_in(0x80000000u, 0x7ffffff0u, 0x80000010u));
	assert_false(seq_in(5, 5, 5));                   /* empty window */
}

/* ---- parsing valid datagrams ---- */

static void expect_parse(const uint8_t *b, size_t len, struct tcp_seg *seg)
{
	enum tcp_drop why = TCP_DROP__COUNT;
	int rc = tcp_parse(b, len, seg, &why);
	if (rc != 0)
		fail_msg("parse failed: %s", tcp_drop_name(why));
}

/* Every option we know, in a SYN over IPv4 and IPv6 (RFC 9293 §3.2, RFC 7323
 * §2-3, RFC 2018, RFC 5925 kind 29 recognised), unknown options skipped
 * (RFC 9293 MUST-6), nothing read after EOL. */
static void test_parse_all_options(void **state)
{
	static const uint8_t opt[] = {
		2, 4, 0x05, 0xb4,                       /* MSS 1460 */
		1, 3, 3, 14,                            /* NOP, WS 14 */
		4, 2,                                   /* SACK-permitted */
		8, 10, 0, 0, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef,   /* TS */
		99, 4, 0xaa, 0xbb,                      /* unknown, skipped */
		29, 4, 0, 0,                            /* TCP-AO (recognised only) */
		1, 0, 2, 1,                             /* NOP, EOL, then junk ignored */
	};
	for (int af = 4; af <= 6; af += 2) {
		uint8_t b[200];
		size_t n = raw_build(b, af, opt, sizeof(opt), TH_SYN, "hi", 2);
		struct tcp_seg s;
		expect_parse(b, n, &s);
		assert_int_equal(s.src.ip.af, af == 6 ? TCP_AF_INET6 : TCP_AF_INET);
		assert_memory_equal(s.src.ip.a, af == 6 ? V6_SRC : V4_SRC, af == 6 ? 16 : 4);
		assert_memory_equal(s.dst.ip.a, af == 6 ? V6_DST : V4_DST, af == 6 ? 16 : 4);
		assert_int_equal(s.src.port, 40000);
		assert_int_equal(s.dst.port, 179);
		assert_int_equal(s.seq, 0x01020304);
		assert_int_equal(s.ack, 0x05060708);
		assert_int_equal(s.flags, TH_SYN);
		assert_int_equal(s.wnd, 0x1234);
		assert_int_equal(s.ttl, 64);
		assert_int_equal(s.hdr_len, 20 + sizeof(opt));
		assert_int_equal(s.len, 2);
		assert_memory_equal(s.data, "hi", 2);
		assert_int_equal(tcp_seg_seqlen(&s), 3);
		assert_true(s.opt.has_mss);
		assert_int_equal(s.opt.mss, 1460);
		assert_true(s.opt.has_wscale);
		assert_int_equal(s.opt.wscale, 14);
		assert_true(s.opt.sack_ok);
		assert_true(s.opt.has_ts);
		assert_int_equal(s.opt.tsval, 0x1234);
		assert_int_equal(s.opt.tsecr, 0x89abcdef);
		assert_true(s.opt.has_ao);
		assert_false(s.opt.has_md5);
		assert_int_equal(s.opt.nsack, 0);
	}
}

/* MD5 (RFC 2385: kind 19, length 18) and SACK blocks (RFC 2018 §3: up to 4). */
static void test_parse_md5_and_sack(void **state)
{
	uint8_t opt[40] = { 1, 1, 19, 18 };
	for (int i = 0; i < 16; i++)
		opt[4 + i] = (uint8_t)(0xa0 + i);
	opt[20] = 1;
	opt[21] = 1;
	opt[22] = 5;
	opt[23] = 2 + 2 * 8;
	w32(opt + 24, 0xfffffff0u);
	w32(opt + 28, 0x00000010u);
	w32(opt + 32, 100);
	w32(opt + 36, 200);
	uint8_t b[200];
	size_t n = raw_build(b, 4, opt, 40, TH_ACK, NULL, 0);
	struct tcp_seg s;
	expect_parse(b, n, &s);
	assert_true(s.opt.has_md5);
	assert_int_equal(s.opt.md5_off, 24);
	assert_int_equal(s.tcph[s.opt.md5_off], 0xa0);
	assert_int_equal(s.opt.nsack, 2);
	assert_int_equal(s.opt.sack[0][0], 0xfffffff0u);
	assert_int_equal(s.opt.sack[0][1], 0x10);
	assert_int_equal(s.opt.sack[1][0], 100);
	assert_int_equal(s.opt.sack[1][1], 200);
	/* Four blocks fill 34 bytes. */
	uint8_t o4[36] = { 1, 1, 5, 34 };
	for (int i = 0; i < 8; i++)
		w32(o4 + 4 + 4 * i, (uint32_t)(1000 + i));
	n = raw_build(b, 6, o4, 36, TH_ACK, NULL, 0);
	expect_parse(b, n, &s);
	assert_int_equal(s.opt.nsack, 4);
	assert_int_equal(s.opt.sack[3][0], 1006);
	assert_int_equal(s.opt.sack[3][1], 1007);
}

/* IPv4 options (IHL > 5) are stepped over; Ethernet padding after the
 * datagram's total length is ignored (RFC 791 total length, RFC 894). */
static void test_parse_v4_ip_options_and_padding(void **state)
{
	uint8_t b[200];
	size_t n = raw_build(b, 4, NULL, 0, TH_ACK | TH_PSH, "abc", 3);
	/* insert a 4-byte IP option (NOP NOP NOP EOL) */
	memmove(b + 24, b + 20, n - 20);
	b[20] = b[21] = b[22] = 1;
	b[23] = 0;
	b[0] = 0x46;
	n += 4;
	w16(b + 2, (uint16_t)n);
	fix(b, n);
	memset(b + n, 0xee, 10);        /* padding, not part of the datagram */
	struct tcp_seg s;
	expect_parse(b, n + 10, &s);
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.data, "abc", 3);
	assert_int_equal(s.flags, TH_ACK | TH_PSH);
}

/* IPv6 hop-by-hop, routing and destination options are stepped over
 * (RFC 8200 §4), the TCP checksum covering what follows them. */
static void test_parse_v6_extension_headers(void **state)
{
	uint8_t b[300];
	size_t n = raw_build(b, 6, NULL, 0, TH_ACK, "xyz", 3);
	size_t tlen = n - 40;
	/* HBH (8 bytes) -> DSTOPTS (16 bytes) -> TCP */
	memmove(b + 40 + 24, b + 40, tlen);
	memset(b + 40, 0, 24);
	b[6] = 0;                       /* next: hop-by-hop */
	b[40] = 60;                     /* next: destination options */
	b[41] = 0;                      /* 8 bytes */
	b[48] = 6;                      /* next: TCP */
	b[49] = 1;                      /* 16 bytes */
	w16(b + 4, (uint16_t)(tlen + 24));
	fix_tcp_at(b, 64, tlen);
	struct tcp_seg s;
	expect_parse(b, n + 24, &s);
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.data, "xyz", 3);
	/* A routing header (43) works as well. */
	b[6] = 43;
	expect_parse(b, n + 24, &s);
}

/* ---- every drop reason the parser produces ---- */

struct bad {
	const char *what;
	uint8_t b[200];
	size_t len;
	enum tcp_drop why;
};

static struct bad bads[80];
static unsigned nbad;

static struct bad *bad_new(const char *what, enum tcp_drop why, int af)
{
	struct bad *x = &bads[nbad++];
	assert_true(nbad <= sizeof(bads) / sizeof(bads[0]));
	x->what = what;
	x->why = why;
	x->len = raw_build(x->b, af, NULL, 0, TH_ACK, "data", 4);
	return x;
}

static struct bad *bad_opt(const char *what, const uint8_t *opt, size_t optlen)
{
	struct bad *x = bad_new(what, TCP_DROP_TCP_OPT, 4);
	x->len = raw_build(x->b, 4, opt, optlen, TH_ACK, NULL, 0);
	return x;
}

static void build_bads(void)
{
	struct bad *x;
	nbad = 0;
	/* IP_SHORT */
	x = bad_new("empty", TCP_DROP_IP_SHORT, 4);
	x->len = 0;
	x = bad_new("19-byte v4", TCP_DROP_IP_SHORT, 4);
	x->len = 19;
	x = bad_new("39-byte v6", TCP_DROP_IP_SHORT, 6);
	x->len = 39;
	/* IP_VERSION */
	x = bad_new("version 5", TCP_DROP_IP_VERSION, 4);
	x->b[0] = 0x55;
	x = bad_new("version 0", TCP_DROP_IP_VERSION, 4);
	x->b[0] = 0x05;
	/* IP_HDRLEN */
	x = bad_new("IHL 4", TCP_DROP_IP_HDRLEN, 4);
	x->b[0] = 0x44;
	x = bad_new("IHL past the datagram", TCP_DROP_IP_HDRLEN, 4);
	x->b[0] = 0x4f;
	x->len = 40;
	/* IP_LEN */
	x = bad_new("total length < IHL", TCP_DROP_IP_LEN, 4);
	w16(x->b + 2, 19);
	fix_ip(x->b);
	x = bad_new("total length > datagram (truncated)", TCP_DROP_IP_LEN, 4);
	x->len -= 1;
	x = bad_new("v6 payload length > datagram", TCP_DROP_IP_LEN, 6);
	x->len -= 1;
	x = bad_new("v6 extension header cut short", TCP_DROP_IP_LEN, 6);
	x->b[6] = 0;                    /* hop-by-hop, but only 4 bytes of payload */
	w16(x->b + 4, 4);
	x->len = 44;
	x = bad_new("v6 extension header longer than the payload", TCP_DROP_IP_LEN, 6);
	x->b[6] = 60;
	x->b[40 + 1] = 200;             /* (200 + 1) * 8 bytes */
	/* IP_CSUM */
	x = bad_new("IPv4 header checksum", TCP_DROP_IP_CSUM, 4);
	x->b[8] = 63;                   /* TTL changed, checksum not */
	/* IP_FRAG */
	x = bad_new("v4 more fragments", TCP_DROP_IP_FRAG, 4);
	w16(x->b + 6, 0x2000);
	fix_ip(x->b);
	x = bad_new("v4 fragment offset", TCP_DROP_IP_FRAG, 4);
	w16(x->b + 6, 0x0001);
	fix_ip(x->b);
	x = bad_new("v6 fragment header", TCP_DROP_IP_FRAG, 6);
	x->b[6] = 44;
	/* IP_PROTO */
	x = bad_new("v4 UDP", TCP_DROP_IP_PROTO, 4);
	x->b[9] = 17;
	fix_ip(x->b);
	x = bad_new("v6 UDP", TCP_DROP_IP_PROTO, 6);
	x->b[6] = 17;
	x = bad_new("v6 ESP (an unknown header)", TCP_DROP_IP_PROTO, 6);
	x->b[6] = 50;
	/* IP_ADDR */
	static const struct { const char *what; int off; uint8_t a[4]; } v4a[] = {
		{ "v4 source 0.0.0.0", 12, { 0, 0, 0, 0 } },
		{ "v4 source broadcast", 12, { 255, 255, 255, 255 } },
		{ "v4 source multicast", 12, { 224, 0, 0, 5 } },
		{ "v4 destination 0.0.0.0", 16, { 0, 0, 0, 0 } },
		{ "v4 destination broadcast", 16, { 255, 255, 255, 255 } },
		{ "v4 destination multicast", 16, { 239, 1, 2, 3 } },
	};
	for (unsigned i = 0; i < sizeof(v4a) / sizeof(v4a[0]); i++) {
		x = bad_new(v4a[i].what, TCP_DROP_IP_ADDR, 4);
		memcpy(x->b + v4a[i].off, v4a[i].a, 4);
		fix(x->b, x->len);
	}
	x = bad_new("v6 source ::", TCP_DROP_IP_ADDR, 6);
	memset(x->b + 8, 0, 16);
	fix(x->b, x->len);
	x = bad_new("v6 source multicast", TCP_DROP_IP_ADDR, 6);
	x->b[8] = 0xff;
	fix(x->b, x->len);
	x = bad_new("v6 destination multicast", TCP_DROP_IP_ADDR, 6);
	x->b[24] = 0xff;
	x->b[25] = 0x02;
	fix(x->b, x->len);
	/* TCP_SHORT */
	x = bad_new("TCP header of 19 bytes", TCP_DROP_TCP_SHORT, 4);
	x->len = 20 + 19;
	w16(x->b + 2, 39);
	fix_ip(x->b);
	x = bad_new("v6 TCP header of 19 bytes", TCP_DROP_TCP_SHORT, 6);
	x->len = 40 + 19;
	w16(x->b + 4, 19);
	/* TCP_DOFF */
	x = bad_new("data offset 4", TCP_DROP_TCP_DOFF, 4);
	x->b[20 + 12] = 0x40;
	fix(x->b, x->len);
	x = bad_new("data offset past the segment", TCP_DROP_TCP_DOFF, 4);
	x->b[20 + 12] = 0x70;           /* 28 bytes, segment has 24 */
	fix(x->b, x->len);
	/* TCP_CSUM */
	x = bad_new("TCP checksum (payload)", TCP_DROP_TCP_CSUM, 4);
	x->b[x->len - 1] ^= 0x01;
	x = bad_new("TCP checksum (v6 pseudo-header: other source)", TCP_DROP_TCP_CSUM, 6);
	x->b[23] ^= 0x04;
	/* TCP_OPT */
	static const uint8_t o_len0[] = { 99, 0, 0, 0 };
	static const uint8_t o_len1[] = { 2, 1, 0, 0 };
	static const uint8_t o_nolen[] = { 1, 1, 1, 2 };
	static const uint8_t o_overrun[] = { 1, 1, 2, 8 };
	static const uint8_t o_mss3[] = { 2, 3, 1, 0 };
	static const uint8_t o_mss5[] = { 2, 5, 1, 2, 3, 0, 0, 0 };
	static const uint8_t o_ws2[] = { 3, 2, 0, 0 };
	static const uint8_t o_ws4[] = { 3, 4, 1, 0 };
	static const uint8_t o_ts8[] = { 8, 8, 0, 0, 0, 0, 0, 0 };
	static const uint8_t o_ts12[] = { 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t o_md5_17[20] = { 19, 17 };
	static const uint8_t o_md5_19[20] = { 19, 19 };
	static const uint8_t o_sp3[] = { 4, 3, 0, 0 };
	static const uint8_t o_sack2[] = { 5, 2, 0, 0 };
	static const uint8_t o_sack11[12] = { 5, 11 };
	bad_opt("option length 0", o_len0, sizeof(o_len0));
	bad_opt("option length 1", o_len1, sizeof(o_len1));
	bad_opt("option kind without a length byte", o_nolen, sizeof(o_nolen));
	bad_opt("option length past the header", o_overrun, sizeof(o_overrun));
	bad_opt("MSS length 3", o_mss3, sizeof(o_mss3));
	bad_opt("MSS length 5", o_mss5, sizeof(o_mss5));
	bad_opt("WS length 2", o_ws2, sizeof(o_ws2));
	bad_opt("WS length 4", o_ws4, sizeof(o_ws4));
	bad_opt("TS length 8", o_ts8, sizeof(o_ts8));
	bad_opt("TS length 12", o_ts12, sizeof(o_ts12));
	bad_opt("MD5 length 17", o_md5_17, sizeof(o_md5_17));
	bad_opt("MD5 length 19", o_md5_19, sizeof(o_md5_19));
	bad_opt("SACK-permitted length 3", o_sp3, sizeof(o_sp3));
	bad_opt("SACK with no block", o_sack2, sizeof(o_sack2));
	bad_opt("SACK length 11", o_sack11, sizeof(o_sack11));
	/* TCP_FLAGS */
	static const struct { const char *what; uint8_t f; } fl[] = {
		{ "SYN+RST", TH_SYN | TH_RST },
		{ "SYN+FIN", TH_SYN | TH_FIN },
		{ "SYN+FIN+RST+ACK", TH_SYN | TH_FIN | TH_RST | TH_ACK },
		{ "no flags", 0 },
		{ "PSH only", TH_PSH },
		{ "URG only", TH_URG },
		{ "ECE+CWR only", TH_ECE | TH_CWR },
	};
	for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		x = bad_new(fl[i].what, TCP_DROP_TCP_FLAGS, 4);
		x->b[20 + 13] = fl[i].f;
		fix(x->b, x->len);
	}
	/* TCP_PORT */
	x = bad_new("source port 0", TCP_DROP_TCP_PORT, 4);
	w16(x->b + 20, 0);
	fix(x->b, x->len);
	x = bad_new("destination port 0", TCP_DROP_TCP_PORT, 6);
	w16(x->b + 40 + 2, 0);
	fix(x->b, x->len);
}

static void test_parse_drop_reasons(void **state)
{
	build_bads();
	bool covered[TCP_DROP__COUNT] = { false };
	for (unsigned i = 0; i < nbad; i++) {
		struct tcp_seg s;
		enum tcp_drop why = TCP_DROP__COUNT;
		int rc = tcp_parse(bads[i].b, bads[i].len, &s, &why);
		if (rc != -1 || why != bads[i].why)
			fail_msg("%s: rc %d, reason %s, want %s", bads[i].what, rc,
				 rc ? tcp_drop_name(why) : "none", tcp_drop_name(bads[i].why));
		covered[why] = true;
	}
	/* Every parser reason (IP_SHORT .. TCP_PORT in drop.h) is exercised. */
	for (int d = TCP_DROP_IP_SHORT; d <= TCP_DROP_TCP_PORT; d++)
		if (!covered[d])
			fail_msg("no case for %s", tcp_drop_name((enum tcp_drop)d));
}

/* A stack counts each malformed datagram under its reason and answers none of
 * them (an RST to garbage would be a reflector). */
static void test_stack_counts_parse_drops(void **state)
{
	build_bads();
	struct cap c;
	cap_init(&c, NULL);
	int err;
	struct tcp_endpoint l;
	ep_set(&l, "192.0.2.1", 179);
	assert_non_null(tcp_listen(c.st, &l, 4, NULL, NULL, NULL, &err));
	ep_set(&l, "2001:db8::1", 179);
	assert_non_null(tcp_listen(c.st, &l, 4, NULL, NULL, NULL, &err));
	uint64_t want[TCP_DROP__COUNT] = { 0 };
	for (unsigned i = 0; i < nbad; i++) {
		cap_input(&c, bads[i].b, bads[i].len);
		want[bads[i].why]++;
	}
	struct tcp_stack_stats st;
	tcp_stack_stats(c.st, &st);
	for (int d = 0; d < TCP_DROP__COUNT; d++)
		if (st.drops[d] != want[d])
			fail_msg("%s: counted %llu, want %llu", tcp_drop_name((enum tcp_drop)d),
				 (unsigned long long)st.drops[d], (unsigned long long)want[d]);
	assert_int_equal(c.n, 0);
	assert_int_equal(st.segs_in, 0);
	assert_int_equal(st.conns_live, 0);
	cap_free(&c);
}

/* Flag combinations a conforming sender produces pass the parser. */
static void test_parse_accepts_valid_flags(void **state)
{
	static const uint8_t ok[] = { TH_SYN, TH_SYN | TH_ACK, TH_ACK, TH_ACK | TH_PSH, TH_FIN | TH_ACK,
				      TH_RST, TH_RST | TH_ACK, TH_FIN, TH_ACK | TH_URG,
				      TH_SYN | TH_ECE | TH_CWR, TH_ACK | TH_ECE };
	for (unsigned i = 0; i < sizeof(ok); i++) {
		uint8_t b[100];
		size_t n = raw_build(b, 4, NULL, 0, ok[i], NULL, 0);
		struct tcp_seg s;
		expect_parse(b, n, &s);
		assert_int_equal(s.flags, ok[i]);
	}
}

/* ---- build -> parse ---- */

static void roundtrip(int af)
{
	struct tcp_endpoint src, dst;
	ep_set(&src, af == 6 ? "2001:db8::aa" : "198.51.100.7", 61234);
	ep_set(&dst, af == 6 ? "2001:db8::bb" : "203.0.113.9", 179);
	static const uint8_t d1[] = "first piece|", d2[] = "second piece";
	struct tcp_out o;
	memset(&o, 0, sizeof(o));
	o.src = &src;
	o.dst = &dst;
	o.ttl = 255;
	o.seq = 0xfffffffeu;
	o.ack = 0x80000001u;
	o.flags = TH_SYN | TH_ACK;
	o.wnd = 0xfedc;
	o.mss = 1440;
	o.wscale = 7;
	o.sack_perm = true;
	o.ts = true;
	o.tsval = 0xdeadbeefu;
	o.tsecr = 0x01020304u;
	o.nsack = 1;
	o.sack[0][0] = 0xfffffff0u;
	o.sack[0][1] = 0x20;
	o.data[0] = d1;
	o.dlen[0] = 12;
	o.data[1] = d2;
	o.dlen[1] = 12;
	assert_int_equal(tcp_out_optlen(&o), 4 + 4 + 4 + 12 + 12);
	uint8_t buf[300];
	size_t n = tcp_build(buf, sizeof(buf), &o, NULL);
	assert_int_equal(n, (af == 6 ? 40u : 20u) + 20 + 36 + 24);
	assert_int_equal(tcp_build_l3len(&o), af == 6 ? 40 : 20);
	struct tcp_seg s;
	expect_parse(buf, n, &s);
	assert_true(tcp_ep_eq(&s.src, &src));
	assert_true(tcp_ep_eq(&s.dst, &dst));
	assert_int_equal(s.ttl, 255);
	assert_int_equal(s.seq, 0xfffffffeu);
	assert_int_equal(s.ack, 0x80000001u);
	assert_int_equal(s.flags, TH_SYN | TH_ACK);
	assert_int_equal(s.wnd, 0xfedc);
	assert_int_equal(s.urp, 0);
	assert_true(s.opt.has_mss);
	assert_int_equal(s.opt.mss, 1440);
	assert_true(s.opt.has_wscale);
	assert_int_equal(s.opt.wscale, 7);
	assert_true(s.opt.sack_ok);
	assert_true(s.opt.has_ts);
	assert_int_equal(s.opt.tsval, 0xdeadbeefu);
	assert_int_equal(s.opt.tsecr, 0x01020304u);
	assert_int_equal(s.opt.nsack, 1);
	assert_int_equal(s.opt.sack[0][0], 0xfffffff0u);
	assert_int_equal(s.opt.sack[0][1], 0x20);
	assert_false(s.opt.has_md5);
	assert_int_equal(s.len, 24);
	assert_memory_equal(s.data, "first piece|second piece", 24);
	/* What the builder wrote checks with the reference sums too. */
	size_t l3 = af == 6 ? 40 : 20;
	if (af == 4) {
		assert_int_equal(ref_add(0, buf, 20), 0xffff);
		assert_int_equal(buf[6] & 0x40, 0x40);   /* DF */
		assert_int_equal(buf[9], 6);
	} else {
		assert_int_equal(buf[0] >> 4, 6);
		assert_int_equal(buf[6], 6);
		assert_int_equal(buf[4] << 8 | buf[5], n - 40);
	}
	uint8_t copy[300];
	memcpy(copy, buf, n);
	fix_tcp_at(copy, l3, n - l3);
	assert_memory_equal(copy, buf, n);
	/* Without options or data: the minimum segment. */
	memset(&o, 0, sizeof(o));
	o.src = &src;
	o.dst = &dst;
	o.wscale = -1;
	o.flags = TH_RST;
	n = tcp_build(buf, sizeof(buf), &o, NULL);
	assert_int_equal(n, l3 + 20);
	expect_parse(buf, n, &s);
	assert_int_equal(s.hdr_len, 20);
	assert_int_equal(s.flags, TH_RST);
	assert_false(s.opt.has_mss || s.opt.has_wscale || s.opt.has_ts || s.opt.sack_ok);
}

static void test_build_roundtrip_v4(void **state) { roundtrip(4); }
static void test_build_roundtrip_v6(void **state) { roundtrip(6); }

/* The builder refuses what cannot be built: too small a buffer, more than 40
 * bytes of options (RFC 9293 §3.1: data offset is 4 bits). */
static void test_build_limits(void **state)
{
	struct tcp_endpoint src, dst;
	ep_set(&src, "192.0.2.1", 1);
	ep_set(&dst, "192.0.2.2", 2);
	struct tcp_out o;
	memset(&o, 0, sizeof(o));
	o.src = &src;
	o.dst = &dst;
	o.flags = TH_ACK;
	o.wscale = -1;
	uint8_t buf[100];
	assert_int_equal(tcp_build(buf, 39, &o, NULL), 0);
	assert_int_equal(tcp_build(buf, 40, &o, NULL), 40);
	o.md5 = true;
	o.ts = true;
	o.nsack = 1;                    /* 20 + 12 + 12 = 44 > 40 */
	assert_int_equal(tcp_out_optlen(&o), 44);
	assert_int_equal(tcp_build(buf, sizeof(buf), &o, NULL), 0);
	o.ts = false;
	o.nsack = 2;                    /* 20 + 20 = 40: fits */
	uint16_t off = 0;
	assert_int_equal(tcp_build(buf, sizeof(buf), &o, &off), 80);
	assert_int_equal(off, 24);      /* from the TCP header: 20, NOP NOP kind len */
}

/* ---- TCP-MD5 (RFC 2385 §2.0) ---- */

/* The digest as RFC 2385 §2.0 defines it, computed here from scratch:
 * pseudo-header (TCP length including options), TCP header without options
 * and with a zero checksum, data, key. */
static void ref_md5(const uint8_t *pkt, size_t len, const char *key, uint8_t out[16])
{
	size_t l3 = (pkt[0] >> 4) == 6 ? 40 : (size_t)(pkt[0] & 15) * 4;
	const uint8_t *t = pkt + l3;
	size_t tlen = len - l3, doff = (size_t)(t[12] >> 4) * 4;
	uint8_t ph[40];
	size_t phn;
	if (l3 == 40) {
		memcpy(ph, pkt + 8, 32);
		w32(ph + 32, (uint32_t)tlen);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 6;
		phn = 40;
	} else {
		memcpy(ph, pkt + 12, 8);
		ph[8] = 0;
		ph[9] = 6;
		w16(ph + 10, (uint16_t)tlen);
		phn = 12;
	}
	uint8_t th[20];
	memcpy(th, t, 20);
	th[16] = th[17] = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned ol = 0;
	assert_true(EVP_DigestInit_ex(ctx, EVP_md5(), NULL));
	EVP_DigestUpdate(ctx, ph, phn);
	EVP_DigestUpdate(ctx, th, 20);
	EVP_DigestUpdate(ctx, t + doff, tlen - doff);
	EVP_DigestUpdate(ctx, key, strlen(key));
	EVP_DigestFinal_ex(ctx, out, &ol);
	EVP_MD_CTX_free(ctx);
}

static void md5_case(int af)
{
	struct tcp_endpoint src, dst;
	ep_set(&src, af == 6 ? "2001:db8::2" : "192.0.2.2", 40000);
	ep_set(&dst, af == 6 ? "2001:db8::1" : "192.0.2.1", 179);
	const char *key = "s3cret-bgp";
	struct seg_spec sp;
	seg_spec_init(&sp, &src, &dst);
	sp.seq = 1000;
	sp.ack = 2000;
	sp.flags = TH_ACK | TH_PSH;
	sp.ts = true;
	sp.tsval = 77;
	sp.tsecr = 88;
	sp.data = "BGP OPEN";
	sp.len = 8;
	sp.md5_key = (const uint8_t *)key;
	sp.md5_keylen = strlen(key);
	uint8_t b[300];
	size_t n = seg_make(b, sizeof(b), &sp);
	assert_true(n > 0);
	struct tcp_seg s;
	expect_parse(b, n, &s);
	assert_true(s.opt.has_md5);
	assert_true(s.opt.has_ts);
	uint8_t want[16];
	ref_md5(b, n, key, want);
	assert_memory_equal(s.tcph + s.opt.md5_off, want, 16);
	enum tcp_drop why = TCP_DROP__COUNT;
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)key, strlen(key), &why), 0);
	/* Wrong key: failure. */
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)"other", 5, &why), -1);
	assert_int_equal(why, TCP_DROP_MD5_FAILURE);
	/* No key but a signature: unexpected. */
	assert_int_equal(tcp_md5_verify(&s, NULL, 0, &why), -1);
	assert_int_equal(why, TCP_DROP_MD5_UNEXPECTED);
	/* Options are not covered (RFC 2385 §2.0 step 2): a changed timestamp
	 * still verifies; a changed data byte does not. */
	size_t l3 = af == 6 ? 40 : 20;
	uint8_t c2[300];
	memcpy(c2, b, n);
	c2[l3 + s.hdr_len - 5] ^= 0x55;          /* inside the TS option */
	fix(c2, n);
	expect_parse(c2, n, &s);
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)key, strlen(key), &why), 0);
	memcpy(c2, b, n);
	c2[n - 1] ^= 1;
	fix(c2, n);
	expect_parse(c2, n, &s);
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)key, strlen(key), &why), -1);
	assert_int_equal(why, TCP_DROP_MD5_FAILURE);
	/* The header is covered: another sequence number fails. */
	memcpy(c2, b, n);
	c2[l3 + 7] ^= 1;
	fix(c2, n);
	expect_parse(c2, n, &s);
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)key, strlen(key), &why), -1);
	/* Unsigned with a key: not found. */
	sp.md5_key = NULL;
	n = seg_make(b, sizeof(b), &sp);
	expect_parse(b, n, &s);
	assert_int_equal(tcp_md5_verify(&s, (const uint8_t *)key, strlen(key), &why), -1);
	assert_int_equal(why, TCP_DROP_MD5_NOTFOUND);
	assert_int_equal(tcp_md5_verify(&s, NULL, 0, &why), 0);
}

static void test_md5_digest_v4(void **state) { md5_case(4); }
static void test_md5_digest_v6(void **state) { md5_case(6); }

/* Key table: longest prefix wins; keys are bounded (80 bytes, as Linux). */
static void test_md5_key_table(void **state)
{
	struct tcp_md5_keys *k = tcp_md5_keys_new();
	struct tcp_ip net, host, other;
	tcp_ip_parse("192.0.2.0", &net);
	tcp_ip_parse("192.0.2.7", &host);
	tcp_ip_parse("198.51.100.1", &other);
	assert_int_equal(tcp_md5_keys_add(k, &net, 24, "net", 3), 0);
	assert_int_equal(tcp_md5_keys_add(k, &host, 32, "host", 4), 0);
	const struct tcp_md5_key *f = tcp_md5_keys_lookup(k, &host);
	assert_non_null(f);
	assert_memory_equal(f->key, "host", 4);
	struct tcp_ip h2;
	tcp_ip_parse("192.0.2.8", &h2);
	f = tcp_md5_keys_lookup(k, &h2);
	assert_non_null(f);
	assert_memory_equal(f->key, "net", 3);
	assert_null(tcp_md5_keys_lookup(k, &other));
	uint8_t big[81] = { 0 };
	assert_int_equal(tcp_md5_keys_add(k, &other, 32, big, 81), -1);
	assert_int_equal(tcp_md5_keys_add(k, &other, 32, big, 0), -1);
	assert_int_equal(tcp_md5_keys_add(k, &other, 32, big, 80), 0);
	assert_int_equal(tcp_md5_keys_del(k, &host, 32), 0);
	f = tcp_md5_keys_lookup(k, &host);
	assert_memory_equal(f->key, "net", 3);
	tcp_md5_keys_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_rfc1071_example),
		cmocka_unit_test(test_csum_matches_reference),
		cmocka_unit_test(test_csum_pseudo_header),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_isn_rfc6528),
		cmocka_unit_test(test_seq_arith),
		cmocka_unit_test(test_parse_all_options),
		cmocka_unit_test(test_parse_md5_and_sack),
		cmocka_unit_test(test_parse_v4_ip_options_and_padding),
		cmocka_unit_test(test_parse_v6_extension_headers),
		cmocka_unit_test(test_parse_drop_reasons),
		cmocka_unit_test(test_stack_counts_parse_drops),
		cmocka_unit_test(test_parse_accepts_valid_flags),
		cmocka_unit_test(test_build_roundtrip_v4),
		cmocka_unit_test(test_build_roundtrip_v6),
		cmocka_unit_test(test_build_limits),
		cmocka_unit_test(test_md5_digest_v4),
		cmocka_unit_test(test_md5_digest_v6),
		cmocka_unit_test(test_md5_key_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
