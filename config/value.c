/* config/value.c — scalar parsers and the public formatting helpers. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config/value.h"

/* A uint64 has at most 20 decimal digits; more is out of range, not a crash. */
#define U64_MAX_DIGITS 20

bool value_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++, n++) {
		unsigned d;
		if (*s < '0' || *s > '9' || n >= U64_MAX_DIGITS)
			return false;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum value_result value_u32_range(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!all_digits(s))
		return VALUE_SYNTAX;
	if (!value_u64(s, &v) || v < min || v > max)
		return VALUE_RANGE;
	*out = (uint32_t)v;
	return VALUE_OK;
}

bool value_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0)
		*out = false;
	else
		return false;
	return true;
}

enum value_result value_asn(const char *s, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t hi, lo;
	char buf[U64_MAX_DIGITS + 1];

	if (!dot) {
		if (!all_digits(s))
			return VALUE_SYNTAX;
		if (!value_u64(s, &lo) || lo == 0 || lo > UINT32_MAX)
			return VALUE_RANGE;
		*out = (uint32_t)lo;
		return VALUE_OK;
	}
	/* asdot, RFC 5396: high.low, each 0..65535 */
	if ((size_t)(dot - s) > U64_MAX_DIGITS)
		return VALUE_RANGE;
	memcpy(buf, s, (size_t)(dot - s));
	buf[dot - s] = '\0';
	if (!all_digits(buf) || !all_digits(dot + 1))
		return VALUE_SYNTAX;
	if (!value_u64(buf, &hi) || !value_u64(dot + 1, &lo) || hi > UINT16_MAX ||
	    lo > UINT16_MAX || (hi == 0 && lo == 0))
		return VALUE_RANGE;
	*out = (uint32_t)(hi << 16 | lo);
	return VALUE_OK;
}

bool value_addr(const char *s, int af, struct config_addr *out)
{
	struct config_addr a = { 0 };

	if ((af == 0 || af == CONFIG_AF_INET) && inet_pton(AF_INET, s, a.a) == 1) {
		a.af = CONFIG_AF_INET;
	} else if ((af == 0 || af == CONFIG_AF_INET6) && inet_pton(AF_INET6, s, a.a) == 1) {
		a.af = CONFIG_AF_INET6;
	} else {
		return false;
	}
	*out = a;
	return true;
}

static unsigned af_max_len(int af)
{
	return af == CONFIG_AF_INET ? 32 : 128;
}

unsigned value_af_bits(int af)
{
	return af_max_len(af);
}

void value_prefix_mask(struct config_prefix *p)
{
	unsigned bytes = p->len / 8, bits = p->len % 8;

	if (bits) {
		p->a[bytes] &= (uint8_t)(0xFF << (8 - bits));
		bytes++;
	}
	memset(p->a + bytes, 0, sizeof(p->a) - bytes);
}

enum value_result value_prefix(const char *s, struct config_prefix *out,
			       struct config_prefix *masked)
{
	const char *slash = strchr(s, '/');
	char buf[CONFIG_ADDR_STRLEN];
	struct config_addr a;
	struct config_prefix p = { 0 };
	uint64_t len;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return VALUE_SYNTAX;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (!value_addr(buf, 0, &a) || !all_digits(slash + 1))
		return VALUE_SYNTAX;
	if (!value_u64(slash + 1, &len) || len > af_max_len(a.af))
		return VALUE_RANGE;
	p.af = a.af;
	p.len = (uint8_t)len;
	memcpy(p.a, a.a, sizeof(p.a));
	*masked = p;
	value_prefix_mask(masked);
	if (memcmp(masked->a, p.a, sizeof(p.a)) != 0)
		return VALUE_HOST_BITS;
	*out = p;
	return VALUE_OK;
}

static const struct {
	const char *name;
	uint32_t value;
} well_known[] = {
	{ "graceful-shutdown", CONFIG_COMM_GRACEFUL_SHUTDOWN },
	{ "blackhole", CONFIG_COMM_BLACKHOLE },
	{ "no-export", CONFIG_COMM_NO_EXPORT },
	{ "no-advertise", CONFIG_COMM_NO_ADVERTISE },
	{ "no-export-subconfed", CONFIG_COMM_NO_EXPORT_SUBCONFED },
	{ "no-peer", CONFIG_COMM_NO_PEER },
};

const char *const value_community_names[VALUE_COMMUNITY_NAMES] = {
	"graceful-shutdown", "blackhole", "no-export", "no-advertise",
	"no-export-subconfed", "no-peer",
};

/* Split "a:b[:c]" into exactly n decimal parts, each at most max. */
static enum value_result split_numbers(const char *s, uint64_t *parts, size_t n, uint64_t max)
{
	char buf[3 * (U64_MAX_DIGITS + 1)];
	char *p = buf, *colon;
	size_t len = strlen(s);

	if (len >= sizeof(buf))
		return VALUE_SYNTAX;
	memcpy(buf, s, len + 1);
	for (size_t i = 0; i < n; i++) {
		colon = strchr(p, ':');
		if ((i + 1 < n) != (colon != NULL))
			return VALUE_SYNTAX;
		if (colon)
			*colon = '\0';
		if (!all_digits(p))
			return VALUE_SYNTAX;
		if (!value_u64(p, &parts[i]) || parts[i] > max)
			return VALUE_RANGE;
		if (colon)
			p = colon + 1;
	}
	return VALUE_OK;
}

enum value_result value_community(const char *s, uint32_t *out)
{
	uint64_t parts[2];
	enum value_result r;

	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (strcmp(s, well_known[i].name) == 0) {
			*out = well_known[i].value;
			return VALUE_OK;
		}
	}
	r = split_numbers(s, parts, 2, UINT16_MAX);
	if (r == VALUE_OK)
		*out = (uint32_t)(parts[0] << 16 | parts[1]);
	return r;
}

enum value_result value_large(const char *s, struct config_large_community *out)
{
	uint64_t parts[3];
	enum value_result r = split_numbers(s, parts, 3, UINT32_MAX);

	if (r == VALUE_OK) {
		out->global = (uint32_t)parts[0];
		out->local1 = (uint32_t)parts[1];
		out->local2 = (uint32_t)parts[2];
	}
	return r;
}

/* Modes beyond 07777 have no meaning for a socket file. */
#define MODE_MAX 07777

bool value_mode(const char *s, mode_t *out)
{
	unsigned v = 0;
	size_t n = 0;

	if (s[0] != '0')
		return false;
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '7' || n > 4)
			return false;
		v = v * 8 + (unsigned)(*s - '0');
	}
	if (n < 2 || v > MODE_MAX)
		return false;
	*out = (mode_t)v;
	return true;
}

const char *config_addr_format(const struct config_addr *a, char *buf, size_t len)
{
	if (a->af == CONFIG_AF_INET)
		inet_ntop(AF_INET, a->a, buf, (socklen_t)len);
	else if (a->af == CONFIG_AF_INET6)
		inet_ntop(AF_INET6, a->a, buf, (socklen_t)len);
	else
		snprintf(buf, len, "(none)");
	return buf;
}

const char *config_prefix_format(const struct config_prefix *p, char *buf, size_t len)
{
	char a[CONFIG_ADDR_STRLEN];
	struct config_addr addr = { .af = p->af };

	memcpy(addr.a, p->a, sizeof(addr.a));
	snprintf(buf, len, "%s/%u", config_addr_format(&addr, a, sizeof(a)), p->len);
	return buf;
}

const char *config_community_format(uint32_t c, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (well_known[i].value == c) {
			snprintf(buf, len, "%s", well_known[i].name);
			return buf;
		}
	}
	snprintf(buf, len, "%u:%u", c >> 16, c & 0xFFFF);
	return buf;
}

const char *config_large_format(const struct config_large_community *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u:%u:%u", c->global, c->local1, c->local2);
	return buf;
}

bool config_addr_equal(const struct config_addr *a, const struct config_addr *b)
{
	return a->af == b->af && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

bool config_prefix_equal(const struct config_prefix *a, const struct config_prefix *b)
{
	return a->af == b->af && a->len == b->len && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}
