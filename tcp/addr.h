/*
 * tcp/addr.h — IP addresses and TCP endpoints, for both families.
 *
 * An address is kept in network byte order in a 16-byte array; IPv4 uses the
 * first four bytes and leaves the rest zero, so equality is one memcmp.
 */
#ifndef TCP_ADDR_H
#define TCP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TCP_AF_INET  4
#define TCP_AF_INET6 6

struct tcp_ip {
	uint8_t af;          /* TCP_AF_INET or TCP_AF_INET6; 0 = unset */
	uint8_t a[16];
};

struct tcp_endpoint {
	struct tcp_ip ip;
	uint16_t port;       /* host byte order */
};

#define TCP_ADDRSTRLEN 64    /* "[ffff:...:ffff]:65535" fits */

static inline size_t tcp_ip_len(const struct tcp_ip *ip)
{
	return ip->af == TCP_AF_INET6 ? 16 : 4;
}

static inline bool tcp_ip_eq(const struct tcp_ip *x, const struct tcp_ip *y)
{
	return x->af == y->af && memcmp(x->a, y->a, 16) == 0;
}

/* The unspecified address (0.0.0.0 or ::) of a family: a wildcard for listeners. */
static inline bool tcp_ip_is_any(const struct tcp_ip *ip)
{
	static const uint8_t zero[16];
	return memcmp(ip->a, zero, 16) == 0;
}

static inline bool tcp_ep_eq(const struct tcp_endpoint *x, const struct tcp_endpoint *y)
{
	return x->port == y->port && tcp_ip_eq(&x->ip, &y->ip);
}

/* Parse "192.0.2.1" or "2001:db8::1" (no port). 0 on success, -1 otherwise. */
int tcp_ip_parse(const char *s, struct tcp_ip *out);
/* Format an address; returns buf. */
const char *tcp_ip_str(const struct tcp_ip *ip, char *buf, size_t len);
/* Format "192.0.2.1:179" or "[2001:db8::1]:179"; returns buf. */
const char *tcp_ep_str(const struct tcp_endpoint *ep, char *buf, size_t len);
/* Build from / convert to a sockaddr (struct sockaddr_in / sockaddr_in6). */
struct sockaddr;
int tcp_ep_from_sockaddr(const struct sockaddr *sa, struct tcp_endpoint *ep);
size_t tcp_ep_to_sockaddr(const struct tcp_endpoint *ep, void *ss, size_t sslen);

#endif /* TCP_ADDR_H */
