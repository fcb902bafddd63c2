#!/usr/bin/env python3
"""tests/lab/kpeer.py — the Linux kernel's TCP as the other end of a lab test.

    kpeer.py listen  ADDR PORT SEND RECV [--md5 KEY --peer ADDR] [--count N]
    kpeer.py connect ADDR PORT SEND RECV [--md5 KEY] [--timeout S] [--src ADDR]

Sends the file SEND (then shuts down its writing side) while writing whatever
arrives to RECV until EOF, then closes. Both directions run at once. With --md5
the socket signs and verifies TCP-MD5 (RFC 2385) through Linux's TCP_MD5SIG.
With --count N (listen) it serves N connections in a row (SEND "-" sends
nothing), for tests that open and close many connections. Exit status 0 only
when both directions completed.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

TCP_MD5SIG = 14            # linux/tcp.h
TCP_MD5SIG_MAXKEYLEN = 80


def md5sig(family, addr, key):
    """struct tcp_md5sig: sockaddr_storage, flags, prefixlen, keylen, ifindex, key[80]."""
    if family == socket.AF_INET:
        sa = struct.pack("!HH4s", socket.AF_INET, 0, socket.inet_pton(family, addr))
        sa = struct.pack("=H", socket.AF_INET) + sa[2:]
    else:
        sa = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI16sI", 0, 0, socket.inet_pton(family, addr), 0)
    sa = sa.ljust(128, b"\0")
    k = key.encode()
    if len(k) > TCP_MD5SIG_MAXKEYLEN:
        raise SystemExit("key too long")
    return sa + struct.pack("=BBHI", 0, 0, len(k), 0) + k.ljust(TCP_MD5SIG_MAXKEYLEN, b"\0")


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def pump(sock, send_path, recv_path):
    err = []

    def sender():
        try:
            if send_path != "-":
                with open(send_path, "rb") as f:
                    sock.sendfile(f)
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append("send: %s" % e)

    t = threading.Thread(target=sender)
    t.start()
    got = 0
    out = open(recv_path, "wb") if recv_path != "-" else None
    try:
        while True:
            b = sock.recv(1 << 20)
            if not b:
                break
            got += len(b)
            if out:
                out.write(b)
    except OSError as e:
        err.append("recv: %s" % e)
    finally:
        if out:
            out.close()
    t.join()
    sock.close()
    if err:
        print("kpeer: " + "; ".join(err), file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["listen", "connect"])
    ap.add_argument("addr")
    ap.add_argument("port", type=int)
    ap.add_argument("send")
    ap.add_argument("recv")
    ap.add_argument("--md5")
    ap.add_argument("--peer", help="peer address the MD5 key is for (listen)")
    ap.add_argument("--src")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--count", type=int, default=1)
    a = ap.parse_args()
    fam = family_of(a.addr)
    if a.mode == "listen":
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if a.md5:
            ls.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(fam, a.peer, a.md5))
        ls.bind((a.addr, a.port))
        ls.listen(64)
        print("listening", flush=True)
        rc = 0
        for _ in range(a.count):
            s, _peer = ls.accept()
            rc |= pump(s, a.send, a.recv)
        ls.close()
        return rc
    deadline = time.time() + a.timeout
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM)
        if a.md5:
            s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, md5sig(fam, a.addr, a.md5))
        if a.src:
            s.bind((a.src, 0))
        s.settimeout(max(0.5, deadline - time.time()))
        try:
            s.connect((a.addr, a.port))
            break
        except OSError as e:
            s.close()
            if time.time() >= deadline:
                print("kpeer: connect: %s" % e, file=sys.stderr)
                return 1
            time.sleep(0.1)
    s.settimeout(None)
    return pump(s, a.send, a.recv)


if __name__ == "__main__":
    sys.exit(main())
