/* bgpd/privdrop.c — see privdrop.h. */
#include "bgpd/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

static const cap_value_t kept[] = { CAP_NET_RAW, CAP_NET_ADMIN };
#define N_KEPT (sizeof(kept) / sizeof(kept[0]))

int priv_drop(const char *user, char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -1;
	}
	if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid)
		return 0;
	if (geteuid() != 0) {
		snprintf(err, errlen, "cannot become '%s': not started as root", user);
		return -1;
	}
	/* Keep the permitted set across setuid, then trim it to what we need. */
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 ||
	    setgroups(1, &pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0) {
		snprintf(err, errlen, "cannot become '%s': %s", user, strerror(errno));
		return -1;
	}
	cap_t caps = cap_init();
	if (!caps || cap_set_flag(caps, CAP_PERMITTED, N_KEPT, kept, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, N_KEPT, kept, CAP_SET) < 0 || cap_set_proc(caps) < 0) {
		snprintf(err, errlen, "cannot keep CAP_NET_RAW/CAP_NET_ADMIN: %s", strerror(errno));
		if (caps)
			cap_free(caps);
		return -1;
	}
	cap_free(caps);
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	/* No way back up, whatever we might exec. */
	prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L);
	/* Check: neither setuid(0) nor a capability outside the two must work. */
	if (setuid(0) == 0 || geteuid() == 0) {
		snprintf(err, errlen, "privilege drop did not take");
		return -1;
	}
	return 0;
}

void priv_describe(char *buf, size_t len)
{
	cap_t caps = cap_get_proc();
	char *text = caps ? cap_to_text(caps, NULL) : NULL;
	snprintf(buf, len, "uid %u gid %u, capabilities %s", (unsigned)getuid(), (unsigned)getgid(),
		 text ? text : "?");
	if (text)
		cap_free(text);
	if (caps)
		cap_free(caps);
}
