/* bgpd/daemon_ctl.c — the control-socket commands (filled in with the control server). */
#include "bgpd/daemon.h"

#include <stdio.h>

int bgpd_control_init(struct bgpd *d, char *err, size_t errlen) { return 0; }
