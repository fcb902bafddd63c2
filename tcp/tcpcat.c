/*
 * tcpcat — netcat on our userspace TCP stack.
 *
 *   tcpcat [options] ADDR PORT          connect; stdin to the peer, the peer to stdout
 *   tcpcat [options] -l LOCAL_ADDR PORT accept one connection (-k: keep accepting)
 *
 * EOF on stdin sends FIN. Exit 0 after a clean close of both directions; else a
 * one-line reason on stderr and: 1 connection failed (refused, reset, timed out),
 * 2 usage, 3 setup (privilege, link), 130 interrupted.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcp/link_raw.h"
#include "tcp/link_tun.h"
#include "tcp/md5.h"
#include "tcp/tcpev.h"

#define EXIT_CONN    1
#define EXIT_USAGE   2
#define EXIT_SETUP   3
#define EXIT_SIGNAL  130
#define IO_CHUNK     65536

struct cat {
	struct event_base *base;
	struct tcpev *ev;
	struct tcp_listener *l;
	struct tcp_conn *c;
	struct event *in_ev, *out_ev, *conn_timer;
	bool in_file, in_eof, in_waiting, out_blocked;
	bool peer_eof, fin_acked, done;
	int exit_code;
	char reason[256];
	/* options */
	bool listen, keep, stats, v6, v4;
	int wait_secs;
	const char *tun;
	unsigned mtu;
	tcp_time_t msl;
	struct tcp_sock_opts so;
	struct tcp_md5_keys *md5;
	unsigned conns_served;
	struct tcp_conn_stats last;
	bool have_last;
};

static struct cat *g_cat;   /* for the signal callbacks' context only */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tcpcat [options] ADDR PORT\n"
		"       tcpcat [options] -l LOCAL_ADDR PORT\n"
		"  -4 / -6           insist on IPv4 / IPv6 addresses (numeric only)\n"
		"  -s ADDR           local address (default: the route's source)\n"
		"  -l                listen on LOCAL_ADDR PORT, accept one connection\n"
		"  -k                with -l: keep accepting; each connection gets an immediate FIN\n"
		"                    and its data goes to stdout; SIGUSR1 prints stack statistics\n"
		"  -w SECS           give up connecting after SECS seconds\n"
		"  --stats           print the final statistics as one JSON object on stderr\n"
		"  --md5 KEY         TCP-MD5 (RFC 2385) with KEY\n"
		"  --gtsm [HOPS]     TTL security (RFC 5082): send TTL 255, accept >= 256-HOPS (1)\n"
		"  --tun IFNAME      use a TUN device instead of raw sockets (the stack then owns\n"
		"                    the local address; -s is required)\n"
		"  --mtu N           link MTU (default 1500)\n"
		"  --msl MS          maximum segment lifetime; TIME-WAIT lasts 2 x MSL\n"
		"  --nodelay         disable Nagle's algorithm\n");
}

static void finish(struct cat *k, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void finish(struct cat *k, int code, const char *fmt, ...)
{
	if (k->done)
		return;
	k->done = true;
	k->exit_code = code;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(k->reason, sizeof(k->reason), fmt, ap);
		va_end(ap);
	}
	event_base_loopbreak(k->base);
}

static json_t *stats_json(const struct tcp_conn_stats *st)
{
	char l[TCP_ADDRSTRLEN], r[TCP_ADDRSTRLEN];
	json_t *drops = json_object();
	for (int i = 0; i < TCP_DROP__COUNT; i++)
		if (st->drops[i])
			json_object_set_new(drops, tcp_drop_name((enum tcp_drop)i), json_integer((json_int_t)st->drops[i]));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:b, s:b, s:b}",
			      "state", tcp_state_name(st->state), "error", tcp_error_str(st->error),
			      "local", tcp_ep_str(&st->local, l, sizeof(l)),
			      "remote", tcp_ep_str(&st->remote, r, sizeof(r)),
			      "mss", (json_int_t)st->mss, "snd_wscale", (json_int_t)st->snd_wscale,
			      "rcv_wscale", (json_int_t)st->rcv_wscale, "timestamps", st->timestamps, "sack", st->sack,
			      "md5", st->md5);
	json_object_set_new(o, "srtt_us", json_integer((json_int_t)st->srtt));
	json_object_set_new(o, "rttvar_us", json_integer((json_int_t)st->rttvar));
	json_object_set_new(o, "rto_us", json_integer((json_int_t)st->rto));
	json_object_set_new(o, "cwnd", json_integer(st->cwnd));
	json_object_set_new(o, "ssthresh", json_integer(st->ssthresh));
	json_object_set_new(o, "snd_wnd", json_integer(st->snd_wnd));
	json_object_set_new(o, "rcv_wnd", json_integer(st->rcv_wnd));
	json_object_set_new(o, "bytes_sent", json_integer((json_int_t)st->bytes_sent));
	json_object_set_new(o, "bytes_retrans", json_integer((json_int_t)st->bytes_retrans));
	json_object_set_new(o, "bytes_acked", json_integer((json_int_t)st->bytes_acked));
	json_object_set_new(o, "bytes_received", json_integer((json_int_t)st->bytes_received));
	json_object_set_new(o, "segs_in", json_integer((json_int_t)st->segs_in));
	json_object_set_new(o, "segs_out", json_integer((json_int_t)st->segs_out));
	json_object_set_new(o, "retransmits", json_integer((json_int_t)st->retransmits));
	json_object_set_new(o, "rto_expiries", json_integer((json_int_t)st->rto_expiries));
	json_object_set_new(o, "fast_retransmits", json_integer((json_int_t)st->fast_retransmits));
	json_object_set_new(o, "dup_acks_in", json_integer((json_int_t)st->dup_acks_in));
	json_object_set_new(o, "zero_window_probes", json_integer((json_int_t)st->zero_window_probes));
	json_object_set_new(o, "challenge_acks", json_integer((json_int_t)st->challenge_acks));
	json_object_set_new(o, "ooo_segs", json_integer((json_int_t)st->ooo_segs));
	json_object_set_new(o, "tail_loss_probes", json_integer((json_int_t)st->tail_loss_probes));
	json_object_set_new(o, "lost_retransmits", json_integer((json_int_t)st->lost_rtx));
	json_object_set_new(o, "drops", drops);
	return o;
}

static json_t *stack_json(struct cat *k)
{
	struct tcp_stack_stats ss;
	tcp_stack_stats(tcpev_stack(k->ev), &ss);
	json_t *drops = json_object();
	for (int i = 0; i < TCP_DROP__COUNT; i++)
		if (ss.drops[i])
			json_object_set_new(drops, tcp_drop_name((enum tcp_drop)i), json_integer((json_int_t)ss.drops[i]));
	const struct tcp_link_stats *ls = &tcpev_link(k->ev)->stats;
	json_t *o = json_object();
	json_object_set_new(o, "segs_in", json_integer((json_int_t)ss.segs_in));
	json_object_set_new(o, "segs_out", json_integer((json_int_t)ss.segs_out));
	json_object_set_new(o, "rst_sent", json_integer((json_int_t)ss.rst_sent));
	json_object_set_new(o, "syncookies_sent", json_integer((json_int_t)ss.syncookies_sent));
	json_object_set_new(o, "syncookies_ok", json_integer((json_int_t)ss.syncookies_ok));
	json_object_set_new(o, "conns_opened", json_integer((json_int_t)ss.conns_opened));
	json_object_set_new(o, "conns_freed", json_integer((json_int_t)ss.conns_freed));
	json_object_set_new(o, "conns_live", json_integer(ss.conns_live));
	json_object_set_new(o, "conns_time_wait", json_integer(ss.conns_time_wait));
	json_object_set_new(o, "listeners", json_integer(ss.listeners));
	json_object_set_new(o, "conns_served", json_integer(k->conns_served));
	json_object_set_new(o, "drops", drops);
	json_object_set_new(o, "link_rx_packets", json_integer((json_int_t)ls->rx_packets));
	json_object_set_new(o, "link_tx_packets", json_integer((json_int_t)ls->tx_packets));
	json_object_set_new(o, "link_rx_syscalls", json_integer((json_int_t)ls->rx_syscalls));
	json_object_set_new(o, "link_tx_syscalls", json_integer((json_int_t)ls->tx_syscalls));
	return o;
}

static void print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	if (s) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
	json_decref(o);
}

static void print_stats(struct cat *k)
{
	json_t *o = k->have_last ? stats_json(&k->last) : json_object();
	json_object_set_new(o, "stack", stack_json(k));
	print_json(o);
}

static void snapshot(struct cat *k)
{
	if (k->c) {
		tcp_conn_stats(k->c, &k->last);
		k->have_last = true;
	}
}

/* ---- stdout: what the peer sent ---- */

static void flush_out(struct cat *k)
{
	while (k->c && !k->out_blocked) {
		const uint8_t *p1, *p2;
		size_t l1, l2;
		if (tcp_recv_peek(k->c, &p1, &l1, &p2, &l2) == 0)
			break;
		ssize_t w = write(STDOUT_FILENO, p1, l1);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				k->out_blocked = true;
				event_add(k->out_ev, NULL);
				return;
			}
			finish(k, EXIT_CONN, "write to stdout: %s", strerror(errno));
			return;
		}
		tcpev_consume(k->ev, k->c, (size_t)w);
	}
}

static void on_stdout_writable(evutil_socket_t fd, short what, void *arg)
{
	struct cat *k = arg;
	k->out_blocked = false;
	flush_out(k);
}

/* ---- stdin: what we send ---- */

static void check_done(struct cat *k);

static void pump_in(struct cat *k)
{
	static uint8_t buf[IO_CHUNK];
	while (k->c && !k->in_eof) {
		size_t space = tcp_conn_sendspace(k->c);
		if (space == 0) {
			k->in_waiting = true;  /* TCP_EV_WRITABLE resumes us */
			if (!k->in_file)
				event_del(k->in_ev);
			return;
		}
		ssize_t r = read(STDIN_FILENO, buf, space < sizeof(buf) ? space : sizeof(buf));
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				if (!k->in_file)
					event_add(k->in_ev, NULL);
				return;
			}
			finish(k, EXIT_CONN, "read from stdin: %s", strerror(errno));
			return;
		}
		if (r == 0) {
			k->in_eof = true;
			if (!k->in_file)
				event_del(k->in_ev);
			tcpev_shutdown(k->ev, k->c);
			check_done(k);
			return;
		}
		tcpev_send(k->ev, k->c, buf, (size_t)r);
		if (k->in_file) {
			/* Regular files cannot be polled: come back on the next loop turn
			 * so the stack's own events interleave with reading. */
			event_active(k->in_ev, EV_READ, 0);
			return;
		}
	}
}

static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
	pump_in(arg);
}

static void start_stdin(struct cat *k)
{
	if (k->in_file)
		event_active(k->in_ev, EV_READ, 0);
	else
		event_add(k->in_ev, NULL);
}

/* ---- the connection ---- */

static void check_done(struct cat *k)
{
	if (!k->c || k->done)
		return;
	if (k->in_eof && k->fin_acked && k->peer_eof && tcp_conn_recvq(k->c) == 0) {
		snapshot(k);
		finish(k, 0, NULL);
	}
}

static void on_conn(struct tcp_conn *c, unsigned ev, void *arg)
{
	struct cat *k = arg;
	if (ev & TCP_EV_CONNECTED) {
		if (k->conn_timer)
			event_del(k->conn_timer);
		start_stdin(k);
	}
	if (ev & TCP_EV_READABLE)
		flush_out(k);
	if (ev & TCP_EV_EOF) {
		k->peer_eof = true;
		flush_out(k);
	}
	if (ev & TCP_EV_WRITABLE && k->in_waiting) {
		k->in_waiting = false;
		start_stdin(k);
	}
	if (ev & TCP_EV_FIN_ACKED)
		k->fin_acked = true;
	if (ev & TCP_EV_CLOSED) {
		snapshot(k);
		enum tcp_error e = tcp_conn_error(c);
		if (e != TCP_ERR_NONE) {
			finish(k, EXIT_CONN, "%s", tcp_error_str(e));
			return;
		}
		k->fin_acked = k->peer_eof = true;
	}
	check_done(k);
}

/* -k: a sink that closes its side at once and writes what arrives. */
struct sink {
	struct cat *k;
	struct tcp_conn *c;
};

static void on_sink(struct tcp_conn *c, unsigned ev, void *arg)
{
	struct sink *s = arg;
	uint8_t buf[IO_CHUNK];
	size_t n;
	while ((n = tcpev_recv(s->k->ev, c, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, n) < 0)
			break;
	if ((ev & TCP_EV_CLOSED) || (ev & TCP_EV_EOF)) {
		tcpev_close(s->k->ev, c);
		free(s);
	}
}

static void on_accept(struct tcp_listener *l, void *arg)
{
	struct cat *k = arg;
	struct tcp_conn *c;
	while ((c = tcp_accept(l))) {
		k->conns_served++;
		if (k->keep) {
			struct sink *s = calloc(1, sizeof(*s));
			if (!s) {
				tcpev_abort(k->ev, c);
				continue;
			}
			s->k = k;
			s->c = c;
			tcp_conn_set_cb(c, on_sink, s);
			tcpev_shutdown(k->ev, c);
			continue;
		}
		k->c = c;
		tcp_conn_set_cb(c, on_conn, k);
		tcpev_listener_close(k->ev, l);
		k->l = NULL;
		start_stdin(k);
		return;
	}
}

static void on_conn_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct cat *k = arg;
	finish(k, EXIT_CONN, "connection timed out (-w %d)", k->wait_secs);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct cat *k = arg;
	if (sig == SIGUSR1) {
		print_json(stack_json(k));
		return;
	}
	snapshot(k);
	finish(k, EXIT_SIGNAL, "interrupted");
}

/* The source address the kernel would use towards dst (no packet is sent:
 * connect() on a UDP socket only consults the routing table). */
static int route_source(const struct tcp_endpoint *dst, struct tcp_ip *src)
{
	struct sockaddr_storage ss, ls;
	socklen_t sl = tcp_ep_to_sockaddr(dst, &ss, sizeof(ss));
	int fd = socket(dst->ip.af == TCP_AF_INET6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	socklen_t ll = sizeof(ls);
	int r = connect(fd, (struct sockaddr *)&ss, sl);
	if (r == 0)
		r = getsockname(fd, (struct sockaddr *)&ls, &ll);
	close(fd);
	if (r < 0)
		return -1;
	struct tcp_endpoint ep;
	if (tcp_ep_from_sockaddr((struct sockaddr *)&ls, &ep) < 0)
		return -1;
	*src = ep.ip;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int open_link(struct cat *k, int af, const struct tcp_config *cfg, struct tcp_link **out,
		     char *err, size_t errlen)
{
	if (k->tun) {
		struct tcp_link_tun_opts to = { .mtu = k->mtu };
		return tcp_link_tun_open(k->tun, &to, out, err, errlen);
	}
	struct tcp_link_raw_opts ro = {
		.families = af == TCP_AF_INET6 ? TCP_LINK_RAW_V6 : TCP_LINK_RAW_V4,
		.port_lo = cfg->port_lo,
		.port_hi = cfg->port_hi,
		.mtu = k->mtu,
	};
	return tcp_link_raw_open(&ro, out, err, errlen);
}

int main(int argc, char **argv)
{
	struct cat k;
	memset(&k, 0, sizeof(k));
	g_cat = &k;
	const char *src = NULL, *md5key = NULL;
	enum { O_STATS = 256, O_MD5, O_GTSM, O_TUN, O_MTU, O_MSL, O_NODELAY, O_HELP };
	static const struct option lopts[] = {
		{ "stats", no_argument, NULL, O_STATS },
		{ "md5", required_argument, NULL, O_MD5 },
		{ "gtsm", optional_argument, NULL, O_GTSM },
		{ "tun", required_argument, NULL, O_TUN },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "msl", required_argument, NULL, O_MSL },
		{ "nodelay", no_argument, NULL, O_NODELAY },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "46s:lkw:h", lopts, NULL)) != -1) {
		switch (opt) {
		case '4': k.v4 = true; break;
		case '6': k.v6 = true; break;
		case 's': src = optarg; break;
		case 'l': k.listen = true; break;
		case 'k': k.keep = true; break;
		case 'w': k.wait_secs = atoi(optarg); break;
		case O_STATS: k.stats = true; break;
		case O_MD5: md5key = optarg; break;
		case O_GTSM: {
			/* getopt hands an optional argument only as --gtsm=N; also take
			 * "--gtsm N" when the next word is a small number. */
			const char *a = optarg;
			if (!a && optind < argc && argc - optind > 2 && strspn(argv[optind], "0123456789") == strlen(argv[optind]))
				a = argv[optind++];
			int h = a ? atoi(a) : 1;
			if (h < 1 || h > 254) {
				fprintf(stderr, "tcpcat: --gtsm hops must be 1..254\n");
				return EXIT_USAGE;
			}
			k.so.gtsm_hops = (uint8_t)h;
			break;
		}
		case O_TUN: k.tun = optarg; break;
		case O_MTU: k.mtu = (unsigned)atoi(optarg); break;
		case O_MSL: k.msl = TCP_MSEC(strtoull(optarg, NULL, 10)); break;
		case O_NODELAY: k.so.nodelay = true; break;
		case 'h':
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || (k.keep && !k.listen)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	struct tcp_endpoint peer = { 0 }, local = { 0 };
	uint16_t port;
	if (parse_port(argv[optind + 1], &port) < 0) {
		fprintf(stderr, "tcpcat: bad port '%s'\n", argv[optind + 1]);
		return EXIT_USAGE;
	}
	struct tcp_ip addr;
	if (tcp_ip_parse(argv[optind], &addr) < 0) {
		fprintf(stderr, "tcpcat: bad address '%s' (numeric IPv4 or IPv6 only)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if ((k.v6 && addr.af != TCP_AF_INET6) || (k.v4 && addr.af != TCP_AF_INET)) {
		fprintf(stderr, "tcpcat: '%s' is not an IPv%d address\n", argv[optind], k.v6 ? 6 : 4);
		return EXIT_USAGE;
	}
	if (k.listen) {
		local.ip = addr;
		local.port = port;
	} else {
		peer.ip = addr;
		peer.port = port;
		if (src) {
			if (tcp_ip_parse(src, &local.ip) < 0 || local.ip.af != addr.af) {
				fprintf(stderr, "tcpcat: bad local address '%s'\n", src);
				return EXIT_USAGE;
			}
		} else if (k.tun) {
			fprintf(stderr, "tcpcat: --tun needs -s LOCAL_ADDR (the stack's own address)\n");
			return EXIT_USAGE;
		} else if (route_source(&peer, &local.ip) < 0) {
			fprintf(stderr, "tcpcat: no route to %s\n", argv[optind]);
			return EXIT_CONN;
		}
	}
	if (md5key) {
		size_t kl = strlen(md5key);
		struct tcp_ip any = { .af = addr.af };
		k.md5 = tcp_md5_keys_new();
		/* Connecting: the key is the peer's. Listening: every peer must sign. */
		if (!k.md5 || kl == 0 || kl > TCP_MD5_MAXKEYLEN ||
		    tcp_md5_keys_add(k.md5, k.listen ? &any : &peer.ip, k.listen ? 0 : (unsigned)tcp_ip_len(&addr) * 8,
				     md5key, kl) < 0) {
			fprintf(stderr, "tcpcat: --md5 key must be 1..%d bytes\n", TCP_MD5_MAXKEYLEN);
			return EXIT_USAGE;
		}
		k.so.md5 = k.md5;
	}

	struct tcp_config cfg;
	tcp_config_default(&cfg);
	cfg.shared_host = k.tun == NULL;
	if (k.msl)
		cfg.msl = k.msl;
	char err[512];
	struct tcp_link *link = NULL;
	if (open_link(&k, addr.af, &cfg, &link, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcpcat: %s\n", err);
		return EXIT_SETUP;
	}
	k.base = event_base_new();
	if (!k.base) {
		fprintf(stderr, "tcpcat: cannot create the event loop\n");
		tcp_link_close(link);
		return EXIT_SETUP;
	}
	k.ev = tcpev_new(k.base, link, &cfg, err, sizeof(err));
	if (!k.ev) {
		fprintf(stderr, "tcpcat: %s\n", err);
		tcp_link_close(link);
		return EXIT_SETUP;
	}
	struct stat sb;
	k.in_file = fstat(STDIN_FILENO, &sb) == 0 && !S_ISFIFO(sb.st_mode) && !S_ISSOCK(sb.st_mode) &&
		    !S_ISCHR(sb.st_mode);
	if (!k.in_file)
		fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISCHR(sb.st_mode) && isatty(STDIN_FILENO) == 0)
		k.in_file = true;       /* /dev/null and friends read like files */
	if (k.in_file)
		k.in_ev = event_new(k.base, -1, 0, on_stdin, &k);
	else
		k.in_ev = event_new(k.base, STDIN_FILENO, EV_READ | EV_PERSIST, on_stdin, &k);
	k.out_ev = event_new(k.base, STDOUT_FILENO, EV_WRITE, on_stdout_writable, &k);
	int out_flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (fstat(STDOUT_FILENO, &sb) == 0 && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode)))
		fcntl(STDOUT_FILENO, F_SETFL, out_flags | O_NONBLOCK);
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1 };
	struct event *sigev[4];
	for (int i = 0; i < 4; i++) {
		sigev[i] = evsignal_new(k.base, sigs[i], on_signal, &k);
		event_add(sigev[i], NULL);
	}
	signal(SIGPIPE, SIG_IGN);

	int e = 0;
	if (k.listen) {
		k.l = tcpev_listen(k.ev, &local, 16, &k.so, on_accept, &k, &e);
		if (!k.l) {
			fprintf(stderr, "tcpcat: listen on %s port %u: %s\n", argv[optind], port, strerror(e));
			return EXIT_SETUP;
		}
	} else {
		k.c = tcpev_connect(k.ev, &local, &peer, &k.so, on_conn, &k, &e);
		if (!k.c) {
			fprintf(stderr, "tcpcat: connect: %s\n", strerror(e));
			return EXIT_SETUP;
		}
		if (k.wait_secs > 0) {
			struct timeval tv = { k.wait_secs, 0 };
			k.conn_timer = evtimer_new(k.base, on_conn_timeout, &k);
			evtimer_add(k.conn_timer, &tv);
		}
	}
	event_base_dispatch(k.base);

	if (k.stats)
		print_stats(&k);
	if (k.exit_code && k.reason[0])
		fprintf(stderr, "tcpcat: %s\n", k.reason);
	if (k.c)
		tcpev_close(k.ev, k.c);
	if (k.l)
		tcpev_listener_close(k.ev, k.l);
	fcntl(STDOUT_FILENO, F_SETFL, out_flags);
	for (int i = 0; i < 4; i++)
		event_free(sigev[i]);
	event_free(k.in_ev);
	event_free(k.out_ev);
	if (k.conn_timer)
		event_free(k.conn_timer);
	tcpev_free(k.ev);
	tcp_md5_keys_free(k.md5);
	event_base_free(k.base);
	return k.exit_code;
}
