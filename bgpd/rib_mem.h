/*
 * bgpd/rib_mem.h — the large blocks behind the RIB's slabs and hash tables.
 *
 * A million-route table is built from fresh memory, and each first touch of a
 * fresh page is a page fault: on a virtual machine a trap costly enough to be
 * half the time of inserting a route (measured with tests/tools/rib_bench).
 * Large blocks are therefore mapped with their pages populated up front (one
 * system call instead of a fault per 4 KiB page); small ones come from
 * malloc. Either way the block is zeroed.
 */
#ifndef BGPD_RIB_MEM_H
#define BGPD_RIB_MEM_H

#include <stddef.h>

/* size octets, zeroed; NULL on ENOMEM (or size 0). */
void *rib_mem_alloc(size_t size);
/* A block from rib_mem_alloc, with the size it was asked with (NULL ok). */
void rib_mem_free(void *p, size_t size);

#endif /* BGPD_RIB_MEM_H */
