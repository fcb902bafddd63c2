/*
 * config/value.h — scalar text to typed values: numbers, AS numbers,
 * addresses, prefixes, communities. Pure functions; they classify what went
 * wrong and the walker (walk.c) words the message.
 */
#ifndef CONFIG_VALUE_H
#define CONFIG_VALUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/config.h"

enum value_result {
	VALUE_OK,
	VALUE_SYNTAX,           /* not of the expected form at all */
	VALUE_RANGE,            /* the right form, a number out of range */
	VALUE_HOST_BITS,        /* a prefix with bits set past its length */
};

/* Plain decimal digits only: no sign, spaces, hex or exponent. */
bool value_u64(const char *s, uint64_t *out);
enum value_result value_u32_range(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "true" or "false" only: YAML 1.1's yes/no/on/off are too easy to misread. */
bool value_bool(const char *s, bool *out);
/* asplain "65001" or asdot "1.10" (RFC 5396); 0 is out of range. */
enum value_result value_asn(const char *s, uint32_t *out);
/* af 0 accepts either family. */
bool value_addr(const char *s, int af, struct config_addr *out);
/* "203.0.113.0/24"; on VALUE_HOST_BITS *masked is the prefix meant. */
enum value_result value_prefix(const char *s, struct config_prefix *out,
			       struct config_prefix *masked);
/* "65000:100" or a well-known name ("no-export"). */
enum value_result value_community(const char *s, uint32_t *out);
/* The well-known names value_community accepts, for suggestions. */
#define VALUE_COMMUNITY_NAMES 6
extern const char *const value_community_names[VALUE_COMMUNITY_NAMES];
/* "65000:1:2" (RFC 8092). */
enum value_result value_large(const char *s, struct config_large_community *out);
/* "0660": a leading zero, octal digits, at most 07777. */
bool value_mode(const char *s, mode_t *out);
/* The prefix with host bits cleared. */
void value_prefix_mask(struct config_prefix *p);
unsigned value_af_bits(int af);

#endif
