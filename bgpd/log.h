/*
 * bgpd/log.h — the daemon's log: levels (syslog's), to stderr or syslog, a
 * per-peer variant that prefixes the neighbour's address, and a rate-limited
 * variant for lines a peer can provoke at will (so it cannot flood the log).
 */
#ifndef BGPD_LOG_H
#define BGPD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

enum log_dest { LOG_TO_STDERR, LOG_TO_SYSLOG };

void log_init(const char *ident, enum log_dest dest, int level, int facility);
void log_set_level(int level);
int log_get_level(void);
bool log_enabled(int level);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* "neighbor 192.0.2.1: ..." */
void log_peer(int level, const char *peer, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A token bucket per call site: at most `burst` lines, refilled at `per_sec`;
 * lines dropped meanwhile are counted and reported with the next one. */
struct log_ratelimit {
	uint64_t last_ms;
	double tokens;
	unsigned burst, per_sec;
	unsigned dropped;
};
#define LOG_RATELIMIT_INIT(burst, per_sec) { 0, (double)(burst), (burst), (per_sec), 0 }
void log_peer_rl(struct log_ratelimit *rl, uint64_t now_ms, int level, const char *peer,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif /* BGPD_LOG_H */
