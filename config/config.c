/* config/config.c — the life of a struct bgpd_config: freeing and lookups. */
#include <stdlib.h>
#include <string.h>

#include "config/schema.h"

void network_clear(struct config_network *n)
{
	free(n->communities.v);
	free(n->large_communities.v);
	memset(n, 0, sizeof(*n));
}

void config_free(struct bgpd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_neighbors; i++) {
		free(cfg->neighbors[i].peer_group);
		peer_clear(&cfg->neighbors[i].s);
	}
	for (size_t i = 0; i < cfg->n_peer_groups; i++) {
		free(cfg->peer_groups[i].name);
		peer_clear(&cfg->peer_groups[i].s);
	}
	for (size_t i = 0; i < cfg->n_policies; i++)
		policy_clear(&cfg->policies[i]);
	for (size_t i = 0; i < cfg->n_networks; i++)
		network_clear(&cfg->networks[i]);
	free(cfg->neighbors);
	free(cfg->peer_groups);
	free(cfg->policies);
	free(cfg->networks);
	free(cfg->listen.v);
	free(cfg->control_socket);
	free(cfg->control_socket_group);
	free(cfg->source);
	free(cfg);
}

const struct config_neighbor *config_find_neighbor(const struct bgpd_config *cfg,
						   const struct config_addr *addr)
{
	for (size_t i = 0; i < cfg->n_neighbors; i++)
		if (config_addr_equal(&cfg->neighbors[i].address, addr))
			return &cfg->neighbors[i];
	return NULL;
}

const struct config_policy *config_find_policy(const struct bgpd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_policies; i++)
		if (strcmp(cfg->policies[i].name, name) == 0)
			return &cfg->policies[i];
	return NULL;
}

const struct config_peer_group *config_find_peer_group(const struct bgpd_config *cfg,
						       const char *name)
{
	for (size_t i = 0; i < cfg->n_peer_groups; i++)
		if (strcmp(cfg->peer_groups[i].name, name) == 0)
			return &cfg->peer_groups[i];
	return NULL;
}

bool config_neighbor_is_ibgp(const struct bgpd_config *cfg, const struct config_neighbor *nb)
{
	return nb->s.remote_as == cfg->local_as;
}
