/* bgpd/nexthop.c — see nexthop.h. */
#include "bgpd/nexthop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NEXTHOP_PROBE_PORT 179      /* any port: connect() on UDP sends nothing */

static bool is_loopback(uint8_t af, const void *a)
{
	static const uint8_t loop6[16] = { [15] = 1 };
	if (af == 4)
		return ((const uint8_t *)a)[0] == 127;
	/* Byte compare: a next hop inside an attribute set has no alignment
	 * (IN6_IS_ADDR_LOOPBACK would read it as 32-bit words). */
	return memcmp(a, loop6, sizeof(loop6)) == 0;
}

/* Ask the kernel for a route to addr; false when there is none, or when the
 * source it would use is the address itself (it is ours). */
static bool kernel_route(uint8_t af, const uint8_t *addr)
{
	struct sockaddr_storage ss, src;
	socklen_t len, slen = sizeof(src);
	memset(&ss, 0, sizeof(ss));
	if (af == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(NEXTHOP_PROBE_PORT);
		memcpy(&sin->sin_addr, addr, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(NEXTHOP_PROBE_PORT);
		memcpy(&sin6->sin6_addr, addr, 16);
		len = sizeof(*sin6);
	}
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;            /* cannot tell: do not drop routes over it */
	bool ok = connect(fd, (struct sockaddr *)&ss, len) == 0;
	if (ok && getsockname(fd, (struct sockaddr *)&src, &slen) == 0) {
		/* The kernel picks the address itself as the source only when the
		 * address is local. */
		if (af == 4 && memcmp(&((struct sockaddr_in *)&src)->sin_addr, addr, 4) == 0)
			ok = false;
		if (af == 6 && memcmp(&((struct sockaddr_in6 *)&src)->sin6_addr, addr, 16) == 0)
			ok = false;
	}
	close(fd);
	return ok;
}

static size_t slot_of(uint8_t af, const uint8_t *addr)
{
	uint64_t h = 1469598103934665603ull ^ af;       /* FNV-1a */
	for (int i = 0; i < (af == 4 ? 4 : 16); i++)
		h = (h ^ addr[i]) * 1099511628211ull;
	return (size_t)(h & (NEXTHOP_CACHE_SIZE - 1));
}

bool nexthop_reachable(struct nexthop_cache *c, uint8_t af, const uint8_t *addr,
                       uint64_t now_ms)
{
	if (af != 4 && af != 6)
		return false;
	if (is_loopback(af, addr))
		return false;
	/* An IPv6 link-local next hop has no meaning without its link, which the
	 * session gives (RFC 2545 §3): it is on the peer's link by construction. */
	if (af == 6 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return true;
	c->lookups++;
	struct nexthop_entry *e = &c->e[slot_of(af, addr)];
	size_t n = af == 4 ? 4 : 16;
	if (e->af == af && memcmp(e->addr, addr, n) == 0 && now_ms < e->expires_ms)
		return e->reachable;
	c->misses++;
	e->af = af;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, addr, n);
	e->reachable = kernel_route(af, addr);
	e->expires_ms = now_ms + NEXTHOP_TTL_MS;
	return e->reachable;
}
