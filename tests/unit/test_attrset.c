/*
 * tests/unit/test_attrset.c — interned attribute sets (bgpd/attrset.c): equal
 * sets are one object whatever storage they were decoded from, references
 * count, the last unref frees (attrset_count() back to 0), the table grows,
 * and the values derived for the decision process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpd/aspath.h"
#include "bgpd/attrset.h"

#define TEST_NEXT_HOP   0xc0000201u     /* 192.0.2.1 */
#define PATH_BUF        256

/* A set with ORIGIN, AS_PATH (text, into buf), NEXT_HOP and one community. */
static struct bgp_attrs mk(const char *path, uint8_t *buf, const uint8_t comm[4])
{
	struct bgp_attrs a;

	memset(&a, 0, sizeof(a));
	a.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
	            BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a.origin = BGP_ORIGIN_IGP;
	a.next_hop = TEST_NEXT_HOP;
	assert_int_equal(bgp_aspath_parse(path, buf, PATH_BUF, &a.aspath), 0);
	if (comm) {
		a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
		a.communities.data = comm;
		a.communities.len = BGP_COMMUNITY_LEN;
	}
	return a;
}

static void test_equal_sets_share(void **state)
{
	struct attrset_table *t = attrset_table_new();
	uint8_t b1[PATH_BUF], b2[PATH_BUF], c1[4] = { 0xfd, 0xe9, 0, 1 }, c2[4];
	struct bgp_attrs a1, a2;
	const struct attrset *s1, *s2;
	size_t empty = attrset_bytes(t);

	(void)state;
	memcpy(c2, c1, sizeof(c2));
	a1 = mk("65001 65002", b1, c1);
	a2 = mk("65001 65002", b2, c2);     /* same content, other storage */
	s1 = attrset_intern(t, &a1);
	s2 = attrset_intern(t, &a2);
	assert_non_null(s1);
	assert_ptr_equal(s1, s2);
	assert_int_equal(s1->refcnt, 2);
	assert_int_equal(attrset_count(t), 1);
	assert_true(attrset_bytes(t) > empty);
	/* the set owns copies: the decoder's buffers may go */
	assert_ptr_not_equal(s1->a.aspath.data, b1);
	assert_ptr_not_equal(s1->a.communities.data, c1);
	memset(b1, 0, sizeof(b1));
	memset(c1, 0, sizeof(c1));
	assert_true(bgp_attrs_equal(&s1->a, &a2));
	assert_ptr_equal(attrset_ref(s1), s1);
	assert_int_equal(s1->refcnt, 3);
	attrset_unref(t, s1);
	attrset_unref(t, s1);
	assert_int_equal(attrset_count(t), 1);
	attrset_unref(t, s2);
	assert_int_equal(attrset_count(t), 0);
	assert_int_equal(attrset_bytes(t), empty);
	attrset_unref(t, NULL);             /* allowed */
	attrset_table_free(t);
}

static void test_different_sets(void **state)
{
	struct attrset_table *t = attrset_table_new();
	uint8_t b[PATH_BUF], c1[4] = { 0, 0, 0, 1 }, c2[4] = { 0, 0, 0, 2 };
	struct bgp_attrs a;
	const struct attrset *s[4];

	(void)state;
	a = mk("65001", b, c1);
	s[0] = attrset_intern(t, &a);
	a = mk("65001", b, c2);             /* another community */
	s[1] = attrset_intern(t, &a);
	a = mk("65001", b, NULL);           /* no community */
	s[2] = attrset_intern(t, &a);
	a.med = 5;
	a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	s[3] = attrset_intern(t, &a);
	assert_int_equal(attrset_count(t), 4);
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			assert_ptr_not_equal(s[i], s[j]);
	for (int i = 0; i < 4; i++)
		attrset_unref(t, s[i]);
	assert_int_equal(attrset_count(t), 0);
	attrset_table_free(t);
}

#define MANY 20000      /* well past the initial bucket count: the table grows */

static void test_many_sets_grow_and_free(void **state)
{
	struct attrset_table *t = attrset_table_new();
	const struct attrset **s = calloc(MANY, sizeof(*s));
	uint8_t b[PATH_BUF];
	struct bgp_attrs a;

	(void)state;
	assert_non_null(s);
	a = mk("65001 65002", b, NULL);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	for (uint32_t i = 0; i < MANY; i++) {
		a.med = i;
		s[i] = attrset_intern(t, &a);
		assert_non_null(s[i]);
	}
	assert_int_equal(attrset_count(t), MANY);
	/* each is found again after the growth */
	for (uint32_t i = 0; i < MANY; i++) {
		a.med = i;
		assert_ptr_equal(attrset_intern(t, &a), s[i]);
		assert_int_equal(s[i]->refcnt, 2);
		assert_int_equal(s[i]->a.med, i);
	}
	for (uint32_t i = 0; i < MANY; i++) {
		attrset_unref(t, s[i]);
		attrset_unref(t, s[i]);
	}
	assert_int_equal(attrset_count(t), 0);
	free(s);
	attrset_table_free(t);
}

static void test_derived_values(void **state)
{
	struct attrset_table *t = attrset_table_new();
	uint8_t b[PATH_BUF], cl[8] = { 1, 1, 1, 1, 2, 2, 2, 2 };
	struct bgp_attrs a;
	const struct attrset *s;

	(void)state;
	/* a confederation segment counts 0, a set 1 (RFC 4271 §9.1.2.2 a,
	 * RFC 5065 §5.3); the neighbour is the first AS past the confed part */
	a = mk("(65010 65011) 65001 65002 {7,8,9}", b, NULL);
	a.present |= BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST);
	a.cluster_list.data = cl;
	a.cluster_list.len = sizeof(cl);
	s = attrset_intern(t, &a);
	assert_int_equal(s->as_path_len, 3);
	assert_int_equal(s->neighbor_as, 65001);
	assert_int_equal(s->cluster_len, 2);
	attrset_unref(t, s);
	a = mk("", b, NULL);
	s = attrset_intern(t, &a);
	assert_int_equal(s->as_path_len, 0);
	assert_int_equal(s->neighbor_as, 0);
	assert_int_equal(s->cluster_len, 0);
	attrset_unref(t, s);
	assert_int_equal(attrset_count(t), 0);
	attrset_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_sets_share),
		cmocka_unit_test(test_different_sets),
		cmocka_unit_test(test_many_sets_grow_and_free),
		cmocka_unit_test(test_derived_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
