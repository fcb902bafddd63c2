/*
 * config/schema.h — the loader's stages after YAML, for config/load.c.
 *
 *   schema.c    top-level keys, listen, control-socket, logging, timers, networks
 *   peer.c      neighbours and peer groups: one key table for both
 *   policy.c    policies, terms, match and then
 *   secret.c    password-file
 *   validate.c  whole-file checks and peer-group inheritance
 *   config.c    freeing and lookups
 */
#ifndef CONFIG_SCHEMA_H
#define CONFIG_SCHEMA_H

#include <stdbool.h>

#include "config/config.h"
#include "config/walk.h"
#include "config/yaml.h"

/* schema.c: fill w->cfg from the document root (NULL for an empty file). */
void schema_read(struct walk *w, const struct ynode *root);

/* peer.c */
/* One setting into p; false (and an error) when the value is bad. */
bool peer_read_field(struct walk *w, enum config_peer_field f, const struct ynode *value,
		     struct config_peer *p);
void peer_read_neighbors(struct walk *w, const struct ynode *list);
void peer_read_groups(struct walk *w, const struct ynode *map);
/* Copy field f from src to dst (strings duplicated). */
void peer_copy_field(struct config_peer *dst, const struct config_peer *src,
		     enum config_peer_field f);
bool peer_field_equal(const struct config_peer *a, const struct config_peer *b,
		      enum config_peer_field f);
void peer_clear(struct config_peer *p);

/* policy.c */
void policy_read_all(struct walk *w, const struct ynode *map);
/* Same effect on routes (names and positions aside). */
bool policy_equal(const struct config_policy *a, const struct config_policy *b);
void policy_clear(struct config_policy *p);

/* secret.c: read a password-file into *out, or report why not at pos. */
bool secret_read(struct walk *w, struct config_pos pos, const char *path, char **out);

/* validate.c: runs after schema_read. */
void validate_config(struct walk *w);

/* config.c */
void network_clear(struct config_network *n);

#endif
