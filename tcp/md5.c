/* tcp/md5.c — RFC 2385 signing and verification, and the per-prefix key table. */
#include "tcp/md5.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/internal.h"

struct tcp_md5_keys *tcp_md5_keys_new(void)
{
	return calloc(1, sizeof(struct tcp_md5_keys));
}

void tcp_md5_keys_free(struct tcp_md5_keys *keys)
{
	if (!keys)
		return;
	if (keys->k)
		OPENSSL_cleanse(keys->k, keys->cap * sizeof(*keys->k));
	free(keys->k);
	free(keys);
}

static void mask_prefix(struct tcp_ip *ip, unsigned plen)
{
	unsigned bits = (unsigned)tcp_ip_len(ip) * 8;
	for (unsigned i = plen; i < bits; i++)
		ip->a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static bool prefix_match(const struct tcp_md5_key *k, const struct tcp_ip *addr)
{
	if (k->prefix.af != addr->af)
		return false;
	unsigned full = k->plen / 8, rest = k->plen % 8;
	if (memcmp(k->prefix.a, addr->a, full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((k->prefix.a[full] & m) != (addr->a[full] & m))
			return false;
	}
	return true;
}

int tcp_md5_keys_add(struct tcp_md5_keys *keys, const struct tcp_ip *prefix, unsigned plen,
		     const void *key, size_t keylen)
{
	if (!keys || keylen == 0 || keylen > TCP_MD5_MAXKEYLEN || plen > tcp_ip_len(prefix) * 8)
		return -1;
	struct tcp_ip p = *prefix;
	mask_prefix(&p, plen);
	struct tcp_md5_key *slot = NULL;
	for (unsigned i = 0; i < keys->n; i++)
		if (keys->k[i].plen == plen && tcp_ip_eq(&keys->k[i].prefix, &p))
			slot = &keys->k[i];
	if (!slot) {
		if (keys->n == keys->cap) {
			unsigned ncap = keys->cap ? keys->cap * 2 : 4;
			struct tcp_md5_key *nk = calloc(ncap, sizeof(*nk));
			if (!nk)
				return -1;
			if (keys->k) {
				memcpy(nk, keys->k, keys->n * sizeof(*nk));
				OPENSSL_cleanse(keys->k, keys->cap * sizeof(*keys->k));
				free(keys->k);
			}
			keys->k = nk;
			keys->cap = ncap;
		}
		slot = &keys->k[keys->n++];
	}
	memset(slot, 0, sizeof(*slot));
	slot->prefix = p;
	slot->plen = (uint8_t)plen;
	slot->keylen = (uint8_t)keylen;
	memcpy(slot->key, key, keylen);
	return 0;
}

int tcp_md5_keys_del(struct tcp_md5_keys *keys, const struct tcp_ip *prefix, unsigned plen)
{
	if (!keys)
		return -1;
	struct tcp_ip p = *prefix;
	mask_prefix(&p, plen);
	for (unsigned i = 0; i < keys->n; i++) {
		if (keys->k[i].plen == plen && tcp_ip_eq(&keys->k[i].prefix, &p)) {
			keys->k[i] = keys->k[keys->n - 1];
			OPENSSL_cleanse(&keys->k[keys->n - 1], sizeof(keys->k[0]));
			keys->n--;
			return 0;
		}
	}
	return -1;
}

const struct tcp_md5_key *tcp_md5_keys_lookup(const struct tcp_md5_keys *keys,
					      const struct tcp_ip *addr)
{
	const struct tcp_md5_key *best = NULL;
	if (!keys)
		return NULL;
	for (unsigned i = 0; i < keys->n; i++)
		if (prefix_match(&keys->k[i], addr) && (!best || keys->k[i].plen > best->plen))
			best = &keys->k[i];
	return best;
}

void tcp_md5_digest(const struct tcp_ip *src, const struct tcp_ip *dst, const uint8_t *tcph,
		    size_t tcp_len, size_t hdr_len, const uint8_t *key, size_t keylen,
		    uint8_t out[16])
{
	/* One context per thread, reused: creating one per segment costs more
	 * than the digest itself. */
	static __thread EVP_MD_CTX *ctx;
	uint8_t ph[40];
	size_t phlen;
	/* 1. The pseudo-header, with the TCP length including options. */
	if (src->af == TCP_AF_INET6) {
		memcpy(ph, src->a, 16);
		memcpy(ph + 16, dst->a, 16);
		ph[32] = (uint8_t)(tcp_len >> 24);
		ph[33] = (uint8_t)(tcp_len >> 16);
		ph[34] = (uint8_t)(tcp_len >> 8);
		ph[35] = (uint8_t)tcp_len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = IPPROTO_TCP_NUM;
		phlen = 40;
	} else {
		memcpy(ph, src->a, 4);
		memcpy(ph + 4, dst->a, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP_NUM;
		ph[10] = (uint8_t)(tcp_len >> 8);
		ph[11] = (uint8_t)tcp_len;
		phlen = 12;
	}
	/* 2. The fixed header with a zero checksum, options excluded. */
	uint8_t th[TCP_HDR_LEN];
	memcpy(th, tcph, TCP_HDR_LEN);
	th[16] = th[17] = 0;
	if (!ctx)
		ctx = EVP_MD_CTX_new();
	unsigned olen = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL) || !EVP_DigestUpdate(ctx, ph, phlen) ||
	    !EVP_DigestUpdate(ctx, th, sizeof(th)) ||
	    /* 3. The data, 4. the key. */
	    !EVP_DigestUpdate(ctx, tcph + hdr_len, tcp_len - hdr_len) ||
	    !EVP_DigestUpdate(ctx, key, keylen) || !EVP_DigestFinal_ex(ctx, out, &olen)) {
		/* A digest that cannot be computed must never verify. */
		memset(out, 0xff, 16);
	}
}

void tcp_md5_sign(uint8_t *pkt, size_t len, uint16_t md5_off, const uint8_t *key, size_t keylen)
{
	struct tcp_ip src = { 0 }, dst = { 0 };
	size_t l3;
	if ((pkt[0] >> 4) == 6) {
		src.af = dst.af = TCP_AF_INET6;
		memcpy(src.a, pkt + 8, 16);
		memcpy(dst.a, pkt + 24, 16);
		l3 = IPV6_HDR_LEN;
	} else {
		src.af = dst.af = TCP_AF_INET;
		memcpy(src.a, pkt + 12, 4);
		memcpy(dst.a, pkt + 16, 4);
		l3 = (size_t)(pkt[0] & 0x0f) * 4;
	}
	uint8_t *t = pkt + l3;
	size_t hdr_len = (size_t)(t[12] >> 4) * 4;
	tcp_md5_digest(&src, &dst, t, len - l3, hdr_len, key, keylen, t + md5_off);
	tcp_finish_csum(pkt, len);
}

int tcp_md5_verify(const struct tcp_seg *seg, const uint8_t *key, size_t keylen,
		   enum tcp_drop *why)
{
	if (!key) {
		if (seg->opt.has_md5) {
			*why = TCP_DROP_MD5_UNEXPECTED;   /* Linux: TCPMD5Unexpected */
			return -1;
		}
		return 0;
	}
	if (!seg->opt.has_md5) {
		*why = TCP_DROP_MD5_NOTFOUND;             /* Linux: TCPMD5NotFound */
		return -1;
	}
	uint8_t d[16];
	tcp_md5_digest(&seg->src.ip, &seg->dst.ip, seg->tcph, (size_t)seg->hdr_len + seg->len,
		       seg->hdr_len, key, keylen, d);
	if (CRYPTO_memcmp(d, seg->tcph + seg->opt.md5_off, 16) != 0) {
		*why = TCP_DROP_MD5_FAILURE;              /* Linux: TCPMD5Failure */
		return -1;
	}
	return 0;
}

int tcp_md5_verify_conn(const struct tcp_conn *c, const struct tcp_seg *seg, enum tcp_drop *why)
{
	return tcp_md5_verify(seg, c->has_md5 ? c->md5_key : NULL, c->md5_keylen, why);
}

void conn_set_md5(struct tcp_conn *c, const struct tcp_md5_keys *keys)
{
	const struct tcp_md5_key *k = tcp_md5_keys_lookup(keys, &c->remote.ip);
	c->md5 = keys;
	c->has_md5 = k != NULL;
	OPENSSL_cleanse(c->md5_key, sizeof(c->md5_key));
	c->md5_keylen = 0;
	if (k) {
		memcpy(c->md5_key, k->key, k->keylen);
		c->md5_keylen = k->keylen;
	}
}
