/*
 * tests/unit/test_bgp_aspath.c — bgpd/aspath.c: syntax (RFC 7606 §7.2, RFC 7607),
 * length for route selection (RFC 4271 §9.1.2.2, RFC 5065 §5.3), text, prepending
 * (RFC 4271 §5.1.2, RFC 5065 §4.1), 2-octet writing (RFC 6793 §4.2.2) and the
 * RFC 6793 §4.2.3 merge of AS_PATH/AS4_PATH and AGGREGATOR/AS4_AGGREGATOR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/aspath.h"
#include "bgpd/buf.h"
#include "bgpd/msg.h"

#define PATH_MAX_OCTETS 4096

struct pathbuf {
	uint8_t b[PATH_MAX_OCTETS];
	struct bgp_aspath p;
};

/* A 4-octet path from its text (asserting the text is good). */
static const struct bgp_aspath *PA(struct pathbuf *pb, const char *s)
{
	assert_int_equal(bgp_aspath_parse(s, pb->b, sizeof(pb->b), &pb->p), 0);
	assert_int_equal(bgp_aspath_check(&pb->p), BGP_ASPATH_OK);
	return &pb->p;
}

static void assert_path(const struct bgp_aspath *p, const char *want)
{
	char buf[1024];

	assert_int_equal(bgp_aspath_format(p, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_check_faults(void **state)
{
	static const struct {
		uint8_t b[16];
		size_t len;
		uint8_t as_size;
		enum bgp_aspath_fault want;
	} cases[] = {
		{ { 0 }, 0, 2, BGP_ASPATH_OK },                             /* empty: iBGP */
		{ { 2, 1, 0xfd, 0xe9 }, 4, 2, BGP_ASPATH_OK },
		{ { 2, 1, 0, 0, 0xfd, 0xe9 }, 6, 4, BGP_ASPATH_OK },
		{ { 1, 2, 0, 1, 0, 2 }, 6, 2, BGP_ASPATH_OK },
		{ { 3, 1, 0, 1, 4, 1, 0, 2 }, 8, 2, BGP_ASPATH_OK },        /* confed types */
		{ { 5, 1, 0, 1 }, 4, 2, BGP_ASPATH_BAD_TYPE },
		{ { 0, 1, 0, 1 }, 4, 2, BGP_ASPATH_BAD_TYPE },
		{ { 2, 2, 0, 1 }, 4, 2, BGP_ASPATH_OVERRUN },
		{ { 2, 1, 0, 1 }, 4, 4, BGP_ASPATH_OVERRUN },               /* 2-octet read as 4 */
		{ { 2, 1, 0, 1, 2 }, 5, 2, BGP_ASPATH_UNDERRUN },
		{ { 2 }, 1, 2, BGP_ASPATH_UNDERRUN },
		{ { 2, 0 }, 2, 2, BGP_ASPATH_EMPTY_SEG },
		{ { 2, 1, 0, 1, 1, 0 }, 6, 2, BGP_ASPATH_EMPTY_SEG },
		{ { 2, 2, 0, 1, 0, 0 }, 6, 2, BGP_ASPATH_AS0 },
		{ { 1, 1, 0, 0, 0, 0 }, 6, 4, BGP_ASPATH_AS0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bgp_aspath p = bgp_aspath_view(cases[i].b, cases[i].len, cases[i].as_size);

		assert_int_equal(bgp_aspath_check(&p), cases[i].want);
		assert_non_null(bgp_aspath_fault_name(cases[i].want));
	}
}

static void test_length(void **state)
{
	struct pathbuf pb;

	(void)state;
	assert_int_equal(bgp_aspath_length(PA(&pb, "")), 0);
	assert_int_equal(bgp_aspath_length(PA(&pb, "65001")), 1);
	assert_int_equal(bgp_aspath_length(PA(&pb, "65001 65002 65002")), 3);
	/* RFC 4271 §9.1.2.2 a: a set counts one */
	assert_int_equal(bgp_aspath_length(PA(&pb, "65001 {65003,65004,65005}")), 2);
	/* RFC 5065 §5.3: confederation segments do not count */
	assert_int_equal(bgp_aspath_length(PA(&pb, "(65010 65011) [65012,65013] 65001")), 1);
}

static void test_contains_origin_neighbor(void **state)
{
	struct pathbuf pb;
	const struct bgp_aspath *p = PA(&pb, "(65010) 65001 65002 {65003,65004}");

	(void)state;
	assert_true(bgp_aspath_contains(p, 65001));
	assert_true(bgp_aspath_contains(p, 65004));
	assert_false(bgp_aspath_contains(p, 65010));    /* confed not looked at */
	assert_true(bgp_aspath_confed_contains(p, 65010));
	assert_false(bgp_aspath_confed_contains(p, 65001));
	assert_true(bgp_aspath_has_confed(p));
	assert_int_equal(bgp_aspath_origin(p), 0);      /* ends in a set */
	assert_int_equal(bgp_aspath_neighbor(p), 65001);
	assert_int_equal(bgp_aspath_first(p), 0);       /* starts with a confed segment */
	p = PA(&pb, "65001 65002 4200000000");
	assert_int_equal(bgp_aspath_origin(p), 4200000000u);
	assert_int_equal(bgp_aspath_first(p), 65001);
	assert_false(bgp_aspath_has_confed(p));
	p = PA(&pb, "{65003} 65001");
	assert_int_equal(bgp_aspath_neighbor(p), 0);
	assert_int_equal(bgp_aspath_origin(p), 65001);
	p = PA(&pb, "");
	assert_int_equal(bgp_aspath_origin(p), 0);
	assert_int_equal(bgp_aspath_neighbor(p), 0);
	assert_int_equal(bgp_aspath_first(p), 0);
}

/* Reading works on 2-octet paths as they come from an OLD speaker. */
static void test_two_octet_reading(void **state)
{
	static const uint8_t w[] = { 2, 2, 0xfd, 0xe9, 0x5b, 0xa0, 1, 2, 0, 1, 0, 2 };
	struct bgp_aspath p = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE);

	(void)state;
	assert_int_equal(bgp_aspath_check(&p), BGP_ASPATH_OK);
	assert_path(&p, "65001 23456 {1,2}");
	assert_int_equal(bgp_aspath_length(&p), 3);
	assert_true(bgp_aspath_contains(&p, BGP_AS_TRANS));
}

static void test_format_parse(void **state)
{
	static const char *const texts[] = {
		"", "65001", "65001 65002 {65003,65004}", "(65010 65011) [65012,65013] 65001",
		"4294967295 1", "{1} {2}", "1 {2} 3",
	};
	struct pathbuf pb;
	char small[8];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_path(PA(&pb, texts[i]), texts[i]);
	/* the segments are what the text says */
	{
		static const uint8_t want[] = {
			2, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea,
			1, 2, 0, 0, 0xfd, 0xeb, 0, 0, 0xfd, 0xec,
		};
		const struct bgp_aspath *p = PA(&pb, "65001 65002 {65003,65004}");

		assert_int_equal(p->len, sizeof(want));
		assert_memory_equal(p->data, want, sizeof(want));
		assert_int_equal(p->as_size, BGP_AS4_SIZE);
	}
	/* spaces are forgiven around and inside groups */
	assert_path(PA(&pb, "  65001   { 1 , 2 }  ( 3  4 ) "), "65001 {1,2} (3 4)");
	/* snprintf-like when the buffer is short */
	assert_int_equal(bgp_aspath_format(PA(&pb, "65001 65002"), small, sizeof(small)), 11);
	assert_string_equal(small, "65001 6");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"x", "65001,65002", "{}", "{1,2", "(1 2", "[1", "1}", "4294967296", "-1", "{1}}",
		"65001x", "(1,2)", "()", "[]",
	};
	uint8_t out[64];
	struct bgp_aspath p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bgp_aspath_parse(bad[i], out, sizeof(out), &p), -1);
	/* no room */
	assert_int_equal(bgp_aspath_parse("1 2 3", out, 5, &p), -1);
}

/* More than 255 ASNs in a row: several segments (a one-octet count). */
static void test_parse_long_sequence(void **state)
{
	char text[300 * 4];
	size_t pos = 0;
	struct pathbuf pb;
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	(void)state;
	for (int i = 0; i < 300; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos, i ? " %d" : "%d", 100 + i % 10);
	PA(&pb, text);
	assert_int_equal(bgp_aspath_length(&pb.p), 300);
	bgp_aspath_iter_init(&it, &pb.p);
	assert_true(bgp_aspath_next(&it, &s));
	assert_int_equal(s.count, 255);
	assert_true(bgp_aspath_next(&it, &s));
	assert_int_equal(s.count, 45);
	assert_false(bgp_aspath_next(&it, &s));
}

static void test_prepend(void **state)
{
	struct pathbuf pb, out;
	struct bgp_aspath r;

	(void)state;
	/* RFC 4271 §5.1.2: into a leading AS_SEQUENCE */
	assert_int_equal(bgp_aspath_prepend(PA(&pb, "65002 65003"), BGP_AS_SEQUENCE, 65001, 1,
	                                    out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "65001 65002 65003");
	assert_int_equal(bgp_aspath_length(&r), 3);
	/* a new segment before a set, or on an empty path */
	assert_int_equal(bgp_aspath_prepend(PA(&pb, "{65002,65003}"), BGP_AS_SEQUENCE, 65001, 2,
	                                    out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "65001 65001 {65002,65003}");
	assert_int_equal(bgp_aspath_prepend(PA(&pb, ""), BGP_AS_SEQUENCE, 65001, 3,
	                                    out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "65001 65001 65001");
	/* RFC 5065 §4.1 b: member-AS into an AS_CONFED_SEQUENCE */
	assert_int_equal(bgp_aspath_prepend(PA(&pb, "(65011) 65002"), BGP_AS_CONFED_SEQUENCE,
	                                    65010, 1, out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "(65010 65011) 65002");
	assert_int_equal(bgp_aspath_prepend(PA(&pb, "65002"), BGP_AS_CONFED_SEQUENCE,
	                                    65010, 1, out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "(65010) 65002");
	/* no room */
	assert_int_equal(bgp_aspath_prepend(PA(&pb, "65002"), BGP_AS_SEQUENCE, 65001, 1,
	                                    out.b, 8, &r), -1);
	/* 2-octet input is refused: building is done on the canonical form */
	{
		static const uint8_t w[] = { 2, 1, 0, 1 };
		struct bgp_aspath two = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE);

		assert_int_equal(bgp_aspath_prepend(&two, BGP_AS_SEQUENCE, 1, 1, out.b,
		                                    sizeof(out.b), &r), -1);
	}
}

/* Overflowing a segment of 255 opens new ones on the left; the count is right and
 * the bound macro holds. */
static void test_prepend_overflow(void **state)
{
	struct pathbuf pb, out;
	struct bgp_aspath r, cur;
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;
	unsigned counts[8], n = 0;

	(void)state;
	PA(&pb, "65002 65003");
	cur = pb.p;
	assert_int_equal(bgp_aspath_prepend(&cur, BGP_AS_SEQUENCE, 65001, 600, out.b,
	                                    BGP_ASPATH_PREPEND_SIZE(cur.len, 600), &r), 0);
	assert_int_equal(bgp_aspath_length(&r), 602);
	assert_int_equal(bgp_aspath_check(&r), BGP_ASPATH_OK);
	bgp_aspath_iter_init(&it, &r);
	while (bgp_aspath_next(&it, &s) && n < 8)
		counts[n++] = s.count;
	/* one at a time: 253 fill the first, then 255, then the remaining 92 */
	assert_int_equal(n, 3);
	assert_int_equal(counts[0], 92);
	assert_int_equal(counts[1], 255);
	assert_int_equal(counts[2], 255);
	assert_int_equal(bgp_aspath_origin(&r), 65003);
	assert_int_equal(bgp_aspath_first(&r), 65001);
	/* the same as 600 single prepends */
	{
		static struct pathbuf a, b;
		struct bgp_aspath x = cur;

		for (int i = 0; i < 600; i++) {
			struct pathbuf *dst = i % 2 ? &a : &b;

			assert_int_equal(bgp_aspath_prepend(&x, BGP_AS_SEQUENCE, 65001, 1, dst->b,
			                                    sizeof(dst->b), &dst->p), 0);
			x = dst->p;
		}
		assert_true(bgp_aspath_eq(&x, &r));
	}
}

static void test_strip_confed(void **state)
{
	struct pathbuf pb, out;
	struct bgp_aspath r;

	(void)state;
	assert_int_equal(bgp_aspath_strip_confed(PA(&pb, "(65010 65011) [65012] 65001 {1,2}"),
	                                         out.b, sizeof(out.b), &r), 0);
	assert_path(&r, "65001 {1,2}");
	assert_int_equal(bgp_aspath_strip_confed(PA(&pb, "(65010)"), out.b, sizeof(out.b), &r), 0);
	assert_int_equal(r.len, 0);
}

/* RFC 6793 §4.2.2: to an OLD speaker, non-mappable ASNs become AS_TRANS. */
static void test_write_two_octet(void **state)
{
	static const uint8_t want[] = { 3, 1, 0xfd, 0xf2, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0x00, 0x01 };
	struct pathbuf pb;
	uint8_t buf[64];
	struct bgp_wr w = bgp_wr_init(buf, sizeof(buf));
	const struct bgp_aspath *p = PA(&pb, "(65010) 65001 4200000000 1");

	(void)state;
	assert_int_equal(bgp_aspath_wire_len(p, BGP_AS2_SIZE, false), sizeof(want));
	bgp_aspath_write(&w, p, BGP_AS2_SIZE, false);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_true(bgp_aspath_needs_as4(p));
	/* AS4_PATH leaves the confed segment out */
	assert_int_equal(bgp_aspath_wire_len(p, BGP_AS4_SIZE, true), 2 + 3 * 4);
	assert_false(bgp_aspath_needs_as4(PA(&pb, "65001 1 (4200000000)")));
	/* a 4-octet path written 4-octet is a plain copy */
	w = bgp_wr_init(buf, sizeof(buf));
	bgp_aspath_write(&w, p, BGP_AS4_SIZE, false);
	assert_int_equal(w.len, p->len);
	assert_memory_equal(buf, p->data, p->len);
	/* overflow is reported */
	w = bgp_wr_init(buf, 3);
	bgp_aspath_write(&w, p, BGP_AS2_SIZE, false);
	assert_int_not_equal(w.err, 0);
}

/* ---- RFC 6793 §4.2.3 ---- */

/* What an OLD speaker would have: p written 2-octet. */
static struct bgp_aspath as2_of(const struct bgp_aspath *p, uint8_t *buf, size_t cap)
{
	struct bgp_wr w = bgp_wr_init(buf, cap);

	bgp_aspath_write(&w, p, BGP_AS2_SIZE, false);
	assert_int_equal(w.err, 0);
	return bgp_aspath_view(buf, w.len, BGP_AS2_SIZE);
}

static struct bgp_aspath merge(const struct bgp_aspath *as_path, const struct bgp_aspath *as4,
                               int want_flags, uint8_t *out, size_t cap)
{
	struct bgp_aspath r;
	struct bgp_aggregator g;

	assert_int_equal(bgp_as4_merge(as_path, as4, NULL, NULL, out, cap, &r, &g), want_flags);
	assert_int_equal(r.as_size, BGP_AS4_SIZE);
	assert_int_equal(bgp_aspath_check(&r), BGP_ASPATH_OK);
	return r;
}

/* No AS4_PATH: the 2-octet path made 4-octet, unchanged otherwise. */
static void test_merge_no_as4(void **state)
{
	static const uint8_t w[] = { 2, 2, 0xfd, 0xe9, 0x5b, 0xa0, 1, 1, 0, 7 };
	struct bgp_aspath p = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE), r;
	uint8_t out[64];

	(void)state;
	r = merge(&p, NULL, 0, out, sizeof(out));
	assert_path(&r, "65001 23456 {7}");
}

/* Same length: AS4_PATH is the path (each AS_TRANS gets its real ASN). */
static void test_merge_same_length(void **state)
{
	struct pathbuf real, as4;
	uint8_t b2[64], out[64];
	struct bgp_aspath two, r;

	(void)state;
	PA(&real, "65001 4200000000 65003 {65004,4200000001}");
	two = as2_of(&real.p, b2, sizeof(b2));
	assert_path(&two, "65001 23456 65003 {65004,23456}");
	PA(&as4, "65001 4200000000 65003 {65004,4200000001}");
	r = merge(&two, &as4.p, 0, out, sizeof(out));
	assert_true(bgp_aspath_eq(&r, &real.p));
}

/* AS_PATH longer: OLD speakers prepended after the last NEW one; their ASNs lead,
 * and the two AS_SEQUENCEs that meet become one. */
static void test_merge_old_speakers_prepended(void **state)
{
	static const uint8_t w[] = {
		2, 4, 0x00, 0x64, 0x00, 0xc8, 0x5b, 0xa0, 0xfd, 0xe9,   /* 100 200 23456 65001 */
	};
	struct bgp_aspath two = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE), r;
	struct pathbuf as4;
	uint8_t out[64];

	(void)state;
	r = merge(&two, PA(&as4, "4200000000 65001"), 0, out, sizeof(out));
	assert_path(&r, "100 200 4200000000 65001");
	assert_int_equal(bgp_aspath_length(&r), 4);
	{
		struct bgp_aspath_iter it;
		struct bgp_as_seg s;

		bgp_aspath_iter_init(&it, &r);
		assert_true(bgp_aspath_next(&it, &s));
		assert_int_equal(s.count, 4);   /* joined */
		assert_false(bgp_aspath_next(&it, &s));
	}
	/* a set in the leading part counts one and is taken whole */
	{
		static const uint8_t w2[] = {
			1, 2, 0x00, 0x01, 0x00, 0x02,           /* {1,2} */
			2, 2, 0x5b, 0xa0, 0xfd, 0xe9,           /* 23456 65001 */
		};
		struct bgp_aspath t2 = bgp_aspath_view(w2, sizeof(w2), BGP_AS2_SIZE);

		r = merge(&t2, PA(&as4, "4200000000 65001"), 0, out, sizeof(out));
		assert_path(&r, "{1,2} 4200000000 65001");
	}
	/* the leading part cuts a sequence short */
	{
		static const uint8_t w3[] = {
			2, 3, 0x00, 0x01, 0x5b, 0xa0, 0xfd, 0xe9,       /* 1 23456 65001 */
			1, 1, 0x00, 0x09,                               /* {9} */
		};
		struct bgp_aspath t3 = bgp_aspath_view(w3, sizeof(w3), BGP_AS2_SIZE);

		r = merge(&t3, PA(&as4, "4200000000 65001 {9}"), 0, out, sizeof(out));
		assert_path(&r, "1 4200000000 65001 {9}");
	}
}

/* AS_PATH shorter than AS4_PATH: AS4_PATH cannot be right, AS_PATH is used. */
static void test_merge_as4_longer_ignored(void **state)
{
	static const uint8_t w[] = { 2, 1, 0xfd, 0xe9 };
	struct bgp_aspath two = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE), r;
	struct pathbuf as4;
	uint8_t out[64];

	(void)state;
	r = merge(&two, PA(&as4, "4200000000 65001"), BGP_AS4_PATH_IGNORED, out, sizeof(out));
	assert_path(&r, "65001");
}

/* Confederation segments: AS_PATH's leading one is kept; AS4_PATH's are dropped
 * (RFC 6793 §6) and reported. */
static void test_merge_confed(void **state)
{
	static const uint8_t w[] = {
		3, 2, 0xfd, 0xf2, 0xfd, 0xf3,   /* (65010 65011) */
		2, 2, 0x5b, 0xa0, 0xfd, 0xe9,   /* 23456 65001 */
	};
	struct bgp_aspath two = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE), r;
	struct pathbuf as4;
	uint8_t out[64];

	(void)state;
	r = merge(&two, PA(&as4, "4200000000 65001"), 0, out, sizeof(out));
	assert_path(&r, "(65010 65011) 4200000000 65001");
	r = merge(&two, PA(&as4, "(65099) 4200000000 65001"), BGP_AS4_CONFED_DROPPED, out,
	          sizeof(out));
	assert_path(&r, "(65010 65011) 4200000000 65001");
	/* a confed segment adjacent to a prepended one comes along; one after the
	 * prepended part does not when nothing more is taken */
	{
		static const uint8_t w2[] = {
			2, 1, 0x00, 0x05,               /* 5 */
			3, 1, 0xfd, 0xf2,               /* (65010) */
			2, 1, 0xfd, 0xe9,               /* 65001 */
		};
		struct bgp_aspath t2 = bgp_aspath_view(w2, sizeof(w2), BGP_AS2_SIZE);

		r = merge(&t2, PA(&as4, "65001"), 0, out, sizeof(out));
		assert_path(&r, "5 (65010) 65001");
	}
}

/* The aggregator rules of §4.2.3. */
static void test_merge_aggregator(void **state)
{
	static const uint8_t w[] = { 2, 2, 0x5b, 0xa0, 0xfd, 0xe9 };
	struct bgp_aspath two = bgp_aspath_view(w, sizeof(w), BGP_AS2_SIZE), r;
	struct pathbuf as4;
	struct bgp_aggregator agg_trans = { BGP_AS_TRANS, 0x0a000001 };
	struct bgp_aggregator agg_2 = { 65007, 0x0a000002 };
	struct bgp_aggregator agg_4 = { 4200000007u, 0x0a000003 };
	struct bgp_aggregator got;
	uint8_t out[64];

	(void)state;
	PA(&as4, "4200000000 65001");
	/* AGGREGATOR is AS_TRANS: AS4_AGGREGATOR stands in, the path is merged */
	assert_int_equal(bgp_as4_merge(&two, &as4.p, &agg_trans, &agg_4, out, sizeof(out), &r, &got), 0);
	assert_int_equal(got.as, agg_4.as);
	assert_int_equal(got.id, agg_4.id);
	assert_path(&r, "4200000000 65001");
	/* AGGREGATOR is a real 2-octet AS: both AS4 attributes ignored */
	assert_int_equal(bgp_as4_merge(&two, &as4.p, &agg_2, &agg_4, out, sizeof(out), &r, &got),
	                 BGP_AS4_PATH_IGNORED | BGP_AS4_AGG_IGNORED);
	assert_int_equal(got.as, 65007);
	assert_path(&r, "23456 65001");
	/* AGGREGATOR alone */
	assert_int_equal(bgp_as4_merge(&two, &as4.p, &agg_2, NULL, out, sizeof(out), &r, &got), 0);
	assert_int_equal(got.as, 65007);
	assert_path(&r, "4200000000 65001");
	/* AS4_AGGREGATOR without AGGREGATOR: nothing for it to replace */
	assert_int_equal(bgp_as4_merge(&two, &as4.p, NULL, &agg_4, out, sizeof(out), &r, &got),
	                 BGP_AS4_AGG_IGNORED);
	/* no room */
	assert_int_equal(bgp_as4_merge(&two, &as4.p, NULL, NULL, out, 5, &r, &got), -1);
}

/* decode(encode(x)) == x across an OLD session: a 4-octet path written as
 * AS_PATH (2-octet) + AS4_PATH (no confed) and merged back. */
static void test_merge_roundtrip(void **state)
{
	static const char *const paths[] = {
		"65001", "4200000000", "65001 4200000000 65003", "{4200000000,1} 2",
		"(65010 65011) 65001 4200000000", "(65010) [65011,65012] 1 {2,4200000009}",
		"1 2 3 4 5 4200000000 {6}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct pathbuf real;
		uint8_t b2[256], b4[256], out[512];
		struct bgp_wr w = bgp_wr_init(b4, sizeof(b4));
		struct bgp_aspath two, as4, r;

		PA(&real, paths[i]);
		two = as2_of(&real.p, b2, sizeof(b2));
		bgp_aspath_write(&w, &real.p, BGP_AS4_SIZE, true);
		as4 = bgp_aspath_view(b4, w.len, BGP_AS4_SIZE);
		r = merge(&two, bgp_aspath_needs_as4(&real.p) ? &as4 : NULL, 0, out, sizeof(out));
		assert_true(bgp_aspath_eq(&r, &real.p));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_faults),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_contains_origin_neighbor),
		cmocka_unit_test(test_two_octet_reading),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_long_sequence),
		cmocka_unit_test(test_prepend),
		cmocka_unit_test(test_prepend_overflow),
		cmocka_unit_test(test_strip_confed),
		cmocka_unit_test(test_write_two_octet),
		cmocka_unit_test(test_merge_no_as4),
		cmocka_unit_test(test_merge_same_length),
		cmocka_unit_test(test_merge_old_speakers_prepended),
		cmocka_unit_test(test_merge_as4_longer_ignored),
		cmocka_unit_test(test_merge_confed),
		cmocka_unit_test(test_merge_aggregator),
		cmocka_unit_test(test_merge_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
