/*
 * tests/unit/test_config_values.c — the pure pieces under the loader: scalar
 * parsers (config/value.c), nearest-key suggestions (config/suggest.c) and the
 * public formatting helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/suggest.h"
#include "config/value.h"

static void test_u32_and_bool(void **state)
{
	uint32_t v;
	bool b;
	(void)state;

	assert_int_equal(value_u32_range("0", 0, 10, &v), VALUE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(value_u32_range("4294967295", 0, UINT32_MAX, &v), VALUE_OK);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(value_u32_range("4294967296", 0, UINT32_MAX, &v), VALUE_RANGE);
	assert_int_equal(value_u32_range("99999999999999999999999", 0, 10, &v), VALUE_RANGE);
	assert_int_equal(value_u32_range("11", 0, 10, &v), VALUE_RANGE);
	assert_int_equal(value_u32_range("-1", 0, 10, &v), VALUE_SYNTAX);
	assert_int_equal(value_u32_range("+1", 0, 10, &v), VALUE_SYNTAX);
	assert_int_equal(value_u32_range("0x10", 0, 100, &v), VALUE_SYNTAX);
	assert_int_equal(value_u32_range(" 1", 0, 10, &v), VALUE_SYNTAX);
	assert_int_equal(value_u32_range("", 0, 10, &v), VALUE_SYNTAX);
	assert_true(value_bool("true", &b) && b);
	assert_true(value_bool("false", &b) && !b);
	assert_false(value_bool("yes", &b));
	assert_false(value_bool("True", &b));
}

static void test_asn(void **state)
{
	uint32_t as;
	(void)state;

	assert_int_equal(value_asn("65001", &as), VALUE_OK);
	assert_int_equal(as, 65001);
	assert_int_equal(value_asn("1.10", &as), VALUE_OK);
	assert_int_equal(as, 65546);
	assert_int_equal(value_asn("0.1", &as), VALUE_OK);
	assert_int_equal(as, 1);
	assert_int_equal(value_asn("65535.65535", &as), VALUE_OK);
	assert_int_equal(as, UINT32_MAX);
	assert_int_equal(value_asn("0", &as), VALUE_RANGE);
	assert_int_equal(value_asn("0.0", &as), VALUE_RANGE);
	assert_int_equal(value_asn("1.65536", &as), VALUE_RANGE);
	assert_int_equal(value_asn("4294967296", &as), VALUE_RANGE);
	assert_int_equal(value_asn("1.", &as), VALUE_SYNTAX);
	assert_int_equal(value_asn(".1", &as), VALUE_SYNTAX);
	assert_int_equal(value_asn("1.2.3", &as), VALUE_SYNTAX);
	assert_int_equal(value_asn("AS1", &as), VALUE_SYNTAX);
}

static void test_prefix(void **state)
{
	struct config_prefix p, m;
	char buf[CONFIG_PREFIX_STRLEN];
	(void)state;

	assert_int_equal(value_prefix("203.0.113.0/24", &p, &m), VALUE_OK);
	assert_int_equal(p.af, CONFIG_AF_INET);
	assert_int_equal(p.len, 24);
	assert_int_equal(value_prefix("0.0.0.0/0", &p, &m), VALUE_OK);
	assert_int_equal(value_prefix("2001:db8::/32", &p, &m), VALUE_OK);
	assert_int_equal(p.af, CONFIG_AF_INET6);
	assert_int_equal(value_prefix("203.0.113.1/24", &p, &m), VALUE_HOST_BITS);
	assert_string_equal(config_prefix_format(&m, buf, sizeof(buf)), "203.0.113.0/24");
	assert_int_equal(value_prefix("10.1.2.3/13", &p, &m), VALUE_HOST_BITS);
	assert_string_equal(config_prefix_format(&m, buf, sizeof(buf)), "10.0.0.0/13");
	assert_int_equal(value_prefix("2001:db8::1/127", &p, &m), VALUE_HOST_BITS);
	assert_string_equal(config_prefix_format(&m, buf, sizeof(buf)), "2001:db8::/127");
	assert_int_equal(value_prefix("10.0.0.0/33", &p, &m), VALUE_RANGE);
	assert_int_equal(value_prefix("::/129", &p, &m), VALUE_RANGE);
	assert_int_equal(value_prefix("10.0.0.0", &p, &m), VALUE_SYNTAX);
	assert_int_equal(value_prefix("10.0.0.0/", &p, &m), VALUE_SYNTAX);
	assert_int_equal(value_prefix("10.0.0.0/-1", &p, &m), VALUE_SYNTAX);
	assert_int_equal(value_prefix("10.0.0/8", &p, &m), VALUE_SYNTAX);
	assert_int_equal(value_prefix("/8", &p, &m), VALUE_SYNTAX);
}

static void test_communities(void **state)
{
	struct config_large_community l;
	char buf[CONFIG_LARGE_STRLEN];
	uint32_t c;
	(void)state;

	assert_int_equal(value_community("65000:100", &c), VALUE_OK);
	assert_int_equal(c, (65000u << 16) | 100);
	assert_int_equal(value_community("0:0", &c), VALUE_OK);
	assert_int_equal(value_community("no-export", &c), VALUE_OK);
	assert_int_equal(c, CONFIG_COMM_NO_EXPORT);
	assert_int_equal(value_community("no-peer", &c), VALUE_OK);
	assert_int_equal(c, CONFIG_COMM_NO_PEER);
	assert_int_equal(value_community("65536:1", &c), VALUE_RANGE);
	assert_int_equal(value_community("1:2:3", &c), VALUE_SYNTAX);
	assert_int_equal(value_community("1", &c), VALUE_SYNTAX);
	assert_int_equal(value_community(":1", &c), VALUE_SYNTAX);
	assert_string_equal(config_community_format(CONFIG_COMM_NO_ADVERTISE, buf, sizeof(buf)),
			    "no-advertise");
	assert_string_equal(config_community_format((65001u << 16) | 7, buf, sizeof(buf)),
			    "65001:7");
	assert_int_equal(value_large("4294967295:0:1", &l), VALUE_OK);
	assert_int_equal(l.global, UINT32_MAX);
	assert_string_equal(config_large_format(&l, buf, sizeof(buf)), "4294967295:0:1");
	assert_int_equal(value_large("4294967296:0:1", &l), VALUE_RANGE);
	assert_int_equal(value_large("1:2", &l), VALUE_SYNTAX);
	assert_int_equal(value_large("1:2:3:4", &l), VALUE_SYNTAX);
}

static void test_mode_and_addr(void **state)
{
	struct config_addr a;
	mode_t m;
	(void)state;

	assert_true(value_mode("0660", &m));
	assert_int_equal(m, 0660);
	assert_true(value_mode("00", &m));
	assert_true(value_mode("07777", &m));
	assert_false(value_mode("660", &m));
	assert_false(value_mode("0680", &m));
	assert_false(value_mode("010000", &m));
	assert_false(value_mode("0", &m));
	assert_true(value_addr("10.0.0.1", CONFIG_AF_INET, &a));
	assert_false(value_addr("10.0.0.1", CONFIG_AF_INET6, &a));
	assert_false(value_addr("::1", CONFIG_AF_INET, &a));
	assert_true(value_addr("::ffff:10.0.0.1", 0, &a));
	assert_int_equal(a.af, CONFIG_AF_INET6);
	assert_false(value_addr("10.0.0.01", 0, &a));
	assert_false(value_addr("fe80::1%eth0", 0, &a));
}

static void test_suggestions(void **state)
{
	static const char *const keys[] = { "remote-as", "local-address", "hold-time",
					     "keepalive", "idle-hold", "idle-hold-max", NULL,
					     "passive" };
	const size_t n = sizeof(keys) / sizeof(keys[0]);
	(void)state;

	assert_int_equal(suggest_distance("remote_as", "remote-as"), 1);
	assert_int_equal(suggest_distance("reomte-as", "remote-as"), 1);    /* a swap */
	assert_int_equal(suggest_distance("Remote-AS", "remote-as"), 0);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_string_equal(suggest_nearest("remoteas", keys, n), "remote-as");
	assert_string_equal(suggest_nearest("holdtime", keys, n), "hold-time");
	assert_string_equal(suggest_nearest("keep-alive", keys, n), "keepalive");
	assert_string_equal(suggest_nearest("pasive", keys, n), "passive");
	assert_string_equal(suggest_nearest("local", keys, n), "local-address");  /* prefix */
	assert_null(suggest_nearest("idle", keys, n));          /* two keys start so */
	assert_null(suggest_nearest("frobnicate", keys, n));
	assert_null(suggest_nearest("x", keys, n));
	/* over-long words are never close, and cost nothing */
	assert_null(suggest_nearest("remote-asxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
				    keys, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u32_and_bool),
		cmocka_unit_test(test_asn),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_communities),
		cmocka_unit_test(test_mode_and_addr),
		cmocka_unit_test(test_suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
