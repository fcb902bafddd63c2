/*
 * bgpd/msg_utf8.h — UTF-8 checks for the codec's text fields (RFC 9003 Shutdown
 * Communication). Internal to bgpd/msg_*.c.
 */
#ifndef BGPD_MSG_UTF8_H
#define BGPD_MSG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed shortest-form UTF-8 sequence at s[0..n), and
 * its code point in *cp; 0 if there is none (RFC 3629 §4: no overlong forms, no
 * surrogates, nothing above U+10FFFF — RFC 9003 §2 requires "Shortest Form"). */
size_t bgp_utf8_seq(const uint8_t *s, size_t n, uint32_t *cp);

/* s[0..n) is entirely well-formed UTF-8. */
bool bgp_utf8_valid(const uint8_t *s, size_t n);

#endif /* BGPD_MSG_UTF8_H */
