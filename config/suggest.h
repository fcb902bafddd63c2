/*
 * config/suggest.h — "did you mean ...?": the nearest known word by edit
 * distance (Damerau's optimal string alignment: insert, delete, substitute,
 * swap two neighbours), case-insensitive, so "remote_as", "remoteas",
 * "Remote-AS" and "reomte-as" all find "remote-as"; failing that, the one key
 * the word is the start of.
 */
#ifndef CONFIG_SUGGEST_H
#define CONFIG_SUGGEST_H

#include <stddef.h>

/* Words longer than this are never close to a key; bounds the work per call. */
#define SUGGEST_MAX_LEN 64

/* A word this long that starts exactly one key suggests it ("ipv4"). */
#define SUGGEST_MIN_PREFIX 3

/* Edit distance; SUGGEST_MAX_LEN + 1 when either word is longer than that. */
size_t suggest_distance(const char *a, const char *b);
/* The closest of cands (NULL entries skipped) when close enough to be a typo,
 * else NULL. Ties go to the earlier candidate. */
const char *suggest_nearest(const char *word, const char *const *cands, size_t n);

#endif
