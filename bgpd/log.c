/* bgpd/log.c — see log.h. */
#include "bgpd/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_dest dest = LOG_TO_STDERR;
static int max_level = LOG_INFO;
static const char *ident_name = "bgpd";

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG: return "emerg";
	case LOG_ALERT: return "alert";
	case LOG_CRIT: return "crit";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void log_init(const char *ident, enum log_dest d, int level, int facility)
{
	ident_name = ident;
	dest = d;
	max_level = level;
	if (dest == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void log_set_level(int level) { max_level = level; }
int log_get_level(void) { return max_level; }
bool log_enabled(int level) { return level <= max_level; }

void log_vmsg(int level, const char *fmt, va_list ap)
{
	if (level > max_level)
		return;
	if (dest == LOG_TO_SYSLOG) {
		vsyslog(level, fmt, ap);
		return;
	}
	char ts[32];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	char line[2048];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s.%03ld %s[%s]: %s\n", ts, now.tv_nsec / 1000000, ident_name,
		level_name(level), line);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void log_peer(int level, const char *peer, const char *fmt, ...)
{
	if (level > max_level)
		return;
	char line[1800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_msg(level, "neighbor %s: %s", peer, line);
}

void log_peer_rl(struct log_ratelimit *rl, uint64_t now_ms, int level, const char *peer,
		 const char *fmt, ...)
{
	if (level > max_level)
		return;
	if (rl->last_ms) {
		rl->tokens += (double)(now_ms - rl->last_ms) * rl->per_sec / 1000.0;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
	}
	rl->last_ms = now_ms;
	if (rl->tokens < 1.0) {
		rl->dropped++;
		return;
	}
	rl->tokens -= 1.0;
	char line[1800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (rl->dropped) {
		log_msg(level, "neighbor %s: %s (%u similar lines suppressed)", peer, line, rl->dropped);
		rl->dropped = 0;
	} else {
		log_msg(level, "neighbor %s: %s", peer, line);
	}
}
