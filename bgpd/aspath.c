/*
 * bgpd/aspath.c — AS_PATH in wire form: syntax check (RFC 7606 §7.2, RFC 6793
 * §6, RFC 7607 §2), route-selection length (RFC 4271 §9.1.2.2, RFC 5065 §5.3),
 * loop checks, text, prepending (RFC 4271 §5.1.2, RFC 5065 §4.1), writing in
 * either width (RFC 6793 §4.2.2) and the RFC 6793 §4.2.3 merge.
 */
#include <stdio.h>
#include <string.h>

#include "bgpd/aspath.h"
#include "bgpd/msg.h"

void bgp_aspath_iter_init(struct bgp_aspath_iter *it, const struct bgp_aspath *p)
{
	it->rd = bgp_rd_init(p->data, p->len);
	it->as_size = p->as_size;
}

bool bgp_aspath_next(struct bgp_aspath_iter *it, struct bgp_as_seg *s)
{
	struct bgp_rd save = it->rd, v;
	uint8_t type, count;

	if (bgp_rd_u8(&it->rd, &type) < 0 || bgp_rd_u8(&it->rd, &count) < 0 ||
	    bgp_rd_sub(&it->rd, (size_t)count * it->as_size, &v) < 0) {
		it->rd = save;
		return false;
	}
	s->type = type;
	s->count = count;
	s->as_size = it->as_size;
	s->asns = bgp_rd_ptr(&v);
	return true;
}

static bool seg_is_confed(uint8_t type)
{
	return type == BGP_AS_CONFED_SEQUENCE || type == BGP_AS_CONFED_SET;
}

enum bgp_aspath_fault bgp_aspath_check(const struct bgp_aspath *p)
{
	struct bgp_rd r = bgp_rd_init(p->data, p->len);

	if (p->as_size != BGP_AS2_SIZE && p->as_size != BGP_AS4_SIZE)
		return BGP_ASPATH_OVERRUN;      /* a caller's mistake: read nothing */
	while (bgp_rd_left(&r) > 0) {
		struct bgp_as_seg s;
		uint8_t type, count;

		/* RFC 7606 §7.2: one octet left is not even a segment header. */
		if (bgp_rd_u8(&r, &type) < 0 || bgp_rd_u8(&r, &count) < 0)
			return BGP_ASPATH_UNDERRUN;
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			return BGP_ASPATH_BAD_TYPE;
		if (count == 0)
			return BGP_ASPATH_EMPTY_SEG;
		s.type = type;
		s.count = count;
		s.as_size = p->as_size;
		s.asns = bgp_rd_ptr(&r);
		if (bgp_rd_skip(&r, (size_t)count * p->as_size) < 0)
			return BGP_ASPATH_OVERRUN;
		for (unsigned i = 0; i < count; i++)
			if (bgp_as_seg_asn(&s, i) == 0)
				return BGP_ASPATH_AS0;  /* RFC 7607 §2 */
	}
	return BGP_ASPATH_OK;
}

const char *bgp_aspath_fault_name(enum bgp_aspath_fault f)
{
	switch (f) {
	case BGP_ASPATH_OK:
		return "ok";
	case BGP_ASPATH_BAD_TYPE:
		return "unknown segment type";
	case BGP_ASPATH_OVERRUN:
		return "segment overruns the attribute";
	case BGP_ASPATH_UNDERRUN:
		return "one octet left after the last segment";
	case BGP_ASPATH_EMPTY_SEG:
		return "segment of length zero";
	case BGP_ASPATH_AS0:
		return "AS 0 in the path";
	}
	return "unknown fault";
}

unsigned bgp_aspath_length(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;
	unsigned n = 0;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s)) {
		if (s.type == BGP_AS_SEQUENCE)
			n += s.count;
		else if (s.type == BGP_AS_SET)
			n += 1;     /* RFC 4271 §9.1.2.2 a */
		/* confederation segments: 0, RFC 5065 §5.3 */
	}
	return n;
}

static bool contains(const struct bgp_aspath *p, uint32_t as, bool confed)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s)) {
		if (seg_is_confed(s.type) != confed)
			continue;
		for (unsigned i = 0; i < s.count; i++)
			if (bgp_as_seg_asn(&s, i) == as)
				return true;
	}
	return false;
}

bool bgp_aspath_contains(const struct bgp_aspath *p, uint32_t as)
{
	return contains(p, as, false);
}

bool bgp_aspath_confed_contains(const struct bgp_aspath *p, uint32_t as)
{
	return contains(p, as, true);
}

bool bgp_aspath_has_confed(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s))
		if (seg_is_confed(s.type))
			return true;
	return false;
}

uint32_t bgp_aspath_origin(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s, last = { 0, 0, 0, NULL };

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s))
		last = s;
	if (last.type != BGP_AS_SEQUENCE || last.count == 0)
		return 0;
	return bgp_as_seg_asn(&last, last.count - 1u);
}

uint32_t bgp_aspath_neighbor(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s)) {
		if (seg_is_confed(s.type))
			continue;
		return s.type == BGP_AS_SEQUENCE ? bgp_as_seg_asn(&s, 0) : 0;
	}
	return 0;
}

uint32_t bgp_aspath_first(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bgp_aspath_iter_init(&it, p);
	if (bgp_aspath_next(&it, &s) && s.type == BGP_AS_SEQUENCE)
		return bgp_as_seg_asn(&s, 0);
	return 0;
}

bool bgp_aspath_eq(const struct bgp_aspath *a, const struct bgp_aspath *b)
{
	return a->as_size == b->as_size && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* ---- text ---- */

struct text {
	char *buf;
	size_t cap;
	size_t pos;                 /* length of the whole text so far */
};

static void text_put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->pos < t->cap) {
		size_t room = t->cap - t->pos - 1, k = n < room ? n : room;

		memcpy(t->buf + t->pos, s, k);
		t->buf[t->pos + k] = '\0';
	}
	t->pos += n;
}

int bgp_aspath_format(const struct bgp_aspath *p, char *buf, size_t len)
{
	static const char *const seg_open[] = { "", "{", "", "(", "[" };
	static const char *const seg_close[] = { "", "}", "", ")", "]" };
	struct text t = { buf, len, 0 };
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;
	bool first = true;

	if (len > 0)
		buf[0] = '\0';
	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s)) {
		bool set = s.type == BGP_AS_SET || s.type == BGP_AS_CONFED_SET;
		unsigned ty = s.type <= BGP_AS_CONFED_SET ? s.type : 0;

		if (!first)
			text_put(&t, " ");
		first = false;
		text_put(&t, seg_open[ty]);
		for (unsigned i = 0; i < s.count; i++) {
			char num[16];

			snprintf(num, sizeof(num), "%u", bgp_as_seg_asn(&s, i));
			if (i > 0)
				text_put(&t, set ? "," : " ");
			text_put(&t, num);
		}
		text_put(&t, seg_close[ty]);
	}
	return (int)t.pos;
}

/* A path being built: where the open segment's header is, so ASNs can join it. */
struct builder {
	struct bgp_wr w;
	size_t hdr;
	uint8_t type;               /* 0: no open segment */
	uint8_t count;
};

static void build_seg(struct builder *b, uint8_t type)
{
	b->hdr = b->w.len;
	b->type = type;
	b->count = 0;
	bgp_wr_u8(&b->w, type);
	bgp_wr_u8(&b->w, 0);
}

static void build_asn(struct builder *b, uint32_t as)
{
	bgp_wr_u32(&b->w, as);
	b->count++;
	bgp_wr_patch_u8(&b->w, b->hdr + 1, b->count);
}

/* Add as to a segment of type, joining the open one when it is of that type
 * and has room (sets always get a segment of their own from the caller). */
static void build_join(struct builder *b, uint8_t type, uint32_t as)
{
	if (b->type != type || b->count == BGP_AS_SEG_MAX)
		build_seg(b, type);
	build_asn(b, as);
}

static int parse_asn(const char **sp, uint32_t *as)
{
	const char *s = *sp;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
		s++;
	}
	*sp = s;
	*as = (uint32_t)v;
	return 0;
}

/* One bracketed group, after its opening character, up to `end`: ASNs separated
 * by commas (sets) or spaces (a confed sequence), spaces allowed around them. */
static int parse_group(const char **sp, struct builder *b, uint8_t type, char end)
{
	const char *s = *sp;
	bool set = type == BGP_AS_SET || type == BGP_AS_CONFED_SET;
	unsigned n = 0;

	if (set)
		build_seg(b, type);
	for (;;) {
		uint32_t as;

		while (*s == ' ' || (set && *s == ','))
			s++;
		if (*s == end)
			break;
		if (parse_asn(&s, &as) < 0)
			return -1;
		if (set) {
			if (b->count == BGP_AS_SEG_MAX)
				return -1;      /* a set cannot be split without changing it */
			build_asn(b, as);
		} else {
			build_join(b, type, as);
		}
		n++;
		if (set && *s != ',' && *s != ' ' && *s != end)
			return -1;
	}
	if (n == 0)
		return -1;
	*sp = s + 1;
	b->type = set ? 0 : b->type;    /* nothing joins a set */
	return 0;
}

int bgp_aspath_parse(const char *s, uint8_t *out, size_t cap, struct bgp_aspath *res)
{
	struct builder b = { bgp_wr_init(out, cap), 0, 0, 0 };

	for (;;) {
		uint32_t as;
		int rc = 0;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		switch (*s) {
		case '{':
			s++;
			rc = parse_group(&s, &b, BGP_AS_SET, '}');
			break;
		case '(':
			s++;
			b.type = 0;     /* a new confed sequence, not joined to an earlier one */
			rc = parse_group(&s, &b, BGP_AS_CONFED_SEQUENCE, ')');
			b.type = 0;
			break;
		case '[':
			s++;
			rc = parse_group(&s, &b, BGP_AS_CONFED_SET, ']');
			break;
		default:
			rc = parse_asn(&s, &as);
			if (rc == 0)
				build_join(&b, BGP_AS_SEQUENCE, as);
			if (*s != ' ' && *s != '\0' && *s != '{' && *s != '(' && *s != '[')
				rc = -1;
			break;
		}
		if (rc < 0)
			return -1;
	}
	if (b.w.err)
		return -1;
	*res = bgp_aspath_view(out, b.w.len, BGP_AS4_SIZE);
	return 0;
}

/* ---- building ---- */

static void copy_seg(struct bgp_wr *w, const struct bgp_as_seg *s, unsigned n, uint8_t as_size)
{
	bgp_wr_u8(w, s->type);
	bgp_wr_u8(w, (uint8_t)n);
	for (unsigned i = 0; i < n; i++) {
		uint32_t as = bgp_as_seg_asn(s, i);

		if (as_size == BGP_AS2_SIZE)
			bgp_wr_u16(w, as > BGP_AS2_MAX ? BGP_AS_TRANS : (uint16_t)as);
		else
			bgp_wr_u32(w, as);
	}
}

int bgp_aspath_prepend(const struct bgp_aspath *in, uint8_t seg_type, uint32_t as,
                       unsigned times, uint8_t *out, size_t cap, struct bgp_aspath *res)
{
	struct bgp_wr w = bgp_wr_init(out, cap);
	struct bgp_aspath_iter it;
	struct bgp_as_seg first;
	bool have = false;
	unsigned into_first = 0, rest, nseg;

	if (in->as_size != BGP_AS4_SIZE)
		return -1;
	bgp_aspath_iter_init(&it, in);
	if (bgp_aspath_next(&it, &first) && first.type == seg_type) {
		have = true;
		into_first = BGP_AS_SEG_MAX - first.count;
		if (into_first > times)
			into_first = times;
	}
	/* Prepending one at a time fills the leading segment, then opens a new one
	 * on its left (RFC 4271 §5.1.2: "If the act of prepending will cause an
	 * overflow ... prepend a new segment"); the leftmost is the partial one. */
	rest = times - into_first;
	nseg = (rest + BGP_AS_SEG_MAX - 1) / BGP_AS_SEG_MAX;
	for (unsigned k = 0; k < nseg; k++) {
		unsigned n = k == 0 ? rest - BGP_AS_SEG_MAX * (nseg - 1) : BGP_AS_SEG_MAX;

		bgp_wr_u8(&w, seg_type);
		bgp_wr_u8(&w, (uint8_t)n);
		for (unsigned i = 0; i < n; i++)
			bgp_wr_u32(&w, as);
	}
	if (have) {
		bgp_wr_u8(&w, first.type);
		bgp_wr_u8(&w, (uint8_t)(first.count + into_first));
		for (unsigned i = 0; i < into_first; i++)
			bgp_wr_u32(&w, as);
		bgp_wr_bytes(&w, first.asns, (size_t)first.count * BGP_AS4_SIZE);
		bgp_wr_bytes(&w, bgp_rd_ptr(&it.rd), bgp_rd_left(&it.rd));
	} else {
		bgp_wr_bytes(&w, in->data, in->len);
	}
	if (w.err)
		return -1;
	*res = bgp_aspath_view(out, w.len, BGP_AS4_SIZE);
	return 0;
}

int bgp_aspath_strip_confed(const struct bgp_aspath *in, uint8_t *out, size_t cap,
                            struct bgp_aspath *res)
{
	struct bgp_wr w = bgp_wr_init(out, cap);

	bgp_aspath_write(&w, in, in->as_size, true);
	if (w.err)
		return -1;
	*res = bgp_aspath_view(out, w.len, in->as_size);
	return 0;
}

size_t bgp_aspath_wire_len(const struct bgp_aspath *p, uint8_t as_size, bool skip_confed)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;
	size_t n = 0;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s))
		if (!(skip_confed && seg_is_confed(s.type)))
			n += BGP_AS_SEG_HDR_LEN + (size_t)s.count * as_size;
	return n;
}

void bgp_aspath_write(struct bgp_wr *w, const struct bgp_aspath *p, uint8_t as_size,
                      bool skip_confed)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	if (as_size == p->as_size && !skip_confed) {
		bgp_wr_bytes(w, p->data, p->len);
		return;
	}
	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s))
		if (!(skip_confed && seg_is_confed(s.type)))
			copy_seg(w, &s, s.count, as_size);
}

bool bgp_aspath_needs_as4(const struct bgp_aspath *p)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bgp_aspath_iter_init(&it, p);
	while (bgp_aspath_next(&it, &s)) {
		if (seg_is_confed(s.type))
			continue;   /* never carried in AS4_PATH, RFC 6793 §4.2.2 */
		for (unsigned i = 0; i < s.count; i++)
			if (bgp_as_seg_asn(&s, i) > BGP_AS2_MAX)
				return true;
	}
	return false;
}

/* ---- RFC 6793 §4.2.3 ---- */

/* The leading part of as_path that carries `need` ASNs (counted as for route
 * selection), with the confederation segments that lead or touch it, written
 * 4-octet into b. */
static void merge_lead(struct builder *b, const struct bgp_aspath *as_path, unsigned need)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;
	bool first = true, prev_taken = false;

	bgp_aspath_iter_init(&it, as_path);
	while (bgp_aspath_next(&it, &s)) {
		unsigned take;

		if (seg_is_confed(s.type)) {
			/* "a valid AS_CONFED_SEQUENCE or AS_CONFED_SET path segment
			 * SHALL be prepended if it is either the leading path segment or
			 * is adjacent to a path segment that is prepended" */
			if (!(first || prev_taken || need > 0))
				break;
			take = s.count;
		} else if (need == 0) {
			break;
		} else if (s.type == BGP_AS_SET) {
			take = s.count;
			need--;
		} else {
			take = s.count < need ? s.count : need;
			need -= take;
		}
		build_seg(b, s.type);
		for (unsigned i = 0; i < take; i++)
			build_asn(b, bgp_as_seg_asn(&s, i));
		if (take < s.count)
			break;      /* a sequence cut short: nothing after it is adjacent */
		first = false;
		prev_taken = true;
	}
}

/* AS4_PATH after the lead, confederation segments dropped (RFC 6793 §6), its
 * first AS_SEQUENCE joined to a trailing lead AS_SEQUENCE when it fits. */
static void merge_tail(struct builder *b, const struct bgp_aspath *as4_path)
{
	struct bgp_aspath_iter it;
	struct bgp_as_seg s;

	bool seam = true;

	bgp_aspath_iter_init(&it, as4_path);
	while (bgp_aspath_next(&it, &s)) {
		if (seg_is_confed(s.type))
			continue;
		/* Only at the seam: AS4_PATH's own segments stay as they came. */
		if (!(seam && s.type == BGP_AS_SEQUENCE && b->type == BGP_AS_SEQUENCE &&
		      b->count + s.count <= BGP_AS_SEG_MAX))
			build_seg(b, s.type);
		seam = false;
		for (unsigned i = 0; i < s.count; i++)
			build_asn(b, bgp_as_seg_asn(&s, i));
	}
}

int bgp_as4_merge(const struct bgp_aspath *as_path, const struct bgp_aspath *as4_path,
                  const struct bgp_aggregator *agg, const struct bgp_aggregator *as4_agg,
                  uint8_t *out, size_t cap, struct bgp_aspath *path,
                  struct bgp_aggregator *agg_out)
{
	struct builder b = { bgp_wr_init(out, cap), 0, 0, 0 };
	bool use4 = as4_path != NULL;
	int flags = 0;

	if (agg && as4_agg && agg->as != BGP_AS_TRANS) {
		/* The aggregating AS was mappable: an OLD speaker aggregated after
		 * the AS4 attributes were made, so they are stale. */
		*agg_out = *agg;
		flags |= BGP_AS4_AGG_IGNORED;
		if (use4)
			flags |= BGP_AS4_PATH_IGNORED;
		use4 = false;
	} else if (agg) {
		*agg_out = as4_agg ? *as4_agg : *agg;
	} else if (as4_agg) {
		flags |= BGP_AS4_AGG_IGNORED;   /* no AGGREGATOR for it to stand in for */
	}
	if (use4) {
		unsigned n2 = bgp_aspath_length(as_path), n4 = bgp_aspath_length(as4_path);

		if (bgp_aspath_has_confed(as4_path))
			flags |= BGP_AS4_CONFED_DROPPED;
		if (n2 < n4) {
			flags |= BGP_AS4_PATH_IGNORED;
			use4 = false;
		} else {
			merge_lead(&b, as_path, n2 - n4);
			merge_tail(&b, as4_path);
		}
	}
	if (!use4)
		bgp_aspath_write(&b.w, as_path, BGP_AS4_SIZE, false);
	if (b.w.err)
		return -1;
	*path = bgp_aspath_view(out, b.w.len, BGP_AS4_SIZE);
	return flags;
}
