/* tcp/link_tun.c — a TUN device as the stack's link (see link_tun.h). */
#include "tcp/link_tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp/guard.h"

#define TUN_MTU_DEFAULT 1500

struct tun_link {
	struct tcp_link link;       /* first: the handle the stack holds */
	int fd;
	unsigned mtu;
	char name[IFNAMSIZ];
	uint8_t buf[TCP_LINK_MAX_DGRAM];
};

static struct tun_link *tun_of(struct tcp_link *l)
{
	return (struct tun_link *)l;
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int tun_poll_rx(struct tcp_link *l, int fd, tcp_link_deliver_fn deliver, void *ctx,
		       unsigned max)
{
	struct tun_link *t = tun_of(l);
	if (fd != t->fd)
		return -EBADF;
	int delivered = 0;
	unsigned seen = 0;
	while (seen < max) {
		ssize_t n = read(t->fd, t->buf, sizeof(t->buf));
		l->stats.rx_syscalls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			l->stats.rx_errors++;
			if (delivered == 0)
				return -errno;
			break;
		}
		if (n == 0)
			break;
		seen++;
		l->stats.rx_packets++;
		l->stats.rx_bytes += (uint64_t)n;
		deliver(ctx, t->buf, (size_t)n);
		delivered++;
	}
	return delivered;
}

static int tun_send(struct tcp_link *l, const uint8_t *pkt, size_t len)
{
	struct tun_link *t = tun_of(l);
	ssize_t n;
	do {
		n = write(t->fd, pkt, len);
		l->stats.tx_syscalls++;
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* EIO: the device is down; EAGAIN: its queue is full. TCP resends. */
		l->stats.tx_errors++;
		return -errno;
	}
	l->stats.tx_packets++;
	l->stats.tx_bytes += len;
	return 0;
}

static int tun_send_batch(struct tcp_link *l, const uint8_t *const *pkts, const size_t *lens,
			  unsigned n)
{
	unsigned sent = 0;
	int lasterr = 0;
	for (unsigned i = 0; i < n; i++) {
		int e = tun_send(l, pkts[i], lens[i]);
		if (e == 0)
			sent++;
		else
			lasterr = e;
	}
	return sent || !lasterr ? (int)sent : lasterr;
}

static int tun_fds(struct tcp_link *l, int *fds, int max)
{
	if (max < 1)
		return 0;
	fds[0] = tun_of(l)->fd;
	return 1;
}

/* The kernel does not own our address: nothing to keep away from our ports. */
static int tun_claim_port(struct tcp_link *l, uint16_t port)
{
	return 0;
}

static void tun_release_port(struct tcp_link *l, uint16_t port)
{
}

static unsigned tun_mtu(struct tcp_link *l)
{
	return tun_of(l)->mtu;
}

static void tun_close(struct tcp_link *l)
{
	struct tun_link *t = tun_of(l);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}

static const struct tcp_link_ops tun_ops = {
	.name = "tun",
	.send = tun_send,
	.send_batch = tun_send_batch,
	.poll_rx = tun_poll_rx,
	.fds = tun_fds,
	.claim_port = tun_claim_port,
	.release_port = tun_release_port,
	.mtu = tun_mtu,
	.close = tun_close,
};

const char *tcp_link_tun_name(struct tcp_link *l)
{
	return l->ops == &tun_ops ? tun_of(l)->name : "";
}

/* netdevice(7) ioctls want some socket; any family will do. */
static int ifreq_sock(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return s;
}

static int dev_setup(struct tun_link *t, const struct tcp_link_tun_opts *o, char *err,
		     size_t errlen)
{
	int s = ifreq_sock();
	if (s < 0) {
		seterr(err, errlen, "tun %s: socket: %s", t->name, strerror(errno));
		return -errno;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	int e = 0;
	if (o && o->up) {
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
			e = -errno;
			seterr(err, errlen, "tun %s: SIOCGIFFLAGS: %s", t->name, strerror(-e));
			goto out;
		}
		if (!(ifr.ifr_flags & IFF_UP)) {
			ifr.ifr_flags |= IFF_UP;
			if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
				e = -errno;
				char what[64];
				snprintf(what, sizeof(what), "setting tun %s up", t->name);
				if (e == -EPERM || e == -EACCES)
					tcp_priv_error(err, errlen, what, -e, "CAP_NET_ADMIN");
				else
					seterr(err, errlen, "%s: %s", what, strerror(-e));
				goto out;
			}
		}
	}
	if (o && o->mtu) {
		t->mtu = o->mtu;
	} else if (ioctl(s, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0) {
		t->mtu = (unsigned)ifr.ifr_mtu;
	} else {
		t->mtu = TUN_MTU_DEFAULT;
	}
out:
	close(s);
	return e;
}

int tcp_link_tun_open(const char *name, const struct tcp_link_tun_opts *o,
		      struct tcp_link **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!name || strlen(name) >= IFNAMSIZ) {
		seterr(err, errlen, "tun: bad device name '%s' (at most %d characters)",
		       name ? name : "", IFNAMSIZ - 1);
		return -EINVAL;
	}
	struct tun_link *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->link.ops = &tun_ops;
	t->fd = open(TCP_LINK_TUN_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENODEV)
			seterr(err, errlen, "%s: %s — the tun driver is missing (modprobe tun)",
			       TCP_LINK_TUN_DEV, strerror(e));
		else
			seterr(err, errlen, "%s: %s", TCP_LINK_TUN_DEV, strerror(e));
		free(t);
		return -e;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(t->fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;
		char what[64];
		snprintf(what, sizeof(what), "TUNSETIFF %s", name);
		if (e == EPERM || e == EACCES) {
			/* Creating needs CAP_NET_ADMIN; attaching to an existing device
			 * needs it too unless the device's owner/group is ours. */
			tcp_priv_error(err, errlen, what, e, "CAP_NET_ADMIN");
			size_t n = err ? strnlen(err, errlen) : 0;
			if (n < errlen)
				snprintf(err + n, errlen - n, "; or make the device for this user "
					 "first: ip tuntap add dev %s mode tun user USER", name);
		} else if (e == EBUSY)
			seterr(err, errlen, "%s: %s — another process has the device attached",
			       what, strerror(e));
		else if (e == EINVAL)
			seterr(err, errlen, "%s: %s — a device of that name exists and is not "
			       "a single-queue tun (a tap, or multi_queue?)", what, strerror(e));
		else
			seterr(err, errlen, "%s: %s", what, strerror(e));
		tun_close(&t->link);
		return -e;
	}
	snprintf(t->name, sizeof(t->name), "%s", ifr.ifr_name);
	int e = dev_setup(t, o, err, errlen);
	if (e < 0) {
		tun_close(&t->link);
		return e;
	}
	*out = &t->link;
	return 0;
}
