/*
 * bgpd — a BGP-4 speaker on its own userspace TCP stack.
 *
 *   bgpd -c FILE           run in the foreground (as systemd and tests want it)
 *   bgpd -c FILE --check   validate the configuration and exit
 *
 * SIGTERM/SIGINT: Cease/Administrative Shutdown with a message (RFC 9003) to
 * every peer, a moment for the NOTIFICATIONs to be delivered, then exit 0.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bgpd/daemon.h"
#include "bgpd/log.h"
#include "bgpd/privdrop.h"
#include "bgpd/sdnotify.h"
#include "config/config.h"

#define SHUTDOWN_GRACE_MS 3000      /* for NOTIFICATIONs and FINs to be acknowledged */
#define SHUTDOWN_POLL_MS  50

static void usage(FILE *f)
{
	fprintf(f, "usage: bgpd -c FILE [--check] [-v] [-d] [-u USER]\n"
		   "  -c, --config FILE  the YAML configuration (see bgpd.yaml(5))\n"
		   "  -u, --user USER    started as root: once the sockets are open, become USER\n"
		   "                     keeping only CAP_NET_RAW and CAP_NET_ADMIN\n"
		   "      --check        validate the configuration, print problems, exit 0/1\n"
		   "  -v, --verbose      with --check: print the configuration as understood\n"
		   "  -d, --debug        log at debug level\n");
}

struct run {
	struct bgpd d;
	struct event *sigs[4];
	struct event *shutdown_poll;
	struct event *watchdog;
	struct timeval watchdog_tv;
	uint64_t shutdown_start;
	const char *stop_message;
};

static void on_shutdown_poll(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	if (bgpd_all_closed(&r->d) || bgpd_now_ms() - r->shutdown_start >= SHUTDOWN_GRACE_MS) {
		event_base_loopexit(r->d.base, NULL);
		return;
	}
	struct timeval tv = { 0, SHUTDOWN_POLL_MS * 1000 };
	evtimer_add(r->shutdown_poll, &tv);
}

static void begin_shutdown(struct run *r, const char *why)
{
	if (r->d.shutting_down)
		return;
	log_msg(LOG_NOTICE, "%s: shutting down, sending Cease to every peer", why);
	sd_notify_send("STOPPING=1\nSTATUS=sending Cease to every peer");
	r->shutdown_start = bgpd_now_ms();
	bgpd_stop_peers(&r->d, r->stop_message);
	on_shutdown_poll(-1, 0, r);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run *r = arg;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		begin_shutdown(r, sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	case SIGHUP: {
		char err[2048];
		char *summary = NULL;
		sd_notifyf("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading", (unsigned long long)tcpev_now());
		if (bgpd_reload(&r->d, err, sizeof(err), &summary) < 0)
			log_msg(LOG_ERR, "reload failed, the running configuration is kept: %s", err);
		else
			log_msg(LOG_NOTICE, "configuration reloaded%s%s", summary ? ": " : "", summary ? summary : "");
		sd_notify_send("READY=1\nSTATUS=running");
		free(summary);
		break;
	}
	default:
		break;
	}
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	/* The loop turned: we are alive (sd_watchdog_enabled(3): ping at half). */
	sd_notify_send("WATCHDOG=1");
	evtimer_add(r->watchdog, &r->watchdog_tv);
}

static int load(const char *path, struct bgpd_config **cfg)
{
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	if (config_load_file(path, cfg, &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i].text);
		config_errors_free(&errs);
		return -1;
	}
	config_errors_free(&errs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *user = NULL;
	bool check = false, verbose = false, debug = false;
	static const struct option lopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:vdhu:", lopts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'C': check = true; break;
		case 'v': verbose = true; break;
		case 'd': debug = true; break;
		case 'u': user = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	struct bgpd_config *cfg = NULL;
	if (load(path, &cfg) < 0)
		return 1;
	if (check) {
		if (verbose)
			config_dump(cfg, stdout);
		fprintf(stderr, "%s: configuration OK (%zu neighbors)\n", path, cfg->n_neighbors);
		config_free(cfg);
		return 0;
	}

	log_init("bgpd", cfg->log_dest == CONFIG_LOG_SYSLOG ? LOG_TO_SYSLOG : LOG_TO_STDERR,
		 debug ? LOG_DEBUG : cfg->log_level, cfg->log_facility);
	signal(SIGPIPE, SIG_IGN);

	static struct run r;
	memset(&r, 0, sizeof(r));
	r.stop_message = "bgpd is shutting down";
	r.d.config_path = path;
	r.d.base = event_base_new();
	if (!r.d.base) {
		log_msg(LOG_ERR, "cannot create the event loop");
		return 1;
	}
	if (getrandom(&r.d.seed, sizeof(r.d.seed), 0) != sizeof(r.d.seed))
		r.d.seed = (uint64_t)bgpd_now_ms();
	char err[512] = "";
	int rc = 0;
	if (bgpd_start(&r.d, cfg, err, sizeof(err)) < 0 || bgpd_control_init(&r.d, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "%s", err);
		rc = 1;
		goto out;
	}
	if (user) {
		if (priv_drop(user, err, sizeof(err)) < 0) {
			log_msg(LOG_ERR, "%s", err);
			rc = 1;
			goto out;
		}
		char who[256];
		priv_describe(who, sizeof(who));
		log_msg(LOG_INFO, "running as %s (%s)", user, who);
	}
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	for (int i = 0; i < 3; i++) {
		r.sigs[i] = evsignal_new(r.d.base, sigs[i], on_signal, &r);
		event_add(r.sigs[i], NULL);
	}
	r.shutdown_poll = evtimer_new(r.d.base, on_shutdown_poll, &r);
	log_msg(LOG_NOTICE, "started: router-id %u.%u.%u.%u, AS %u, %zu neighbors",
		cfg->router_id >> 24, (cfg->router_id >> 16) & 0xff, (cfg->router_id >> 8) & 0xff,
		cfg->router_id & 0xff, cfg->local_as, cfg->n_neighbors);
	uint64_t wd = sd_watchdog_usec();
	if (wd) {
		r.watchdog_tv.tv_sec = (time_t)(wd / 2 / 1000000);
		r.watchdog_tv.tv_usec = (suseconds_t)(wd / 2 % 1000000);
		r.watchdog = evtimer_new(r.d.base, on_watchdog, &r);
		evtimer_add(r.watchdog, &r.watchdog_tv);
	}
	sd_notifyf("READY=1\nSTATUS=running: %zu neighbors", cfg->n_neighbors);
	event_base_dispatch(r.d.base);
	log_msg(LOG_NOTICE, "stopped");
out:
	for (int i = 0; i < 3; i++)
		if (r.sigs[i])
			event_free(r.sigs[i]);
	if (r.shutdown_poll)
		event_free(r.shutdown_poll);
	if (r.watchdog)
		event_free(r.watchdog);
	bgpd_free(&r.d);
	/* Sessions freed above finish on the loop's next turn. */
	event_base_loop(r.d.base, EVLOOP_NONBLOCK);
	event_base_free(r.d.base);
	config_free(r.d.cfg ? r.d.cfg : cfg);
	return rc;
}
