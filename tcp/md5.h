/*
 * tcp/md5.h — TCP-MD5 signatures (RFC 2385) computed by our stack with OpenSSL's
 * libcrypto, so they work the same whatever the kernel.
 *
 * Keys are kept per peer prefix (longest match wins), as Linux's
 * TCP_MD5SIG_EXT allows: a listener answers a SYN only when it is signed with
 * the key for its source; a connection copies its key at birth and keeps it for
 * life, so rolling a listener's keys only affects new connections.
 */
#ifndef TCP_MD5_H
#define TCP_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "tcp/addr.h"
#include "tcp/drop.h"

#define TCP_MD5_MAXKEYLEN 80        /* as Linux's TCP_MD5SIG_MAXKEYLEN */

struct tcp_md5_key {
	struct tcp_ip prefix;
	uint8_t plen;
	uint8_t keylen;
	uint8_t key[TCP_MD5_MAXKEYLEN];
};

struct tcp_md5_keys {
	unsigned n, cap;
	struct tcp_md5_key *k;
};

struct tcp_seg;
struct tcp_conn;

struct tcp_md5_keys *tcp_md5_keys_new(void);
void tcp_md5_keys_free(struct tcp_md5_keys *keys);
/* Add or replace the key of a prefix (plen 32/128 for one host). 0, or -1 when
 * the key is empty, longer than 80 bytes, or memory runs out. */
int tcp_md5_keys_add(struct tcp_md5_keys *keys, const struct tcp_ip *prefix, unsigned plen,
		     const void *key, size_t keylen);
int tcp_md5_keys_del(struct tcp_md5_keys *keys, const struct tcp_ip *prefix, unsigned plen);
/* The key for an address (longest prefix), or NULL. keys may be NULL. */
const struct tcp_md5_key *tcp_md5_keys_lookup(const struct tcp_md5_keys *keys,
					      const struct tcp_ip *addr);

/* RFC 2385 §2.0: the digest of a segment. tcph points at the TCP header of
 * tcp_len bytes (header, options, data); hdr_len is the data offset in bytes. */
void tcp_md5_digest(const struct tcp_ip *src, const struct tcp_ip *dst, const uint8_t *tcph,
		    size_t tcp_len, size_t hdr_len, const uint8_t *key, size_t keylen,
		    uint8_t out[16]);
/* Sign a datagram tcp_build() made (digest at md5_off from the TCP header),
 * then set its TCP checksum. */
void tcp_md5_sign(uint8_t *pkt, size_t len, uint16_t md5_off, const uint8_t *key, size_t keylen);
/* RFC 2385 §3.0: 0 when the segment may be processed, -1 (with the reason:
 * MD5_NOTFOUND / MD5_UNEXPECTED / MD5_FAILURE) when it must be dropped.
 * key NULL means no key applies. Compared in constant time. */
int tcp_md5_verify(const struct tcp_seg *seg, const uint8_t *key, size_t keylen,
		   enum tcp_drop *why);
int tcp_md5_verify_conn(const struct tcp_conn *c, const struct tcp_seg *seg, enum tcp_drop *why);

#endif /* TCP_MD5_H */
