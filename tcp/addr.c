/* tcp/addr.c — parsing and formatting of addresses and endpoints. */
#include "tcp/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

int tcp_ip_parse(const char *s, struct tcp_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->af = TCP_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->af = TCP_AF_INET6;
		return 0;
	}
	return -1;
}

const char *tcp_ip_str(const struct tcp_ip *ip, char *buf, size_t len)
{
	int af = ip->af == TCP_AF_INET6 ? AF_INET6 : AF_INET;
	if (ip->af == 0 || !inet_ntop(af, ip->a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *tcp_ep_str(const struct tcp_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	tcp_ip_str(&ep->ip, a, sizeof(a));
	if (ep->ip.af == TCP_AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, ep->port);
	else
		snprintf(buf, len, "%s:%u", a, ep->port);
	return buf;
}

int tcp_ep_from_sockaddr(const struct sockaddr *sa, struct tcp_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		ep->ip.af = TCP_AF_INET;
		memcpy(ep->ip.a, &s4->sin_addr, 4);
		ep->port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		ep->ip.af = TCP_AF_INET6;
		memcpy(ep->ip.a, &s6->sin6_addr, 16);
		ep->port = ntohs(s6->sin6_port);
		return 0;
	}
	return -1;
}

size_t tcp_ep_to_sockaddr(const struct tcp_endpoint *ep, void *ss, size_t sslen)
{
	if (ep->ip.af == TCP_AF_INET && sslen >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in *s4 = ss;
		memset(s4, 0, sizeof(*s4));
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ep->ip.a, 4);
		s4->sin_port = htons(ep->port);
		return sizeof(*s4);
	}
	if (ep->ip.af == TCP_AF_INET6 && sslen >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *s6 = ss;
		memset(s6, 0, sizeof(*s6));
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ep->ip.a, 16);
		s6->sin6_port = htons(ep->port);
		return sizeof(*s6);
	}
	return 0;
}
