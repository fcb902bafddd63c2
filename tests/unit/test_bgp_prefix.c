/*
 * tests/unit/test_bgp_prefix.c — bgpd/prefix.c: text form, order, address
 * checks, and NLRI encode/decode (RFC 4271 §4.3, RFC 4760 §5, RFC 7606 §5.3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/buf.h"
#include "bgpd/prefix.h"

static struct bgp_prefix P(const char *s)
{
	struct bgp_prefix p;

	assert_int_equal(bgp_prefix_parse(s, &p), 0);
	return p;
}

static void assert_formats(const struct bgp_prefix *p, const char *want)
{
	char buf[BGP_PREFIX_STRLEN];

	assert_int_equal(bgp_prefix_format(p, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

static void test_parse_format(void **state)
{
	static const char *const good[] = {
		"203.0.113.0/24", "0.0.0.0/0", "10.1.2.3/32", "192.0.2.128/25",
		"2001:db8::/32", "::/0", "2001:db8::1/128", "fe80::/10", "2001:db8:0:1::/64",
	};
	struct bgp_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = P(good[i]);
		assert_formats(&p, good[i]);
	}
	p = P("203.0.113.0/24");
	assert_int_equal(p.af, BGP_AFI_IPV4);
	assert_int_equal(p.len, 24);
	assert_int_equal(p.addr[0], 203);
	assert_int_equal(p.addr[2], 113);
	assert_int_equal(p.addr[3], 0);
	p = P("2001:db8::/32");
	assert_int_equal(p.af, BGP_AFI_IPV6);
	assert_int_equal(p.len, 32);
	assert_int_equal(p.addr[0], 0x20);
	assert_int_equal(p.addr[3], 0xb8);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "/", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
		"10.0.0.0/8x", "10.0.0.0/ 8", " 10.0.0.0/8", "10.0.0/8", "10.0.0.256/24",
		"2001:db8::/129", "2001:db8:::/32", "x/8", "10.0.0.0/0x8",
		"10.0.0.0/99999999999999999999",
	};
	struct bgp_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bgp_prefix_parse(bad[i], &p), -1);
}

/* Host bits in text: reported (1) and cleared. */
static void test_parse_host_bits(void **state)
{
	struct bgp_prefix p;

	(void)state;
	assert_int_equal(bgp_prefix_parse("10.0.0.1/24", &p), 1);
	assert_formats(&p, "10.0.0.0/24");
	assert_int_equal(bgp_prefix_parse("192.0.2.255/25", &p), 1);
	assert_formats(&p, "192.0.2.128/25");
	assert_int_equal(bgp_prefix_parse("2001:db8::1/64", &p), 1);
	assert_formats(&p, "2001:db8::/64");
	assert_int_equal(bgp_prefix_parse("255.255.255.255/0", &p), 1);
	assert_formats(&p, "0.0.0.0/0");
}

static void test_format_truncates(void **state)
{
	struct bgp_prefix p = P("203.0.113.0/24");
	char buf[6];

	(void)state;
	assert_int_equal(bgp_prefix_format(&p, buf, sizeof(buf)), 14);
	assert_string_equal(buf, "203.0");
}

static void test_set(void **state)
{
	static const uint8_t a4[4] = { 198, 51, 100, 77 };
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct bgp_prefix p;

	(void)state;
	assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV4, a4, 32), 0);
	assert_formats(&p, "198.51.100.77/32");
	assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV4, a4, 24), 1);
	assert_formats(&p, "198.51.100.0/24");
	/* a whole octet past the length counts as host bits too */
	assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV6, a6, 32), 1);
	assert_formats(&p, "2001:db8::/32");
	assert_int_equal(bgp_prefix_set(&p, BGP_AFI_IPV4, a4, 33), -1);
	assert_int_equal(bgp_prefix_set(&p, 3, a4, 8), -1);
}

static void test_order(void **state)
{
	struct bgp_prefix a = P("10.0.0.0/8"), b = P("10.0.0.0/16"), c = P("10.1.0.0/16"),
	                  d = P("11.0.0.0/8"), e = P("::/0");

	(void)state;
	assert_true(bgp_prefix_cmp(&a, &b) < 0);        /* covering first */
	assert_true(bgp_prefix_cmp(&b, &c) < 0);
	assert_true(bgp_prefix_cmp(&c, &d) < 0);
	assert_true(bgp_prefix_cmp(&d, &e) < 0);        /* IPv4 before IPv6 */
	assert_true(bgp_prefix_cmp(&e, &a) > 0);
	assert_int_equal(bgp_prefix_cmp(&a, &a), 0);
	assert_true(bgp_prefix_eq(&a, &a));
	assert_false(bgp_prefix_eq(&a, &b));
	/* whole structs compare too: unused octets are zero */
	b = P("10.0.0.0/8");
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_covers(void **state)
{
	struct bgp_prefix a = P("10.0.0.0/8"), b = P("10.128.0.0/9"), c = P("11.0.0.0/8"),
	                  d = P("0.0.0.0/0"), e = P("2001:db8::/32"), f = P("2001:db8:8000::/33");

	(void)state;
	assert_true(bgp_prefix_covers(&a, &b));
	assert_false(bgp_prefix_covers(&b, &a));
	assert_false(bgp_prefix_covers(&a, &c));
	assert_true(bgp_prefix_covers(&d, &c));
	assert_true(bgp_prefix_covers(&a, &a));
	assert_false(bgp_prefix_covers(&d, &e));        /* families differ */
	assert_true(bgp_prefix_covers(&e, &f));
	b = P("10.192.0.0/10");
	f = P("10.128.0.0/9");
	assert_true(bgp_prefix_covers(&f, &b));
	b = P("10.64.0.0/10");
	assert_false(bgp_prefix_covers(&f, &b));
}

static void test_addresses(void **state)
{
	uint8_t a6[16] = { 0 };

	(void)state;
	assert_true(bgp_addr4_is_host(0x0a000001u));
	assert_true(bgp_addr4_is_host(0xdfffffffu));    /* 223.255.255.255 */
	assert_false(bgp_addr4_is_host(0x00000000u));
	assert_false(bgp_addr4_is_host(0x00ffffffu));
	assert_false(bgp_addr4_is_host(0x7f000001u));
	assert_false(bgp_addr4_is_host(0xe0000001u));   /* multicast */
	assert_false(bgp_addr4_is_host(0xf0000001u));   /* reserved */
	assert_false(bgp_addr4_is_host(0xffffffffu));   /* broadcast */
	assert_false(bgp_addr6_is_host(a6));            /* :: */
	a6[15] = 1;
	assert_false(bgp_addr6_is_host(a6));            /* ::1 */
	a6[15] = 2;
	assert_true(bgp_addr6_is_host(a6));
	a6[0] = 0xff;
	assert_false(bgp_addr6_is_host(a6));
	a6[0] = 0xfe;
	a6[1] = 0x80;
	assert_true(bgp_addr6_is_host(a6));
	assert_true(bgp_addr6_is_link_local(a6));
	a6[1] = 0xc0;
	assert_false(bgp_addr6_is_link_local(a6));
}

/* Every length of both families encodes to 1 + ceil(len/8) octets and back. */
static void test_wire_roundtrip_all_lengths(void **state)
{
	static const uint8_t ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	(void)state;
	for (uint8_t af = BGP_AFI_IPV4; af <= BGP_AFI_IPV6; af++) {
		unsigned bits = bgp_prefix_af_bits(af);

		for (unsigned len = 0; len <= bits; len++) {
			struct bgp_prefix p, q;
			uint8_t buf[BGP_PREFIX_WIRE_MAX];
			struct bgp_wr w = bgp_wr_init(buf, sizeof(buf));
			struct bgp_rd r;

			bgp_prefix_set(&p, af, ones, len);
			bgp_prefix_encode(&w, &p);
			assert_int_equal(w.err, 0);
			assert_int_equal(w.len, 1 + (len + 7) / 8);
			assert_int_equal(bgp_prefix_wire_len(&p), w.len);
			assert_int_equal(buf[0], len);
			r = bgp_rd_init(buf, w.len);
			assert_int_equal(bgp_prefix_decode(&r, af, &q), 0);
			assert_int_equal(bgp_rd_left(&r), 0);
			assert_memory_equal(&p, &q, sizeof(p));
		}
	}
}

/* RFC 4271 §4.3: trailing bits are irrelevant — accepted, cleared, reported. */
static void test_decode_host_bits(void **state)
{
	static const uint8_t w[] = { 20, 10, 1, 0xff };
	struct bgp_rd r = bgp_rd_init(w, sizeof(w));
	struct bgp_prefix p;

	(void)state;
	assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV4, &p), 1);
	assert_formats(&p, "10.1.240.0/20");
	assert_int_equal(bgp_rd_left(&r), 0);
}

/* RFC 7606 §5.3: too long for the family, or past the field: -1, nothing consumed. */
static void test_decode_rejects(void **state)
{
	static const uint8_t too_long4[] = { 33, 1, 2, 3, 4, 5 };
	static const uint8_t too_long6[] = { 129 };
	static const uint8_t short_[] = { 24, 10, 0 };
	struct bgp_rd r;
	struct bgp_prefix p;

	(void)state;
	r = bgp_rd_init(too_long4, sizeof(too_long4));
	assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV4, &p), -1);
	assert_int_equal(bgp_rd_left(&r), sizeof(too_long4));
	r = bgp_rd_init(too_long6, sizeof(too_long6));
	assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV6, &p), -1);
	r = bgp_rd_init(short_, sizeof(short_));
	assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV4, &p), -1);
	assert_int_equal(bgp_rd_left(&r), sizeof(short_));
	r = bgp_rd_init(short_, 0);
	assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV4, &p), -1);
	r = bgp_rd_init(short_, sizeof(short_));
	assert_int_equal(bgp_prefix_decode(&r, 7, &p), -1);
	/* 32 < len <= 128 is fine for IPv6 */
	{
		static const uint8_t v6[] = { 33, 0x20, 0x01, 0x0d, 0xb8, 0x80 };

		r = bgp_rd_init(v6, sizeof(v6));
		assert_int_equal(bgp_prefix_decode(&r, BGP_AFI_IPV6, &p), 0);
		assert_formats(&p, "2001:db8:8000::/33");
	}
}

static void test_nlri_check_and_walk(void **state)
{
	static const uint8_t f[] = { 24, 192, 0, 2, 0, 8, 10, 32, 1, 2, 3, 4, 17, 172, 16, 0x80 };
	static const char *const want[] = { "192.0.2.0/24", "0.0.0.0/0", "10.0.0.0/8",
	                                    "1.2.3.4/32", "172.16.128.0/17" };
	struct bgp_nlri run;
	struct bgp_nlri_iter it;
	struct bgp_prefix p;
	uint32_t n;
	bool host;
	size_t i = 0;

	(void)state;
	assert_int_equal(bgp_nlri_check(f, sizeof(f), BGP_AFI_IPV4, &n, &host), 0);
	assert_int_equal(n, 5);
	assert_false(host);
	run.af.afi = BGP_AFI_IPV4;
	run.af.safi = BGP_SAFI_UNICAST;
	run.count = n;
	run.data = f;
	run.len = sizeof(f);
	bgp_nlri_iter_init(&it, &run);
	while (bgp_nlri_next(&it, &p)) {
		assert_true(i < n);
		assert_formats(&p, want[i]);
		i++;
	}
	assert_int_equal(i, n);
	/* every shorter cut that ends inside a prefix is refused */
	for (size_t cut = 0; cut < sizeof(f); cut++) {
		uint8_t *c = malloc(cut ? cut : 1);
		int rc;

		memcpy(c, f, cut);
		rc = bgp_nlri_check(c, cut, BGP_AFI_IPV4, &n, &host);
		if (cut == 0 || cut == 4 || cut == 5 || cut == 7 || cut == 12)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -1);
		free(c);
	}
	/* an empty field is zero prefixes */
	assert_int_equal(bgp_nlri_check(f, 0, BGP_AFI_IPV6, &n, &host), 0);
	assert_int_equal(n, 0);
	{
		static const uint8_t h[] = { 8, 10, 9, 10, 0xff };

		assert_int_equal(bgp_nlri_check(h, sizeof(h), BGP_AFI_IPV4, &n, &host), 0);
		assert_int_equal(n, 2);
		assert_true(host);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_host_bits),
		cmocka_unit_test(test_format_truncates),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_wire_roundtrip_all_lengths),
		cmocka_unit_test(test_decode_host_bits),
		cmocka_unit_test(test_decode_rejects),
		cmocka_unit_test(test_nlri_check_and_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
