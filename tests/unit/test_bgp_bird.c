/*
 * tests/unit/test_bgp_bird.c — the messages BIRD 2.0.12 sent on the wire, captured
 * by tests/fixtures/capture-bird-msgs.sh into tests/fixtures/bird/<n>-<type>.bin,
 * run through the codec. Paths are relative to the repository root, where the
 * unit tests run.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/buf.h"
#include "bgpd/msg.h"

#define FIXTURES "tests/fixtures/bird"
#define FIXTURE_MAX BGP_EXT_MAX_LEN
#define BIRD_AS 65001
#define BIRD_ID 0x0a000001u     /* router id 10.0.0.1 */
#define BIRD_HOLD 90
#define BIRD_GR_TIME 120        /* BIRD's default graceful restart time */

/* Read fixture name into a heap block of exactly its size; returns it. */
static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	uint8_t tmp[FIXTURE_MAX + 1], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	n = fread(tmp, 1, sizeof(tmp), f);
	fclose(f);
	assert_true(n <= FIXTURE_MAX);
	p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, tmp, n);
	*len = n;
	return p;
}

static const struct {
	const char *suffix;
	uint8_t type;
} suffixes[] = {
	{ "-open.bin", BGP_MSG_OPEN },
	{ "-update.bin", BGP_MSG_UPDATE },
	{ "-notification.bin", BGP_MSG_NOTIFICATION },
	{ "-keepalive.bin", BGP_MSG_KEEPALIVE },
	{ "-route-refresh.bin", BGP_MSG_ROUTE_REFRESH },
};

static int type_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t s = strlen(suffixes[i].suffix);

		if (n > s && strcmp(name + n - s, suffixes[i].suffix) == 0)
			return suffixes[i].type;
	}
	return -1;
}

#define MAX_FIXTURES 100

/* The fixture names in capture order (their <n> prefix). */
static size_t list_fixtures(char names[][64], size_t max)
{
	size_t count = 0;

	for (unsigned i = 1; i < MAX_FIXTURES && count < max; i++) {
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			char path[512];
			FILE *f;

			snprintf(names[count], 64, "%02u%s", i, suffixes[s].suffix);
			snprintf(path, sizeof(path), "%s/%s", FIXTURES, names[count]);
			f = fopen(path, "rb");
			if (!f)
				continue;
			fclose(f);
			count++;
			break;
		}
	}
	return count;
}

/* Every fixture frames as one whole message of the type its name says, and the
 * decoder for that type takes it. */
static void test_every_fixture_frames(void **state)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	unsigned seen[BGP_MSG_ROUTE_REFRESH + 1] = { 0 }, total = 0;

	(void)state;
	if (!d)
		fail_msg("cannot open %s (run the tests from the repository root)", FIXTURES);
	while ((de = readdir(d)) != NULL) {
		int type = type_of(de->d_name);
		struct bgp_frame f;
		struct bgp_err e;
		size_t len;
		uint8_t *m;

		if (type < 0)
			continue;
		m = load(de->d_name, &len);
		assert_int_equal(bgp_frame_check(m, len, BGP_MAX_LEN, &f, &e), BGP_FRAME_OK);
		assert_int_equal(f.len, len);
		assert_int_equal(f.type, type);
		if (type == BGP_MSG_OPEN) {
			struct bgp_open o;

			assert_int_equal(bgp_open_decode(m, len, &o, &e), 0);
		} else if (type == BGP_MSG_NOTIFICATION) {
			struct bgp_notification n;

			assert_int_equal(bgp_notification_decode(m, len, &n, &e), 0);
		} else if (type == BGP_MSG_ROUTE_REFRESH) {
			struct bgp_route_refresh rr;

			assert_int_equal(bgp_route_refresh_decode(m, len, &rr, &e), 0);
		} else if (type == BGP_MSG_UPDATE) {
			struct bgp_rd body;

			assert_int_equal(bgp_msg_body(m, len, BGP_MSG_UPDATE, &body, &e), 0);
		}
		seen[type]++;
		total++;
		free(m);
	}
	closedir(d);
	assert_int_equal(seen[BGP_MSG_OPEN], 1);
	assert_true(seen[BGP_MSG_KEEPALIVE] >= 1);
	assert_true(seen[BGP_MSG_UPDATE] >= 4);
	assert_int_equal(seen[BGP_MSG_NOTIFICATION], 1);
	assert_true(seen[BGP_MSG_ROUTE_REFRESH] >= 4);
	assert_true(total >= 11);
}

/* BIRD's OPEN carries what capture-bird-msgs.sh configured. */
static void test_bird_open(void **state)
{
	size_t len;
	uint8_t *m = load("01-open.bin", &len), out[BGP_MAX_LEN];
	const struct bgp_caps *c;
	struct bgp_open o;
	struct bgp_open_policy p;
	struct bgp_err e;
	bool has_llgr = false;

	(void)state;
	assert_int_equal(bgp_open_decode(m, len, &o, &e), 0);
	c = &o.caps;
	assert_int_equal(o.version, BGP_VERSION);
	assert_int_equal(o.my_as, BIRD_AS);
	assert_int_equal(o.hold_time, BIRD_HOLD);
	assert_int_equal(o.bgp_id, BIRD_ID);
	assert_int_equal(o.quirks, 0);
	/* ipv4 and ipv6 channels */
	assert_int_equal(c->n_mp, 2);
	assert_int_equal(c->mp[0].afi, BGP_AFI_IPV4);
	assert_int_equal(c->mp[0].safi, BGP_SAFI_UNICAST);
	assert_int_equal(c->mp[1].afi, BGP_AFI_IPV6);
	assert_int_equal(c->mp[1].safi, BGP_SAFI_UNICAST);
	/* enable route refresh on: RFC 2918 and RFC 7313 */
	assert_true(c->route_refresh);
	assert_true(c->enhanced_rr);
	/* enable as4 on */
	assert_true(c->as4);
	assert_int_equal(c->as4_number, BIRD_AS);
	assert_int_equal(bgp_open_peer_as(&o), BIRD_AS);
	/* enable extended messages on */
	assert_true(c->ext_msg);
	/* graceful restart on: both families, restart time 120 s */
	assert_true(c->graceful_restart);
	assert_int_equal(c->gr_flags_time & BGP_GR_TIME_MASK, BIRD_GR_TIME);
	assert_int_equal(c->n_gr, 2);
	assert_int_equal(c->gr[0].af.afi, BGP_AFI_IPV4);
	assert_int_equal(c->gr[1].af.afi, BGP_AFI_IPV6);
	/* BIRD also says it is long-lived GR aware: kept raw. */
	for (unsigned i = 0; i < c->n_unknown; i++)
		if (c->unknown[i].code == BGP_CAPA_LLGR)
			has_llgr = true;
	assert_true(has_llgr);

	/* It is acceptable to a peer configured as in the capture... */
	memset(&p, 0, sizeof(p));
	p.peer_as = BIRD_AS;
	p.local_as = 65002;
	p.local_id = 0x0a000002;
	p.require_as4 = p.require_route_refresh = p.require_enhanced_rr = p.require_ext_msg = true;
	p.n_families = 2;
	p.families[0] = c->mp[0];
	p.families[1] = c->mp[1];
	assert_int_equal(bgp_open_validate(&o, &p, &e), 0);
	/* ...and not to one expecting another AS. */
	p.peer_as = 65003;
	assert_int_equal(bgp_open_validate(&o, &p, &e), -1);
	assert_int_equal(e.subcode, BGP_ERR_OPEN_AS);

	/* BIRD orders its capabilities as our encoder does: re-encoding gives
	 * BIRD's bytes back. */
	assert_int_equal(bgp_open_encode(&o, out, sizeof(out)), (int)len);
	assert_memory_equal(out, m, len);
	free(m);
}

static void test_bird_keepalive(void **state)
{
	char names[MAX_FIXTURES][64];
	size_t count = list_fixtures(names, MAX_FIXTURES), len, i = 0;
	uint8_t *m, ours[BGP_KEEPALIVE_LEN];

	(void)state;
	while (i < count && type_of(names[i]) != BGP_MSG_KEEPALIVE)
		i++;
	assert_true(i < count);
	m = load(names[i], &len);
	assert_int_equal(bgp_keepalive_encode(ours, sizeof(ours)), BGP_KEEPALIVE_LEN);
	assert_int_equal(len, BGP_KEEPALIVE_LEN);
	assert_memory_equal(m, ours, len);
	free(m);
}

/* `birdc disable peer2 "maintenance window"`: RFC 9003 Shutdown Communication. */
static void test_bird_notification(void **state)
{
	char names[MAX_FIXTURES][64], line[256];
	size_t count = list_fixtures(names, MAX_FIXTURES), len;
	struct bgp_notification n;
	struct bgp_err e;
	uint8_t *m, again[BGP_MAX_LEN];

	(void)state;
	/* The session ends with it. */
	assert_true(count > 0);
	assert_int_equal(type_of(names[count - 1]), BGP_MSG_NOTIFICATION);
	m = load(names[count - 1], &len);
	assert_int_equal(bgp_notification_decode(m, len, &n, &e), 0);
	assert_int_equal(n.code, BGP_ERR_CEASE);
	assert_int_equal(n.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	bgp_notification_describe(&n, line, sizeof(line));
	assert_string_equal(line, "Cease/Administrative Shutdown: \"maintenance window\"");
	/* Ours for the same message is byte for byte BIRD's. */
	assert_int_equal(bgp_shutdown_encode("maintenance window", again, sizeof(again)), (int)len);
	assert_memory_equal(again, m, len);
	free(m);
}

/* Enhanced route refresh (RFC 7313): BoRR, EoRR after our request; then
 * `birdc reload in`: normal requests for both families. */
static void test_bird_route_refresh(void **state)
{
	static const struct {
		uint16_t afi;
		uint8_t subtype;
	} want[] = {
		{ BGP_AFI_IPV4, BGP_RR_BORR },
		{ BGP_AFI_IPV4, BGP_RR_EORR },
		{ BGP_AFI_IPV4, BGP_RR_NORMAL },
		{ BGP_AFI_IPV6, BGP_RR_NORMAL },
	};
	char names[MAX_FIXTURES][64];
	size_t count = list_fixtures(names, MAX_FIXTURES), k = 0;

	(void)state;
	for (size_t i = 0; i < count; i++) {
		struct bgp_route_refresh rr;
		struct bgp_err e;
		uint8_t again[BGP_RREFRESH_LEN], *m;
		size_t len;

		if (type_of(names[i]) != BGP_MSG_ROUTE_REFRESH)
			continue;
		assert_true(k < sizeof(want) / sizeof(want[0]));
		m = load(names[i], &len);
		assert_int_equal(bgp_route_refresh_decode(m, len, &rr, &e), 0);
		assert_int_equal(rr.afi, want[k].afi);
		assert_int_equal(rr.subtype, want[k].subtype);
		assert_int_equal(rr.safi, BGP_SAFI_UNICAST);
		assert_int_equal(bgp_route_refresh_encode(&rr, again, sizeof(again)), (int)len);
		assert_memory_equal(again, m, len);
		free(m);
		k++;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
}

/* The whole session as one byte stream, framed message by message, fed in
 * every split of two reads. */
static void test_bird_stream(void **state)
{
	static uint8_t stream[64 * 1024];
	char names[MAX_FIXTURES][64];
	size_t count = list_fixtures(names, MAX_FIXTURES), total = 0;

	(void)state;
	for (size_t i = 0; i < count; i++) {
		size_t len;
		uint8_t *m = load(names[i], &len);

		assert_true(len <= sizeof(stream) - total);
		memcpy(stream + total, m, len);
		total += len;
		free(m);
	}
	assert_true(count >= 11);
	for (size_t avail = 0; avail <= total; avail++) {
		size_t off = 0, got = 0;
		struct bgp_frame f;
		struct bgp_err e;
		int st;

		/* Only the first avail bytes have arrived. */
		while ((st = bgp_frame_check(stream + off, avail - off, BGP_MAX_LEN, &f, &e)) ==
		       BGP_FRAME_OK) {
			off += f.len;
			got++;
		}
		assert_int_equal(st, BGP_FRAME_NEED_MORE);
		if (avail == total) {
			assert_int_equal(off, total);
			assert_int_equal(got, count);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture_frames),
		cmocka_unit_test(test_bird_open),
		cmocka_unit_test(test_bird_keepalive),
		cmocka_unit_test(test_bird_notification),
		cmocka_unit_test(test_bird_route_refresh),
		cmocka_unit_test(test_bird_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
