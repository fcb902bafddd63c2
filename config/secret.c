/*
 * config/secret.c — password-file: the TCP-MD5 key kept out of the config.
 *
 * The file is opened once and checked through its descriptor (no window
 * between a stat and the read). It must be a regular file that neither group
 * nor others may read or write: a key the whole host can read is no secret.
 * One trailing newline (LF or CRLF) is dropped, as editors add one. Messages
 * name the path, never the contents.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/mem.h"
#include "config/schema.h"

/* A key is at most 80 bytes; anything much bigger is the wrong file. */
#define SECRET_FILE_MAX 4096

static char *resolve(const struct walk *w, const char *path)
{
	if (path[0] == '/' || !w->base_dir)
		return cfg_strdup(path);
	return cfg_asprintf("%s/%s", w->base_dir, path);
}

/* Read the whole (small) file; -1 with errno, or -2 when larger than max. */
static ssize_t read_all(int fd, char *buf, size_t max)
{
	size_t got = 0;

	for (;;) {
		ssize_t r = read(fd, buf + got, max + 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return (ssize_t)got;
		got += (size_t)r;
		if (got > max)
			return -2;
	}
}

static bool check_and_read(struct walk *w, struct config_pos pos, const char *shown, int fd,
			   char **out)
{
	char buf[SECRET_FILE_MAX + 1];
	struct stat st;
	ssize_t len;

	if (fstat(fd, &st) < 0) {
		walk_error_pos(w, pos, "password-file: cannot stat %s: %s", shown, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		walk_error_pos(w, pos, "password-file: %s is not a regular file", shown);
		return false;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		walk_error_pos(w, pos,
			       "password-file: %s must be accessible only by its owner, but its mode is %04o; run chmod 600",
			       shown, (unsigned)(st.st_mode & 07777));
		return false;
	}
	len = read_all(fd, buf, SECRET_FILE_MAX);
	if (len == -2 || (len >= 0 && (size_t)len > SECRET_FILE_MAX)) {
		walk_error_pos(w, pos, "password-file: %s is larger than %d bytes", shown,
			       SECRET_FILE_MAX);
		return false;
	}
	if (len < 0) {
		walk_error_pos(w, pos, "password-file: cannot read %s: %s", shown, strerror(errno));
		return false;
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (len == 0)
		walk_error_pos(w, pos, "password-file: %s is empty", shown);
	else if (strlen(buf) != (size_t)len)
		walk_error_pos(w, pos, "password-file: %s contains a NUL byte", shown);
	else if ((size_t)len > CONFIG_TCP_MD5_MAX_KEY)
		walk_error_pos(w, pos, "password-file: the key in %s is longer than %d bytes (TCP-MD5 limit)",
			       shown, CONFIG_TCP_MD5_MAX_KEY);
	else {
		free(*out);
		*out = cfg_strndup(buf, (size_t)len);
	}
	explicit_bzero(buf, sizeof(buf));
	return *out != NULL;
}

bool secret_read(struct walk *w, struct config_pos pos, const char *path, char **out)
{
	char shown[WALK_DESCRIBE_LEN];
	char *full;
	bool ok;
	int fd;

	walk_quote(path, shown, sizeof(shown));
	if (w->flags & CONFIG_LOAD_NO_FILES) {
		walk_error_pos(w, pos, "password-file: reading files is disabled for this load");
		return false;
	}
	full = resolve(w, path);
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		walk_error_pos(w, pos, "password-file: cannot open %s: %s", shown, strerror(errno));
		free(full);
		return false;
	}
	ok = check_and_read(w, pos, shown, fd, out);
	close(fd);
	free(full);
	return ok;
}
