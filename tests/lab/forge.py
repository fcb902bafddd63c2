#!/usr/bin/env python3
"""Forge segments into a live BGP session (tests/lab/test_bgp_transport.sh).

  forge.py IFACE PEER_ADDR OUR_ADDR [--exact]

Run in the namespace of PEER (BIRD), which owns PEER_ADDR. It sniffs one
segment PEER -> OUR on IFACE to learn the 4-tuple and PEER's next sequence
number (what bgpd expects next: RCV.NXT), then sends, as PEER would but with no
TCP-MD5 option (an attacker has no key):
  rst-oow     RST far outside the window          RFC 5961 §3: dropped
  rst-inwin   RST inside the window, not exact    RFC 5961 §3: challenge ACK
  syn         SYN with a random sequence number   RFC 5961 §4: challenge ACK
  data-oow    data far below the window           RFC 9293: dropped, ACK sent
  icmp        ICMP host unreachable and frag-needed quoting the session
              (RFC 5927: must not reset an established connection)
  with --exact, also (only meaningful on a TCP-MD5 session):
  rst-exact   RST with exactly RCV.NXT            RFC 2385: no digest -> dropped
  data-exact  BGP-looking garbage at RCV.NXT      RFC 2385: dropped
Prints one JSON line: the tuple and sequence numbers used.
"""
import json
import random
import sys
import time

from scapy.all import IP, ICMP, TCP, Raw, conf, send, sniff

conf.verb = 0


def main(argv):
    iface, peer, ours = argv[1], argv[2], argv[3]
    exact = "--exact" in argv
    pkts = sniff(iface=iface, count=1, timeout=60,
                 lfilter=lambda p: IP in p and TCP in p and p[IP].src == peer and
                 p[IP].dst == ours and (p[TCP].sport == 179 or p[TCP].dport == 179))
    if not pkts:
        print(json.dumps({"error": "no segment seen"}))
        return 1
    p = pkts[0]
    sport, dport = p[TCP].sport, p[TCP].dport
    plen = len(p[TCP].payload)
    rcv_nxt = (p[TCP].seq + plen + (1 if p[TCP].flags & 0x01 else 0)) % 2**32
    ack = p[TCP].ack
    ip = IP(src=peer, dst=ours, ttl=64)

    def seg(flags, seq, payload=b""):
        t = ip / TCP(sport=sport, dport=dport, flags=flags, seq=seq % 2**32, ack=ack,
                     window=65535)
        if payload:
            t = t / Raw(payload)
        send(t, iface=iface)
        time.sleep(0.3)

    seg("R", rcv_nxt + 2**30)                         # rst-oow
    seg("R", rcv_nxt + 10)                            # rst-inwin
    seg("S", random.randrange(2**32))                 # syn
    seg("PA", rcv_nxt - 2**20, b"\xff" * 40)          # data-oow
    quoted = bytes(IP(src=ours, dst=peer) / TCP(sport=dport, dport=sport, seq=ack,
                                               flags="A"))[:28]
    for typ, code in ((3, 1), (3, 4)):                # icmp
        send(IP(src=peer, dst=ours) / ICMP(type=typ, code=code, nexthopmtu=576) /
             Raw(quoted), iface=iface)
        time.sleep(0.3)
    if exact:
        seg("R", rcv_nxt)                             # rst-exact
        seg("PA", rcv_nxt, b"\xff" * 16 + b"\x00\x13\x04")   # data-exact: a KEEPALIVE
    print(json.dumps({"sport": sport, "dport": dport, "rcv_nxt": rcv_nxt, "ack": ack}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
