/*
 * tcp/drop.h — why the stack dropped a segment. Every dropped segment is counted
 * under exactly one reason, stack-wide and, once it is matched to a connection,
 * for that connection too (what `show tcp` and tcpcat --stats report).
 */
#ifndef TCP_DROP_H
#define TCP_DROP_H

#define TCP_DROP_REASONS(X)                                                         \
	X(IP_SHORT, "ip-short")                 /* shorter than an IP header */       \
	X(IP_VERSION, "ip-version")             /* neither 4 nor 6 */                 \
	X(IP_HDRLEN, "ip-header-length")        /* IHL < 5 or past the datagram */    \
	X(IP_LEN, "ip-length")                  /* total/payload length lies */       \
	X(IP_CSUM, "ip-checksum")               /* IPv4 header checksum */            \
	X(IP_FRAG, "ip-fragment")               /* fragments are never reassembled */ \
	X(IP_PROTO, "ip-not-tcp")               /* not TCP, or an unknown IPv6 header */ \
	X(IP_ADDR, "ip-bad-address")            /* multicast/broadcast/unspecified */ \
	X(TCP_SHORT, "tcp-short")               /* shorter than 20 bytes */           \
	X(TCP_DOFF, "tcp-data-offset")          /* data offset < 5 or past the end */ \
	X(TCP_CSUM, "tcp-checksum")                                                    \
	X(TCP_OPT, "tcp-bad-option")            /* option length 0/1 or overrun */    \
	X(TCP_FLAGS, "tcp-bad-flags")           /* e.g. SYN+RST, SYN+FIN, none */     \
	X(TCP_PORT, "tcp-port-zero")                                                   \
	X(NOT_OURS, "not-ours")                 /* a port the stack does not use */   \
	X(NO_SOCKET, "no-socket")               /* our port, no connection: RST */    \
	X(LISTEN_OVERFLOW, "accept-queue-full")                                        \
	X(SYN_QUEUE_FULL, "syn-queue-full")     /* half-open queue full, no cookies */\
	X(COOKIE_BAD, "syn-cookie-invalid")                                            \
	X(LISTEN_BAD, "listen-unexpected")      /* non-SYN at a listener */           \
	X(OUT_OF_WINDOW, "out-of-window")       /* unacceptable segment, ACK sent */  \
	X(PAWS, "paws")                         /* RFC 7323 §5 old timestamp */       \
	X(BAD_ACK, "bad-ack")                   /* RFC 5961 §5 ACK validation */      \
	X(RST_OOW, "rst-out-of-window")                                                \
	X(RST_CHALLENGE, "rst-challenged")      /* RFC 5961 §3 */                     \
	X(SYN_CHALLENGE, "syn-challenged")      /* RFC 5961 §4 */                     \
	X(NO_ACK, "no-ack-flag")                /* synchronized state, ACK off */     \
	X(STATE, "not-in-this-state")           /* e.g. data after the peer's FIN */  \
	X(RCV_FULL, "receive-buffer-full")      /* beyond the receive window */       \
	X(OOO_FULL, "reassembly-full")          /* too many holes to track */         \
	X(TTL, "gtsm-ttl")                      /* RFC 5082 */                        \
	X(MD5_NOTFOUND, "md5-missing")          /* key set, no option (RFC 2385 §3) */\
	X(MD5_UNEXPECTED, "md5-unexpected")     /* option, no key */                  \
	X(MD5_FAILURE, "md5-bad-digest")                                               \
	X(NOMEM, "no-memory")

enum tcp_drop {
#define TCP_DROP_ENUM(name, str) TCP_DROP_##name,
	TCP_DROP_REASONS(TCP_DROP_ENUM)
#undef TCP_DROP_ENUM
	TCP_DROP__COUNT
};

const char *tcp_drop_name(enum tcp_drop d);

#endif /* TCP_DROP_H */
