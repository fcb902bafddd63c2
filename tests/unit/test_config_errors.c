/*
 * tests/unit/test_config_errors.c — broken configs and the exact messages
 * they produce: one table row per mistake, each asserting every error's
 * line:column and text, so a changed message or position fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config/config.h"

#define MAX_EXPECTED 8
#define SECRET "s3cret"         /* must never be echoed back */

/* Most rows start from a valid global section of two lines. */
#define H "router-id: 10.0.0.1\nlocal-as: 65001\n"
/* ... and a neighbour list whose first item starts at line 4, column 5. */
#define NB H "neighbors:\n  - address: 10.0.0.2\n"

/* 81 bytes: one past the TCP-MD5 key limit */
#define X10 "xxxxxxxxxx"

struct bad_case {
	const char *name;
	const char *yaml;
	const char *expect[MAX_EXPECTED];       /* "line:column: message", in order */
};

static const struct bad_case cases[] = {
	{ "unknown top-level key, close to a real one", H "neighbours: []\n",
	  { "3:1: unknown key 'neighbours' in the top level; did you mean 'neighbors'?" } },
	{ "unknown top-level key, nothing close", H "frobnicate: 1\n",
	  { "3:1: unknown key 'frobnicate' in the top level" } },
	{ "unknown neighbour key with suggestion", NB "    remote_as: 65002\n",
	  { "4:5: neighbor 10.0.0.2: missing required key 'remote-as'",
	    "5:5: unknown key 'remote_as' in neighbor; did you mean 'remote-as'?" } },
	{ "transposed letters still suggest", NB "    remote-as: 65002\n    pasive: true\n",
	  { "6:5: unknown key 'pasive' in neighbor; did you mean 'passive'?" } },
	{ "integer expected", H "listen-port: abc\n",
	  { "3:14: listen-port: expected an integer, got 'abc'" } },
	{ "integer out of range", H "listen-port: 70000\n",
	  { "3:14: listen-port: expected an integer in 1..65535, got '70000'" } },
	{ "list expected", H "neighbors: 10.0.0.2\n",
	  { "3:12: neighbors: expected a list, got '10.0.0.2'" } },
	{ "mapping expected", H "timers: [1, 2]\n",
	  { "3:9: timers: expected a mapping, got a list" } },
	{ "string expected", NB "    remote-as: 65002\n    description: [a, b]\n",
	  { "6:18: description: expected a string, got a list" } },
	{ "value missing", NB "    remote-as:\n",
	  { "5:15: remote-as: expected an AS number, got nothing" } },
	{ "bad IPv4 router-id", "router-id: 10.0.0.256\nlocal-as: 65001\n",
	  { "1:12: router-id: expected an IPv4 address, got '10.0.0.256'" } },
	{ "IPv6 router-id", "router-id: \"::1\"\nlocal-as: 65001\n",
	  { "1:12: router-id: expected an IPv4 address, got '::1'" } },
	{ "zero router-id", "router-id: 0.0.0.0\nlocal-as: 65001\n",
	  { "1:12: router-id: 0.0.0.0 is not a valid BGP identifier (RFC 6286)" } },
	{ "bad IPv6 neighbour address", H "neighbors:\n  - address: \"2001:db8::g\"\n    remote-as: 1\n",
	  { "4:14: address: expected an IPv4 or IPv6 address, got '2001:db8::g'" } },
	{ "unquoted IPv6 address", H "listen:\n  - ::\n",
	  { "4:5: listen: expected an IPv4 or IPv6 address, got a mapping; quote IPv6 addresses, as in \"::\"" } },
	{ "prefix without length", H "networks: [203.0.113.0]\n",
	  { "3:12: networks: expected an IPv4 or IPv6 prefix such as 203.0.113.0/24, got '203.0.113.0'" } },
	{ "prefix with host bits", H "networks: [203.0.113.1/24]\n",
	  { "3:12: networks: host bits set in '203.0.113.1/24'; did you mean 203.0.113.0/24?" } },
	{ "IPv6 prefix with host bits", H "networks:\n  - \"2001:db8::1/32\"\n",
	  { "4:5: networks: host bits set in '2001:db8::1/32'; did you mean 2001:db8::/32?" } },
	{ "prefix length too long", H "networks: [\"2001:db8::/129\"]\n",
	  { "3:12: networks: prefix length out of range in '2001:db8::/129' (IPv4 0..32, IPv6 0..128)" } },
	{ "local-as out of range", "router-id: 10.0.0.1\nlocal-as: 4294967296\n",
	  { "2:11: local-as: AS number out of range 1..4294967295 (asdot 0.1..65535.65535), got '4294967296'" } },
	{ "local-as zero", "router-id: 10.0.0.1\nlocal-as: 0\n",
	  { "2:11: local-as: AS number out of range 1..4294967295 (asdot 0.1..65535.65535), got '0'" } },
	{ "asdot half out of range", NB "    remote-as: 1.65536\n",
	  { "5:16: remote-as: AS number out of range 1..4294967295 (asdot 0.1..65535.65535), got '1.65536'" } },
	{ "AS_TRANS", NB "    remote-as: 23456\n",
	  { "5:16: remote-as: 23456 is AS_TRANS (RFC 6793), not a real AS" } },
	{ "AS not a number", "router-id: 10.0.0.1\nlocal-as: AS65001\n",
	  { "2:11: local-as: expected an AS number, got 'AS65001'" } },
	{ "hold-time 1", NB "    remote-as: 65002\n    hold-time: 1\n",
	  { "6:16: hold-time: expected 0 or 3..65535 seconds (RFC 4271 4.2), got '1'" } },
	{ "hold-time 2 in timers", H "timers:\n  hold-time: 2\n",
	  { "4:14: hold-time: expected 0 or 3..65535 seconds (RFC 4271 4.2), got '2'" } },
	{ "keepalive not below hold-time", NB "    remote-as: 65002\n    hold-time: 30\n    keepalive: 30\n",
	  { "4:5: neighbor 10.0.0.2: keepalive 30 must be 1..29, less than hold-time 30" } },
	{ "duplicate neighbour", NB "    remote-as: 65002\n  - address: 10.0.0.2\n    remote-as: 65003\n",
	  { "6:14: duplicate neighbor 10.0.0.2; first defined at line 4, column 14" } },
	{ "duplicate IPv6 neighbour, written differently",
	  H "neighbors:\n  - {address: \"2001:db8::2\", remote-as: 1}\n  - {address: \"2001:DB8:0::2\", remote-as: 1}\n",
	  { "5:15: duplicate neighbor 2001:db8::2; first defined at line 4, column 15" } },
	{ "duplicate key", NB "    remote-as: 65002\n    remote-as: 65003\n",
	  { "6:5: duplicate key 'remote-as'; first defined at line 5, column 5" } },
	{ "missing router-id", "local-as: 65001\n",
	  { "1:1: missing required key 'router-id'" } },
	{ "missing local-as", "router-id: 10.0.0.1\n",
	  { "1:1: missing required key 'local-as'" } },
	{ "missing neighbour address", H "neighbors:\n  - remote-as: 65002\n",
	  { "4:5: neighbor: missing required key 'address'" } },
	{ "missing remote-as", NB "    passive: true\n",
	  { "4:5: neighbor 10.0.0.2: missing required key 'remote-as'" } },
	{ "unknown peer group", H "peer-groups:\n  upstreams: {remote-as: 1}\nneighbors:\n  - address: 10.0.0.2\n    peer-group: upstream\n",
	  { "7:17: peer-group: unknown peer group 'upstream'; did you mean 'upstreams'?",
	    } },
	{ "unknown policy", NB "    remote-as: 65002\n    import: from-peers\n",
	  { "6:13: import: unknown policy 'from-peers'" } },
	{ "unknown policy in a peer group, reported once",
	  H "peer-groups:\n  g: {remote-as: 1, export: nope}\nneighbors:\n  - {address: 10.0.0.2, peer-group: g}\n  - {address: 10.0.0.3, peer-group: g}\n",
	  { "4:29: export: unknown policy 'nope'" } },
	{ "password and password-file", NB "    remote-as: 65002\n    password: " SECRET "\n    password-file: /etc/bgpd/key\n",
	  { "7:20: password-file: cannot be used together with password (line 6, column 15); keep one" } },
	{ "password too long", NB "    remote-as: 65002\n    password: " X10 X10 X10 X10 X10 X10 X10 X10 "x\n",
	  { "6:15: password: longer than 80 bytes" } },
	{ "YAML syntax: unclosed flow list", "router-id: [10.0.0.1\nlocal-as: 65001\n",
	  { "2:9: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 12)" } },
	{ "YAML syntax: bad indentation", "router-id: 10.0.0.1\n local-as: 65001\n",
	  { "2:10: YAML syntax error: mapping values are not allowed in this context" } },
	{ "YAML syntax: tab", "\trouter-id: 10.0.0.1\n",
	  { "1:1: YAML syntax error: found character that cannot start any token (while scanning for the next token at line 1, column 1)" } },
	{ "YAML: invalid UTF-8", H "neighbors:\n  - description: \"caf\xC3\x28\"\n",
	  { "4:23: YAML syntax error: invalid trailing UTF-8 octet" } },
	{ "YAML: alias", "router-id: &r 10.0.0.1\nlocal-as: 65001\ncluster-id: *r\n",
	  { "3:13: YAML aliases are not supported; use peer-groups to share settings",
	    "3:13: cluster-id: expected an IPv4 address or an integer, got nothing" } },
	{ "YAML: two documents", "---\n" H "---\n" H,
	  { "4:1: only one YAML document is allowed in a config file" } },
	{ "YAML: NUL escape", NB "    remote-as: 1\n    description: \"a\\0b\"\n",
	  { "6:18: a NUL character is not allowed here" } },
	{ "empty file", "",
	  { "1:1: the configuration is empty; expected a mapping with at least router-id and local-as" } },
	{ "top level is a list", "- router-id: 10.0.0.1\n",
	  { "1:1: the top level: expected a mapping, got a list" } },
	{ "boolean spelled yes", NB "    remote-as: 1\n    passive: yes\n",
	  { "6:14: passive: expected true or false, got 'yes'" } },
	{ "enum with suggestion", H "logging:\n  destination: syslgo\n",
	  { "4:16: destination: expected one of stderr, syslog, got 'syslgo'; did you mean 'syslog'?" } },
	{ "address family", NB "    remote-as: 1\n    address-families: [ipv4]\n",
	  { "6:24: address-families: expected one of ipv4-unicast, ipv6-unicast, got 'ipv4'; did you mean 'ipv4-unicast'?" } },
	{ "ttl-security range", NB "    remote-as: 1\n    ttl-security: 255\n",
	  { "6:19: ttl-security: expected an integer in 1..254, got '255'" } },
	{ "ttl-security with multihop", NB "    remote-as: 1\n    ttl-security: 1\n    multihop: 2\n",
	  { "4:5: neighbor 10.0.0.2: ttl-security and multihop cannot both be set" } },
	{ "local-address of the other family", NB "    remote-as: 1\n    local-address: \"2001:db8::1\"\n",
	  { "4:5: neighbor 10.0.0.2: local-address is not of the neighbor's address family" } },
	{ "route reflector client over eBGP", NB "    remote-as: 65002\n    route-reflector-client: true\n",
	  { "4:5: neighbor 10.0.0.2: route-reflector-client needs an iBGP neighbor (remote-as 65002 is not local-as 65001)" } },
	{ "address in a peer group", H "peer-groups:\n  g:\n    address: 10.0.0.9\n",
	  { "5:14: address: not allowed in a peer group" } },
	{ "bad peer group name", H "peer-groups:\n  \"my group\": {}\n",
	  { "4:3: peer-groups: expected a name of letters, digits, '-', '_' and '.', got 'my group'" } },
	{ "control socket path relative", H "control-socket: bgpd.sock\n",
	  { "3:17: control-socket: expected an absolute path, got 'bgpd.sock'" } },
	{ "control socket mode not octal", H "control-socket: {path: /run/b.sock, mode: 660}\n",
	  { "3:43: mode: expected an octal file mode such as 0660, got '660'" } },
	{ "duplicate network", H "networks:\n  - 203.0.113.0/24\n  - prefix: 203.0.113.0/24\n",
	  { "5:13: duplicate network 203.0.113.0/24; first defined at line 4, column 5" } },
	{ "network next hop of the other family", H "networks:\n  - {prefix: 203.0.113.0/24, next-hop: \"2001:db8::1\"}\n",
	  { "4:40: next-hop: an IPv4 prefix needs an IPv4 next hop" } },
	{ "max-prefix without limit", NB "    remote-as: 1\n    max-prefix: {action: warn}\n",
	  { "6:17: max-prefix: missing required key 'limit'" } },
	{ "policy term without then", H "policies:\n  p:\n    terms:\n      - match: {family: ipv4-unicast}\n",
	  { "6:9: term: missing required key 'then'" } },
	{ "unknown match key", H "policies:\n  p:\n    terms:\n      - match: {prefix: 10.0.0.0/8}\n        then: reject\n",
	  { "6:17: unknown key 'prefix' in match; did you mean 'prefixes'?" } },
	{ "bad community", H "policies:\n  p:\n    terms:\n      - then: {add-community: \"65536:1\"}\n",
	  { "6:31: add-community: community out of range (each half 0..65535), got '65536:1'" } },
	{ "bad community word", H "policies:\n  p:\n    terms:\n      - match: {community: no-exprot}\n        then: reject\n",
	  { "6:28: community: expected a community such as 65000:100 or no-export, got 'no-exprot'; did you mean 'no-export'?" } },
	{ "bad large community", H "policies:\n  p:\n    terms:\n      - then: {add-large-community: \"1:2\"}\n",
	  { "6:37: add-large-community: expected a large community such as 65000:1:2, got '1:2'" } },
	{ "prefix-list ge below length", H "policies:\n  p:\n    terms:\n      - match: {prefixes: [{prefix: 10.0.0.0/16, ge: 8}]}\n        then: reject\n",
	  { "6:54: ge: expected an integer in 16..32, got '8'" } },
	{ "prefix-list ge above le", H "policies:\n  p:\n    terms:\n      - match: {prefixes: [{prefix: 10.0.0.0/8, ge: 24, le: 16}]}\n        then: reject\n",
	  { "6:28: prefixes: ge 24 is greater than le 16" } },
	{ "then action unknown", H "policies:\n  p:\n    default: deny\n",
	  { "5:14: default: expected one of accept, reject, got 'deny'" } },
	{ "duplicate term names", H "policies:\n  p:\n    terms:\n      - {name: a, then: accept}\n      - {name: a, then: reject}\n",
	  { "7:9: duplicate term 'a' in policy 'p'; first defined at line 6, column 9" } },
	{ "nesting too deep",
	  H "x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  { "3:67: nesting deeper than 64 levels" } },
	{ "several mistakes, all reported in one pass",
	  "router-id: 10.0.0.300\nlocal-as: 65001\nnetworks: [10.0.0.1/8]\nneighbors:\n"
	  "  - address: 10.0.0.2\n    remote-as: 65002\n    hold-time: 2\n    password: " SECRET "\n"
	  "  - address: 10.0.0.3\n    remote-as: 70000000000\n    improt: x\n",
	  { "1:12: router-id: expected an IPv4 address, got '10.0.0.300'",
	    "3:12: networks: host bits set in '10.0.0.1/8'; did you mean 10.0.0.0/8?",
	    "7:16: hold-time: expected 0 or 3..65535 seconds (RFC 4271 4.2), got '2'",
	    "10:16: remote-as: AS number out of range 1..4294967295 (asdot 0.1..65535.65535), got '70000000000'",
	    "11:5: unknown key 'improt' in neighbor; did you mean 'import'?" } },
};

static size_t expected_count(const struct bad_case *c)
{
	size_t n = 0;
	while (n < MAX_EXPECTED && c->expect[n])
		n++;
	return n;
}

static void check_case(const struct bad_case *c)
{
	struct bgpd_config *cfg = (struct bgpd_config *)1;
	struct config_errors errs = { 0 };
	size_t want = expected_count(c);
	bool ok = true;
	int rc;

	rc = config_load_buffer("t.yaml", c->yaml, strlen(c->yaml), NULL, &cfg, &errs);
	if (rc != -1 || cfg != NULL || errs.n != want)
		ok = false;
	for (size_t i = 0; ok && i < want; i++) {
		char full[512];
		snprintf(full, sizeof(full), "t.yaml:%s", c->expect[i]);
		if (strcmp(errs.v[i].text, full) != 0)
			ok = false;
	}
	if (!ok) {
		print_message("case \"%s\": rc %d, %zu errors, expected %zu:\n", c->name, rc, errs.n,
			      want);
		for (size_t i = 0; i < errs.n; i++)
			print_message("  got:  %s\n", errs.v[i].text);
		for (size_t i = 0; i < want; i++)
			print_message("  want: t.yaml:%s\n", c->expect[i]);
	}
	for (size_t i = 0; i < errs.n; i++)
		assert_null(strstr(errs.v[i].text, SECRET));
	config_errors_free(&errs);
	assert_true(ok);
}

static void test_table_is_large_enough(void **state)
{
	(void)state;
	assert_true(sizeof(cases) / sizeof(cases[0]) >= 30);
}

static void test_bad_configs(void **state)
{
	size_t failed = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* run every row, then fail once, so one run shows every broken row */
		struct config_errors errs = { 0 };
		struct bgpd_config *cfg;
		const struct bad_case *c = &cases[i];
		size_t want = expected_count(c);
		bool ok = config_load_buffer("t.yaml", c->yaml, strlen(c->yaml), NULL, &cfg,
					     &errs) == -1 && errs.n == want && !cfg;
		for (size_t j = 0; ok && j < want; j++) {
			char full[512];
			snprintf(full, sizeof(full), "t.yaml:%s", c->expect[j]);
			ok = strcmp(errs.v[j].text, full) == 0;
		}
		config_errors_free(&errs);
		if (!ok) {
			check_case(c);  /* prints the difference; fails */
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Each error also carries its parts, for a CLI that wants to colour them. */
static void test_error_fields(void **state)
{
	static const char yaml[] = H "listen-port: abc\n";
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	(void)state;

	assert_int_equal(config_load_buffer("f.yaml", yaml, strlen(yaml), NULL, &cfg, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0].file, "f.yaml");
	assert_int_equal(errs.v[0].line, 3);
	assert_int_equal(errs.v[0].column, 14);
	assert_string_equal(errs.v[0].message, "listen-port: expected an integer, got 'abc'");
	config_errors_free(&errs);
}

/* The same mistakes from files on disk, as --check would read them. */
static void test_bad_fixture_files(void **state)
{
	static const struct {
		const char *path;
		const char *first;
		size_t n;
	} files[] = {
		{ "tests/config/bad/typo.yaml",
		  "tests/config/bad/typo.yaml:5:5: neighbor 10.0.0.2: missing required key 'remote-as'", 2 },
		{ "tests/config/bad/syntax.yaml",
		  "tests/config/bad/syntax.yaml:4:12: YAML syntax error: mapping values are not allowed in this context", 1 },
		{ "tests/config/bad/references.yaml",
		  "tests/config/bad/references.yaml:7:13: import: unknown policy 'from-transit'", 2 },
		{ "tests/config/bad/does-not-exist.yaml",
		  "tests/config/bad/does-not-exist.yaml: cannot open: No such file or directory", 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct config_errors errs = { 0 };
		struct bgpd_config *cfg;
		assert_int_equal(config_load_file(files[i].path, &cfg, &errs), -1);
		assert_null(cfg);
		if (errs.n != files[i].n || strcmp(errs.v[0].text, files[i].first) != 0)
			for (size_t j = 0; j < errs.n; j++)
				print_message("%s\n", errs.v[j].text);
		assert_int_equal(errs.n, files[i].n);
		assert_string_equal(errs.v[0].text, files[i].first);
		config_errors_free(&errs);
	}
}

/* A file full of mistakes lists the first CONFIG_MAX_ERRORS and says so. */
static void test_error_cap(void **state)
{
	char buf[64 * 1024];
	size_t o = 0;
	struct config_errors errs = { 0 };
	struct bgpd_config *cfg;
	(void)state;

	o += (size_t)snprintf(buf + o, sizeof(buf) - o, H "networks:\n");
	for (int i = 0; i < 300; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "  - 10.0.%d.1/8\n", i);
	assert_int_equal(config_load_buffer("cap.yaml", buf, o, NULL, &cfg, &errs), -1);
	assert_int_equal(errs.n, CONFIG_MAX_ERRORS + 1);
	assert_string_equal(errs.v[CONFIG_MAX_ERRORS].text,
			    "cap.yaml: too many errors; only the first 100 are listed");
	config_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_large_enough),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_error_fields),
		cmocka_unit_test(test_bad_fixture_files),
		cmocka_unit_test(test_error_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
