/*
 * bgpd/sdnotify.h — the service manager's notification protocol (sd_notify(3)):
 * one datagram of "KEY=VALUE" lines to the UNIX socket named in $NOTIFY_SOCKET
 * (a leading '@' means the abstract namespace). Written here rather than
 * linking libsystemd: it is a dozen lines, and without $NOTIFY_SOCKET it does
 * nothing, so the daemon runs the same under any supervisor.
 */
#ifndef BGPD_SDNOTIFY_H
#define BGPD_SDNOTIFY_H

#include <stdint.h>

/* Send a state string ("READY=1\nSTATUS=..."). 0 sent, 1 no socket, -1 error. */
int sd_notify_send(const char *state);
int sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The watchdog interval systemd asked for ($WATCHDOG_USEC, for our pid), or 0. */
uint64_t sd_watchdog_usec(void);

#endif /* BGPD_SDNOTIFY_H */
