/* tcp/guard.c — the kernel-RST guard (see guard.h for the why). */
#include "tcp/guard.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <limits.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define GUARD_CHAIN "out"
#define GUARD_SET "claimed"
#define GUARD_NAME_MAX 96
#define GUARD_CMD_MAX 2048
#define PROC_PORT_RANGE "/proc/sys/net/ipv4/ip_local_port_range"
#define PROC_RESERVED "/proc/sys/net/ipv4/ip_local_reserved_ports"
#define PROC_STAT_STARTTIME 22      /* proc(5): field 22 of /proc/PID/stat */

struct guard_port {
	uint16_t port;
	int fd4, fd6;               /* reservation sockets, -1: none */
};

struct tcp_guard {
	struct nft_ctx *nft;
	char table[GUARD_NAME_MAX];
	struct tcp_guard_opts o;
	bool owned;
	struct guard_port *ports;
	unsigned nports, cap;
	struct tcp_guard *next;     /* the process's open guards (tcp_guard_close_all) */
};

static struct tcp_guard *guards;
static unsigned guard_seq;      /* tells apart several guards of one process */

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

void tcp_priv_error(char *err, size_t errlen, const char *what, int errnum, const char *cap)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		snprintf(exe, sizeof(exe), "BINARY");
	else
		exe[n] = '\0';
	seterr(err, errlen,
	       "%s: %s — needs %s (run as root or grant it: setcap cap_net_raw,cap_net_admin+ep %s)",
	       what, strerror(errnum), cap, exe);
}

/* ---- who owns a table: pid, start time and pid namespace ---- */

/* The start time of a process in clock ticks since boot (proc(5) field 22):
 * with the pid it names one process for good, even after the pid is reused. */
static int proc_starttime(long pid, unsigned long long *out)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and parentheses: fields resume after the
	 * last ')'. Field 3 (state) follows it. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	p++;
	for (int field = 3; field < PROC_STAT_STARTTIME; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	char *end;
	errno = 0;
	*out = strtoull(p + 1, &end, 10);
	return errno || end == p + 1 ? -EINVAL : 0;
}

static unsigned long long pidns_id(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* "ustack_guard_<pid>_<start>_<pidns>[_<seq>]" -> the owner. */
static bool parse_table_name(const char *name, long *pid, unsigned long long *start,
			     unsigned long long *ns)
{
	size_t plen = strlen(TCP_GUARD_PREFIX);
	if (strncmp(name, TCP_GUARD_PREFIX, plen) != 0)
		return false;
	return sscanf(name + plen, "%ld_%llu_%llu", pid, start, ns) == 3 && *pid > 0;
}

/* ---- libnftables ---- */

static struct nft_ctx *nft_open(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft)
		return NULL;
	/* Buffer what nft prints so that errors become our messages, not stderr. */
	if (nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		nft_ctx_free(nft);
		return NULL;
	}
	return nft;
}

/* The errno an nft error message stands for, as far as we need to tell. */
static int nft_errno(const char *msg)
{
	if (strstr(msg, "Operation not permitted"))
		return EPERM;
	if (strstr(msg, "Operation not supported"))
		return EOPNOTSUPP;
	if (strstr(msg, "No such file or directory"))
		return ENOENT;
	if (strstr(msg, "File exists"))
		return EEXIST;
	return EIO;
}

/* Run commands; 0 or -errno, with nft's first error line in err. */
static int nft_run(struct nft_ctx *nft, const char *cmd, char *err, size_t errlen)
{
	if (nft_run_cmd_from_buffer(nft, cmd) == 0)
		return 0;
	const char *msg = nft_ctx_get_error_buffer(nft);
	if (!msg || !*msg)
		msg = "nftables: command failed";
	int e = nft_errno(msg);
	if (e == EPERM) {
		tcp_priv_error(err, errlen, "nftables", EPERM, "CAP_NET_ADMIN");
	} else {
		const char *nl = strchr(msg, '\n');
		int n = nl ? (int)(nl - msg) : (int)strlen(msg);
		seterr(err, errlen, "nftables: %.*s", n, msg);
	}
	return -e;
}

/* ---- leftovers ---- */

int tcp_guard_sweep(char *err, size_t errlen)
{
	struct nft_ctx *nft = nft_open();
	if (!nft) {
		seterr(err, errlen, "nftables: cannot create a context (out of memory)");
		return -ENOMEM;
	}
	int r = nft_run(nft, "list tables inet\n", err, errlen);
	if (r < 0) {
		nft_ctx_free(nft);
		return r;
	}
	char *list = strdup(nft_ctx_get_output_buffer(nft));
	if (!list) {
		nft_ctx_free(nft);
		return -ENOMEM;
	}
	unsigned long long myns = pidns_id();
	int deleted = 0;
	char *save = NULL;
	for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[GUARD_NAME_MAX];
		long pid;
		unsigned long long start, ns, now;
		if (sscanf(line, "table inet %95s", name) != 1 ||
		    !parse_table_name(name, &pid, &start, &ns))
			continue;
		/* Another pid namespace's pids mean nothing here: leave its tables. */
		if (ns != myns)
			continue;
		if (proc_starttime(pid, &now) == 0 && now == start)
			continue;   /* the owner still runs (or it is one of ours) */
		char cmd[GUARD_NAME_MAX + 32];
		snprintf(cmd, sizeof(cmd), "delete table inet %s\n", name);
		/* An owned table of a live socket refuses (EPERM): then it is not a
		 * leftover after all; a table gone meanwhile (ENOENT) is fine. */
		if (nft_run(nft, cmd, NULL, 0) == 0)
			deleted++;
	}
	free(list);
	nft_ctx_free(nft);
	return deleted;
}

/* ---- the kernel's own ephemeral ports ---- */

/* Parse "a-b,c,d-e" (ip_local_reserved_ports) and say whether every port of
 * [lo, hi] is in it. */
static bool reserved_covers(const char *list, unsigned lo, unsigned hi)
{
	uint8_t res[65536 / 8] = { 0 };
	const char *p = list;
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			break;
		p = end;
		if (*p == '-') {
			b = strtoul(p + 1, &end, 10);
			p = end;
		}
		for (unsigned long q = a; q <= b && q < 65536; q++)
			res[q / 8] |= (uint8_t)(1u << (q % 8));
		while (*p == ',' || *p == ' ' || *p == '\n')
			p++;
	}
	for (unsigned q = lo; q <= hi; q++)
		if (!(res[q / 8] & (1u << (q % 8))))
			return false;
	return true;
}

/* The kernel gives ports of ip_local_port_range to its own connect()s; ours
 * must stay out of it (or be reserved there), see guard.h. */
static int check_range(unsigned lo, unsigned hi, char *err, size_t errlen)
{
	FILE *f = fopen(PROC_PORT_RANGE, "re");
	if (!f)
		return 0;   /* no /proc: nothing to check against */
	unsigned klo, khi;
	int n = fscanf(f, "%u %u", &klo, &khi);
	fclose(f);
	if (n != 2)
		return 0;
	unsigned olo = lo > klo ? lo : klo, ohi = hi < khi ? hi : khi;
	if (olo > ohi)
		return 0;
	char res[4096] = "";
	f = fopen(PROC_RESERVED, "re");
	if (f) {
		if (!fgets(res, sizeof(res), f))
			res[0] = '\0';
		fclose(f);
	}
	if (reserved_covers(res, olo, ohi))
		return 0;
	seterr(err, errlen,
	       "ephemeral ports %u-%u overlap the kernel's net.ipv4.ip_local_port_range %u-%u: "
	       "the kernel could give ports %u-%u to its own connections, whose RSTs the guard "
	       "would drop; pick a disjoint range or reserve it "
	       "(sysctl -w net.ipv4.ip_local_reserved_ports=%u-%u)",
	       lo, hi, klo, khi, olo, ohi, olo, ohi);
	return -EADDRINUSE;
}

/* ---- open / close ---- */

static int install(struct tcp_guard *g, bool owner, char *err, size_t errlen)
{
	char range[160] = "";
	if (g->o.port_lo)
		snprintf(range, sizeof(range),
			 "\t\ttcp flags & rst == rst meta mark != 0x%08" PRIx32
			 " tcp sport %u-%u counter drop\n",
			 g->o.mark, g->o.port_lo, g->o.port_hi);
	char cmd[GUARD_CMD_MAX];
	snprintf(cmd, sizeof(cmd),
		 "table inet %s {\n"
		 "%s"
		 "\tcomment \"kernel-RST guard of a userspace TCP stack (pid %ld)\"\n"
		 "\tset " GUARD_SET " { type inet_service; }\n"
		 "\tchain " GUARD_CHAIN " {\n"
		 "\t\ttype filter hook output priority raw; policy accept;\n"
		 "%s"
		 "\t\ttcp flags & rst == rst meta mark != 0x%08" PRIx32
		 " tcp sport @" GUARD_SET " counter drop\n"
		 "\t}\n"
		 "}\n",
		 g->table, owner ? "\tflags owner\n" : "", (long)getpid(), range, g->o.mark);
	return nft_run(g->nft, cmd, err, errlen);
}

/* Whether this process holds capability cap (linux/capability.h numbering) in
 * its effective set, from /proc/self/status (proc(5): CapEff). Unknown: true,
 * and the operation itself will tell. */
static bool have_cap(unsigned cap)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return true;
	char line[256];
	bool have = true;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long eff;
		if (sscanf(line, "CapEff: %llx", &eff) == 1) {
			have = (eff >> cap) & 1;
			break;
		}
	}
	fclose(f);
	return have;
}

int tcp_guard_open(const struct tcp_guard_opts *o, struct tcp_guard **out, char *err,
		   size_t errlen)
{
	*out = NULL;
	/* Checked first because libnftables itself prints "(you must be root)" on
	 * stderr when the kernel refuses; our message says what to do. */
	if (!have_cap(CAP_NET_ADMIN)) {
		tcp_priv_error(err, errlen, "nftables", EPERM, "CAP_NET_ADMIN");
		return -EPERM;
	}
	if (o->port_lo && o->port_hi < o->port_lo) {
		seterr(err, errlen, "guard: bad ephemeral range %u-%u", o->port_lo, o->port_hi);
		return -EINVAL;
	}
	int r;
	if (o->port_lo && (r = check_range(o->port_lo, o->port_hi, err, errlen)) < 0)
		return r;
	r = tcp_guard_sweep(err, errlen);
	if (r < 0)
		return r;

	struct tcp_guard *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->o = *o;
	unsigned long long start = 0;
	proc_starttime(getpid(), &start);
	int n = snprintf(g->table, sizeof(g->table), TCP_GUARD_PREFIX "%ld_%llu_%llu",
			 (long)getpid(), start, pidns_id());
	if (guard_seq)
		snprintf(g->table + n, sizeof(g->table) - (size_t)n, "_%u", guard_seq);
	guard_seq++;

	g->nft = nft_open();
	if (!g->nft) {
		free(g);
		seterr(err, errlen, "nftables: cannot create a context (out of memory)");
		return -ENOMEM;
	}
	g->owned = !o->no_owner;
	r = install(g, g->owned, err, errlen);
	if (r == -EOPNOTSUPP && g->owned) {
		/* Linux < 5.12 has no NFT_TABLE_F_OWNER: a crash will leave the table
		 * for the next start's sweep. */
		g->owned = false;
		r = install(g, false, err, errlen);
	}
	if (r < 0) {
		nft_ctx_free(g->nft);
		free(g);
		return r;
	}
	g->next = guards;
	guards = g;
	*out = g;
	return 0;
}

static void unreserve(struct guard_port *p)
{
	if (p->fd4 >= 0)
		close(p->fd4);
	if (p->fd6 >= 0)
		close(p->fd6);
	p->fd4 = p->fd6 = -1;
}

void tcp_guard_close(struct tcp_guard *g)
{
	if (!g)
		return;
	for (struct tcp_guard **pp = &guards; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	char cmd[GUARD_NAME_MAX + 32];
	snprintf(cmd, sizeof(cmd), "delete table inet %s\n", g->table);
	nft_run(g->nft, cmd, NULL, 0);
	nft_ctx_free(g->nft);   /* closes the netlink socket: an owned table goes anyway */
	for (unsigned i = 0; i < g->nports; i++)
		unreserve(&g->ports[i]);
	free(g->ports);
	free(g);
}

void tcp_guard_close_all(void)
{
	while (guards)
		tcp_guard_close(guards);
}

const char *tcp_guard_table(const struct tcp_guard *g)
{
	return g->table;
}

bool tcp_guard_owned(const struct tcp_guard *g)
{
	return g->owned;
}

/* ---- claimed ports ---- */

/* A TCP socket bound to the wildcard address and the port, never listening:
 * the port is ours in the kernel's bind table. No SO_REUSEADDR: it must fail
 * against any socket bound there. */
static int reserve_one(int af, uint16_t port, int *fdp)
{
	*fdp = -1;
	int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return errno == EAFNOSUPPORT ? 0 : -errno;   /* family disabled: nothing to hold */
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int r;
	if (af == AF_INET6) {
		int on = 1;   /* IPv4 is the other socket's business */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		r = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	} else {
		r = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (r < 0) {
		int e = errno;
		close(fd);
		/* Ports below 1024 need CAP_NET_BIND_SERVICE to bind; the reservation
		 * is a safety net, not what makes the stack work: go on without it. */
		return e == EACCES ? 0 : -e;
	}
	*fdp = fd;
	return 0;
}

int tcp_guard_add_port(struct tcp_guard *g, uint16_t port, char *err, size_t errlen)
{
	for (unsigned i = 0; i < g->nports; i++)
		if (g->ports[i].port == port)
			return 0;
	if (g->nports >= TCP_GUARD_MAX_PORTS) {
		seterr(err, errlen, "guard: more than %d claimed ports", TCP_GUARD_MAX_PORTS);
		return -ENOSPC;
	}
	if (g->nports == g->cap) {
		unsigned ncap = g->cap ? g->cap * 2 : 8;
		struct guard_port *np = realloc(g->ports, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		g->ports = np;
		g->cap = ncap;
	}
	struct guard_port p = { .port = port, .fd4 = -1, .fd6 = -1 };
	int r = 0;
	if (g->o.v4)
		r = reserve_one(AF_INET, port, &p.fd4);
	if (r == 0 && g->o.v6)
		r = reserve_one(AF_INET6, port, &p.fd6);
	if (r < 0) {
		unreserve(&p);
		if (r == -EADDRINUSE)
			seterr(err, errlen,
			       "port %u is in use by a kernel socket: another program is bound to "
			       "or listens on it (ss -tanp 'sport = :%u')", port, port);
		else
			seterr(err, errlen, "reserving port %u: %s", port, strerror(-r));
		return r;
	}
	char cmd[GUARD_NAME_MAX + 64];
	snprintf(cmd, sizeof(cmd), "add element inet %s " GUARD_SET " { %u }\n", g->table, port);
	r = nft_run(g->nft, cmd, err, errlen);
	if (r < 0) {
		unreserve(&p);
		return r;
	}
	g->ports[g->nports++] = p;
	return 0;
}

void tcp_guard_del_port(struct tcp_guard *g, uint16_t port)
{
	for (unsigned i = 0; i < g->nports; i++) {
		if (g->ports[i].port != port)
			continue;
		char cmd[GUARD_NAME_MAX + 64];
		snprintf(cmd, sizeof(cmd), "delete element inet %s " GUARD_SET " { %u }\n",
			 g->table, port);
		nft_run(g->nft, cmd, NULL, 0);
		unreserve(&g->ports[i]);
		g->ports[i] = g->ports[--g->nports];
		return;
	}
}

int tcp_guard_dropped(struct tcp_guard *g, uint64_t *packets)
{
	char cmd[GUARD_NAME_MAX + 48];
	snprintf(cmd, sizeof(cmd), "list chain inet %s " GUARD_CHAIN "\n", g->table);
	int r = nft_run(g->nft, cmd, NULL, 0);
	if (r < 0)
		return r;
	uint64_t sum = 0;
	const char *p = nft_ctx_get_output_buffer(g->nft);
	while (p && (p = strstr(p, "counter packets ")) != NULL) {
		p += strlen("counter packets ");
		sum += strtoull(p, NULL, 10);
	}
	*packets = sum;
	return 0;
}
