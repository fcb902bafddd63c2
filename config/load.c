/*
 * config/load.c — the entry points: file or buffer in, validated config or a
 * complete list of errors out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/mem.h"
#include "config/schema.h"
#include "config/yaml.h"

static int load(const char *name, const char *buf, size_t len, unsigned flags,
		const char *base_dir, struct bgpd_config **out, struct config_errors *errs)
{
	struct bgpd_config *cfg;
	struct ynode *root;
	size_t before = errs->n;
	bool fatal;

	*out = NULL;
	if (len > CONFIG_MAX_INPUT) {
		config_errors_add(errs, name, 0, 0, "larger than %u bytes; refusing to parse",
				  CONFIG_MAX_INPUT);
		return -1;
	}
	cfg = cfg_calloc(1, sizeof(*cfg));
	cfg->source = cfg_strdup(name);
	/* libyaml asserts on a NULL input even when the length is 0 */
	root = yaml_load(name, buf ? buf : "", buf ? len : 0, errs, &fatal);
	if (!fatal) {
		struct walk w = { .file = name, .errs = errs, .cfg = cfg, .flags = flags,
				  .base_dir = base_dir };
		schema_read(&w, root);
		validate_config(&w);
	}
	ynode_free(root);
	if (fatal || errs->n > before || errs->truncated) {
		config_errors_finish(errs, name);
		config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

int config_load_buffer(const char *name, const char *buf, size_t len,
		       const struct config_load_opts *opts, struct bgpd_config **out,
		       struct config_errors *errs)
{
	unsigned flags = opts ? opts->flags : 0;
	const char *base = opts && opts->base_dir ? opts->base_dir : ".";

	return load(name ? name : "<config>", buf, len, flags, base, out, errs);
}

/* The directory a file is in, for relative password-file paths. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return cfg_strdup(".");
	if (slash == path)
		return cfg_strdup("/");
	return cfg_strndup(path, (size_t)(slash - path));
}

/* Read at most CONFIG_MAX_INPUT + 1 bytes so an oversized file is reported. */
static char *read_file(const char *path, size_t *len, struct config_errors *errs)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		config_errors_add(errs, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		config_errors_add(errs, path, 0, 0, "cannot read: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		config_errors_add(errs, path, 0, 0, "cannot read: it is a directory");
		close(fd);
		return NULL;
	}
	buf = cfg_calloc(CONFIG_MAX_INPUT + 2, 1);
	for (;;) {
		ssize_t r = read(fd, buf + got, CONFIG_MAX_INPUT + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			config_errors_add(errs, path, 0, 0, "cannot read: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)r;
		if (r == 0 || got > CONFIG_MAX_INPUT)
			break;
	}
	close(fd);
	*len = got;
	return buf;
}

int config_load_file(const char *path, struct bgpd_config **out, struct config_errors *errs)
{
	size_t len = 0;
	char *buf, *dir;
	int rc;

	*out = NULL;
	buf = read_file(path, &len, errs);
	if (!buf)
		return -1;
	dir = dir_of(path);
	rc = load(path, buf, len, 0, dir, out, errs);
	free(dir);
	free(buf);
	return rc;
}
