/*
 * bgpd/privdrop.h — least privilege when started as root without systemd: once
 * the raw sockets, the kernel-RST guard and the control socket exist, become an
 * unprivileged user and keep only CAP_NET_RAW (raw sockets) and CAP_NET_ADMIN
 * (nftables guard updates for new listener ports, SO_MARK), nothing else.
 */
#ifndef BGPD_PRIVDROP_H
#define BGPD_PRIVDROP_H

#include <stddef.h>

/* 0 on success; -1 with a message. No-op (0) when already that user. */
int priv_drop(const char *user, char *err, size_t errlen);
/* "cap_net_admin,cap_net_raw=ep" or similar, for logs and tests. */
void priv_describe(char *buf, size_t len);

#endif /* BGPD_PRIVDROP_H */
