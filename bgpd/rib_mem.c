/*
 * bgpd/rib_mem.c — see rib_mem.h.
 */
#include "bgpd/rib_mem.h"

#include <stdlib.h>
#include <sys/mman.h>

/* From here on a block is mapped (and pre-faulted) rather than malloc'd. */
#define RIB_MEM_MAP_MIN ((size_t)64 * 1024)

void *rib_mem_alloc(size_t size)
{
	void *p;

	if (size == 0)
		return NULL;
	if (size < RIB_MEM_MAP_MIN)
		return calloc(1, size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
	         -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void rib_mem_free(void *p, size_t size)
{
	if (!p)
		return;
	if (size < RIB_MEM_MAP_MIN)
		free(p);
	else
		munmap(p, size);
}
