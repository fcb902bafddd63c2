/* config/suggest.c — nearest-key suggestions (see suggest.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "config/suggest.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

static int fold(char c)
{
	return tolower((unsigned char)c);
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* three rows of the dynamic-programming table: i-2, i-1, i */
	size_t rows[3][SUGGEST_MAX_LEN + 1];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SUGGEST_MAX_LEN + 1;
	for (size_t j = 0; j <= lb; j++)
		rows[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		/* row i lives in rows[i % 3]: i-1 is (i + 2) % 3, i-2 is (i + 1) % 3 */
		size_t *cur = rows[i % 3], *prev = rows[(i + 2) % 3], *prev2 = rows[(i + 1) % 3];
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
	}
	return rows[la % 3][lb];
}

/* How many edits still look like a typo of a word this long. */
static size_t typo_budget(size_t len)
{
	if (len <= 3)
		return 1;
	if (len <= 7)
		return 2;
	return 3;
}

/* The one candidate that starts with word ("ipv4" for "ipv4-unicast"), if unique. */
static const char *unique_prefix_of(const char *word, const char *const *cands, size_t n)
{
	const char *found = NULL;
	size_t wlen = strlen(word);

	if (wlen < SUGGEST_MIN_PREFIX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!cands[i] || strlen(cands[i]) <= wlen || strncasecmp(cands[i], word, wlen) != 0)
			continue;
		if (found)
			return NULL;
		found = cands[i];
	}
	return found;
}

const char *suggest_nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = SUGGEST_MAX_LEN + 1;
	size_t wlen = strlen(word);

	for (size_t i = 0; i < n; i++) {
		size_t d;
		size_t clen;
		if (!cands[i])
			continue;
		/* the distance is at least the difference in length: skip the far ones */
		clen = strlen(cands[i]);
		if ((clen > wlen ? clen - wlen : wlen - clen) > typo_budget(clen))
			continue;
		d = suggest_distance(word, cands[i]);
		if (d < best_d && d <= typo_budget(clen) && d < wlen) {
			best = cands[i];
			best_d = d;
		}
	}
	return best ? best : unique_prefix_of(word, cands, n);
}
