#!/usr/bin/env python3
"""tests/lab/hostile_peer.py — a BGP peer that misbehaves on purpose (issue 7).

    hostile_peer.py --list
    hostile_peer.py [--peer ADDR --peer-as AS --as AS --id ADDR] [--log FILE] [--step] [CASE...]

It speaks BGP-4 over the kernel's TCP (plain python3 sockets) to bgpd, one
connection per case. Each case of CASES says what to send and which answer the
RFCs require of bgpd:

  Notify(code, subcode, data)  a NOTIFICATION with exactly that code and subcode
                               (and data, where the RFC fixes it), then bgpd closes;
  Quiet()                      bgpd closes the connection without a NOTIFICATION;
  StaysUp(log, nolog)          the session stays up: after the bad message we send
                               a KEEPALIVE and KEEPALIVEs keep coming back (no
                               NOTIFICATION, no close); bgpd's log gains a line for
                               this neighbour matching `log` (the RFC 7606 action it
                               took) and none matching `nolog`.

A case starts right after bgpd's OPEN arrived (phase OPENSENT: bgpd waits for
ours) or after a full OPEN exchange (phase ESTABLISHED). bgpd is passive towards
us: while it holds the neighbour Idle after the previous case (its idle-hold), it
closes what we open, and we try again.

With --list, prints "NAME<TAB>what the RFC says" per case. Otherwise runs the
named cases (all by default), prints one "ok NAME: ..." or "FAIL NAME: ..." line
each, and exits 0 only if all passed. With --step it waits for a line on stdin
after each case, so the caller can check the rest of the world (the BIRD
session) between cases.

Everything read from bgpd goes through Reader, which checks framing before use:
the peer under test may be wrong too.
"""
import argparse
import ipaddress
import os
import re
import socket
import struct
import sys
import time
from dataclasses import dataclass
from typing import Callable, Optional

# ---- wire constants (RFC 4271 §4 unless noted) ----

MARKER = b"\xff" * 16
HEADER_LEN = 19
MAX_LEN = 4096
EXT_MAX_LEN = 65535          # RFC 8654 §4
BGP_PORT = 179
VERSION = 4

OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4

# NOTIFICATION codes and subcodes, RFC 4271 §4.5, §6; RFC 5492 §5.
ERR_HEADER, ERR_OPEN, ERR_UPDATE, ERR_CEASE = 1, 2, 3, 6
HDR_SYNC, HDR_LEN, HDR_TYPE = 1, 2, 3
OPEN_UNSPECIFIC, OPEN_VERSION, OPEN_AS, OPEN_BGPID, OPEN_OPT = 0, 1, 2, 3, 4
OPEN_HOLD, OPEN_CAPA = 6, 7
UPD_ATTRLIST, UPD_FLAGS, UPD_NETWORK = 1, 4, 10
CEASE_ADMIN_SHUTDOWN = 2     # RFC 4486 §3

# OPEN optional parameters and capabilities.
PARAM_AUTH = 1               # deprecated (RFC 5492 §4): unknown to a BGP-4 speaker today
PARAM_CAPA = 2               # RFC 5492 §4
CAP_MP = 1                   # RFC 4760 §8
CAP_ROUTE_REFRESH = 2        # RFC 2918
CAP_EXT_MSG = 6              # RFC 8654 §3
CAP_AS4 = 65                 # RFC 6793 §3
CAP_EXPERIMENTAL = 239       # IANA: 239-254 reserved for experimental use
AFI_IPV4, AFI_IPV6, SAFI_UNICAST = 1, 2, 1
AS_TRANS = 23456             # RFC 6793 §9

# Path attributes, RFC 4271 §4.3, §5; RFC 4760.
F_OPTIONAL, F_TRANSITIVE, F_EXTLEN = 0x80, 0x40, 0x10
WELL_KNOWN = F_TRANSITIVE
A_ORIGIN, A_AS_PATH, A_NEXT_HOP, A_MED = 1, 2, 3, 4
A_MP_REACH, A_MP_UNREACH = 14, 15
ORIGIN_IGP = 0
AS_SEQUENCE = 2

# Timing. The hold time we offer makes bgpd's KEEPALIVE interval 1 s (a third,
# RFC 4271 §10), so "the session stays up" is seen within a few seconds.
OUR_HOLD = 3
KEEPALIVE_EVERY = 1.0        # what we send while Established
KEEPALIVES_WANTED = 2        # from bgpd after the bad message: it went on as usual
STAY_UP_MAX = 6.0            # ... within this (its interval is 0.75..1 s, RFC 4271 §10)
ANSWER_TIMEOUT = 5.0         # for a NOTIFICATION or an OPEN to arrive
CLOSE_TIMEOUT = 8.0          # for bgpd to close after its NOTIFICATION
CONNECT_DEADLINE = 20.0      # bgpd's idle-hold between cases, retried
CONNECT_TIMEOUT = 2.0
RETRY_PAUSE = 0.2
LOG_WAIT = 3.0


class Failed(Exception):
    """The case failed: the message says what bgpd did instead."""


class PeerClosed(Exception):
    pass


# ---- building messages (deliberately able to lie about every length) ----

def message(mtype, body=b"", length=None, marker=MARKER):
    """A BGP message; length overrides the Length field (RFC 4271 §4.1)."""
    if length is None:
        length = HEADER_LEN + len(body)
    return marker + struct.pack("!HB", length, mtype) + body


def keepalive():
    return message(KEEPALIVE)


def notification(code, subcode, data=b""):
    return message(NOTIFICATION, struct.pack("!BB", code, subcode) + data)


def capability(code, value=b""):
    return struct.pack("!BB", code, len(value)) + value


def cap_mp(afi, safi):
    return capability(CAP_MP, struct.pack("!HBB", afi, 0, safi))


def cap_as4(asn):
    return capability(CAP_AS4, struct.pack("!I", asn))


def open_msg(my_as, bgp_id, hold=OUR_HOLD, version=VERSION, caps=None, params=None):
    """An OPEN (RFC 4271 §4.2); params, if given, are the raw Optional Parameters."""
    if params is None:
        params = b""
        if caps:
            params = struct.pack("!BB", PARAM_CAPA, len(caps)) + caps
    two_octet_as = my_as if my_as <= 0xffff else AS_TRANS
    body = struct.pack("!BHH4sB", version, two_octet_as, hold,
                       ipaddress.IPv4Address(bgp_id).packed, len(params)) + params
    return message(OPEN, body)


def attribute(flags, atype, value, length=None):
    """A path attribute; length overrides the Attribute Length (RFC 4271 §4.3)."""
    if length is None:
        length = len(value)
    if flags & F_EXTLEN:
        return struct.pack("!BBH", flags, atype, length) + value
    return struct.pack("!BBB", flags, atype, length) + value


def prefix(text):
    """One NLRI entry: length in bits, then the fewest octets that hold it."""
    net = ipaddress.ip_network(text)
    return bytes([net.prefixlen]) + net.network_address.packed[:(net.prefixlen + 7) // 8]


def update(withdrawn=b"", attrs=b"", nlri=b"", wlen=None, alen=None, length=None):
    """An UPDATE (RFC 4271 §4.3); wlen/alen/length override the three lengths."""
    wlen = len(withdrawn) if wlen is None else wlen
    alen = len(attrs) if alen is None else alen
    body = struct.pack("!H", wlen) + withdrawn + struct.pack("!H", alen) + attrs + nlri
    return message(UPDATE, body, None if length is None else length)


# ---- reading what bgpd sends ----

class Reader:
    """Whole messages out of a stream socket, framing checked before use."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError) as e:
            raise PeerClosed(f"connection reset ({e.strerror})")
        if not data:
            raise PeerClosed("closed")
        self.buf += data
        return True

    def next(self, deadline):
        """(type, body) of the next message, or None at the deadline."""
        while True:
            if len(self.buf) >= HEADER_LEN:
                if self.buf[:16] != MARKER:
                    raise Failed(f"bgpd sent a bad marker: {bytes(self.buf[:16]).hex()}")
                length, mtype = struct.unpack("!HB", self.buf[16:HEADER_LEN])
                if length < HEADER_LEN or length > EXT_MAX_LEN:
                    raise Failed(f"bgpd sent a message of length {length}")
                if len(self.buf) >= length:
                    msg = bytes(self.buf[HEADER_LEN:length])
                    del self.buf[:length]
                    return mtype, msg
            if not self._fill(deadline):
                return None


def describe_notification(body):
    if len(body) < 2:
        return f"a malformed NOTIFICATION ({body.hex()})"
    return f"NOTIFICATION {body[0]}/{body[1]} data '{body[2:].hex()}'"


# ---- what a case expects ----

@dataclass
class Notify:
    code: int
    subcode: int
    data: Optional[bytes] = None         # None: the RFC does not fix it

    def text(self):
        d = "" if self.data is None else f" data {self.data.hex() or '(empty)'}"
        return f"NOTIFICATION {self.code}/{self.subcode}{d}"


@dataclass
class Quiet:
    def text(self):
        return "close without NOTIFICATION"


@dataclass
class StaysUp:
    log: tuple = ()                      # regexes, each matched by some new log line of ours
    nolog: Optional[str] = None          # regex no new log line of ours may match

    def text(self):
        t = "session stays up"
        for r in self.log:
            t += f", log /{r}/"
        return t


# Phases: where the hostile bytes go.
OPENSENT = "opensent"                    # after bgpd's OPEN, instead of ours
ESTABLISHED = "established"              # after a full OPEN exchange


@dataclass
class Case:
    name: str
    rule: str                            # what the RFC (or bgpd's documented choice) says
    phase: str
    send: Callable                       # Peer -> bytes
    expect: object
    shut_wr: bool = False                # half-close after sending
    ext_msg: bool = False                # advertise RFC 8654 in our OPEN (ESTABLISHED)


# ---- one connection to bgpd ----

@dataclass
class Peer:
    addr: str                            # bgpd's
    peer_as: int                         # bgpd's AS
    my_as: int
    my_id: str
    log: Optional[str]
    sock: Optional[socket.socket] = None
    reader: Optional[Reader] = None
    up: bool = False                     # OPENs exchanged: our KEEPALIVEs are due
    next_ka: float = 0.0

    @property
    def nh(self):
        return self.my_id                # our address is our identifier

    def standard_caps(self, ext_msg=False):
        caps = cap_mp(AFI_IPV4, SAFI_UNICAST) + capability(CAP_ROUTE_REFRESH) + \
            cap_as4(self.my_as)
        if ext_msg:
            caps += capability(CAP_EXT_MSG)
        return caps

    def good_open(self, ext_msg=False, **kw):
        kw.setdefault("caps", self.standard_caps(ext_msg))
        return open_msg(self.my_as, self.my_id, **kw)

    def send(self, data):
        self.sock.sendall(data)

    def read(self, deadline):
        """The next message from bgpd, or None at the deadline. While the session
        is up, our KEEPALIVEs go out on time meanwhile, so bgpd's Hold Timer
        (RFC 4271 §4.4) never speaks for it."""
        while True:
            if self.up and time.monotonic() >= self.next_ka:
                try:
                    self.send(keepalive())
                except OSError as e:
                    raise PeerClosed(f"reset ({e.strerror})")
                self.next_ka = time.monotonic() + KEEPALIVE_EVERY
            until = min(deadline, self.next_ka) if self.up else deadline
            m = self.reader.next(until)
            if m is not None or time.monotonic() >= deadline:
                return m

    def connect(self):
        """Connect until bgpd answers with its OPEN (it refuses while Idle)."""
        deadline = time.monotonic() + CONNECT_DEADLINE
        last = "nothing tried"
        while time.monotonic() < deadline:
            s = None
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(CONNECT_TIMEOUT)
                s.connect((self.addr, BGP_PORT))
                self.sock, self.reader = s, Reader(s)
                m = self.reader.next(time.monotonic() + ANSWER_TIMEOUT)
                if m is None:
                    raise Failed("connected, but no OPEN from bgpd")
                self.check_bgpd_open(*m)
                return
            except (PeerClosed, OSError) as e:
                last = str(e)
                if s:
                    s.close()
                self.sock = None
                time.sleep(RETRY_PAUSE)
        raise Failed(f"no OPEN from bgpd within {CONNECT_DEADLINE:.0f}s (last: {last})")

    def check_bgpd_open(self, mtype, body):
        """bgpd's own OPEN is sane (RFC 4271 §4.2, RFC 6793 §3)."""
        if mtype != OPEN:
            raise Failed(f"bgpd's first message is type {mtype}, not OPEN")
        if len(body) < 10:
            raise Failed("bgpd's OPEN is too short")
        version, as2, hold, _bid, plen = struct.unpack("!BHH4sB", body[:10])
        if version != VERSION or plen != len(body) - 10:
            raise Failed(f"bgpd's OPEN: version {version}, opt parm len {plen}/{len(body) - 10}")
        want2 = self.peer_as if self.peer_as <= 0xffff else AS_TRANS
        if as2 != want2 or cap_as4(self.peer_as) not in body[10:]:
            raise Failed(f"bgpd's OPEN: My AS {as2}, no AS4 capability for {self.peer_as}")

    def establish(self, ext_msg):
        """Our OPEN, bgpd's KEEPALIVE (OpenConfirm), our KEEPALIVE: Established
        by the time anything we send next is read (TCP keeps the order)."""
        self.send(self.good_open(ext_msg) + keepalive())
        m = self.reader.next(time.monotonic() + ANSWER_TIMEOUT)
        if m is None or m[0] != KEEPALIVE:
            raise Failed(f"OPEN exchange: expected KEEPALIVE, got {self.what(m)}")
        self.up = True
        self.next_ka = time.monotonic() + KEEPALIVE_EVERY

    def what(self, m):
        if m is None:
            return "nothing"
        if m[0] == NOTIFICATION:
            return describe_notification(m[1])
        return f"a message of type {m[0]}"

    def close(self, polite):
        if not self.sock:
            return
        try:
            if polite:
                # Cease, so bgpd logs why we go (RFC 4486 §4).
                self.send(notification(ERR_CEASE, CEASE_ADMIN_SHUTDOWN))
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + CLOSE_TIMEOUT
            while self.reader.next(deadline) is not None:
                pass
        except (PeerClosed, OSError):
            pass
        self.sock.close()
        self.sock = None


# ---- judging bgpd's answer ----

def expect_notification(peer, want):
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while True:
        try:
            m = peer.read(deadline)
        except PeerClosed as e:
            raise Failed(f"expected {want.text()}, connection {e}")
        if m is None:
            raise Failed(f"expected {want.text()}, got nothing in {ANSWER_TIMEOUT:.0f}s")
        mtype, body = m
        if mtype in (KEEPALIVE, UPDATE):
            continue                     # the session's own traffic meanwhile
        if mtype != NOTIFICATION:
            raise Failed(f"expected {want.text()}, got {peer.what(m)}")
        if len(body) < 2 or body[0] != want.code or body[1] != want.subcode or \
                (want.data is not None and body[2:] != want.data):
            raise Failed(f"expected {want.text()}, got {describe_notification(body)}")
        break
    # RFC 4271 §4.5: the connection is closed right after a NOTIFICATION.
    peer.up = False
    try:
        m = peer.read(time.monotonic() + CLOSE_TIMEOUT)
    except PeerClosed:
        return describe_notification(body) + ", then closed"
    raise Failed(f"{describe_notification(body)}, then {peer.what(m)} instead of a close")


def expect_quiet(peer):
    try:
        m = peer.read(time.monotonic() + ANSWER_TIMEOUT)
    except PeerClosed as e:
        return f"connection {e}, no NOTIFICATION"
    raise Failed(f"expected a close without NOTIFICATION, got {peer.what(m)}")


def expect_stays_up(peer):
    """A KEEPALIVE of ours right away; bgpd's keep coming, nothing else happens."""
    peer.up = True
    peer.next_ka = 0.0
    end = time.monotonic() + STAY_UP_MAX
    got = 0
    while got < KEEPALIVES_WANTED:
        try:
            m = peer.read(end)
        except PeerClosed as e:
            raise Failed(f"expected the session to stay up, connection {e}")
        if m is None:
            break
        if m[0] == KEEPALIVE:
            got += 1
        elif m[0] == NOTIFICATION:
            raise Failed(f"expected the session to stay up, got {describe_notification(m[1])}")
        # bgpd's UPDATEs (its routes, End-of-RIB) are fine.
    if got < KEEPALIVES_WANTED:
        raise Failed(f"only {got} KEEPALIVE(s) in {STAY_UP_MAX:.0f}s")
    return f"up, {got} KEEPALIVEs"


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def new_log_lines(peer, offset):
    """bgpd's log lines about us written since offset."""
    if not peer.log:
        return []
    with open(peer.log, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    tag = f"neighbor {peer.my_id}:"
    return [ln for ln in text.splitlines() if tag in ln]


def check_log(peer, want, offset):
    if not peer.log:
        return ""
    deadline = time.monotonic() + LOG_WAIT
    for r in want.log:
        while not any(re.search(r, ln) for ln in new_log_lines(peer, offset)):
            if time.monotonic() >= deadline:
                raise Failed(f"session stayed up, but bgpd's log has no line for us matching /{r}/")
            time.sleep(0.1)
    if want.nolog:
        bad = [ln for ln in new_log_lines(peer, offset) if re.search(want.nolog, ln)]
        if bad:
            raise Failed(f"bgpd's log says: {bad[0]}")
    return "".join(f", log /{r}/ found" for r in want.log)


def run_case(peer, case):
    offset = log_size(peer.log) if peer.log else 0
    peer.connect()
    polite = False
    try:
        if case.phase == ESTABLISHED:
            peer.establish(case.ext_msg)
        try:
            peer.send(case.send(peer))
            if case.shut_wr:
                peer.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass                         # bgpd may answer and close before taking it all
        if isinstance(case.expect, Notify):
            return expect_notification(peer, case.expect)
        if isinstance(case.expect, Quiet):
            return expect_quiet(peer)
        result = expect_stays_up(peer)
        polite = True
        return result + check_log(peer, case.expect, offset)
    finally:
        peer.close(polite)


# ---- the cases ----

NH_V6 = ipaddress.IPv6Address("2001:db8:82::2").packed
AS_OTHER = 65099                         # an AS nobody configured
BAD_ORIGIN_FLAGS = F_OPTIONAL | F_TRANSITIVE    # ORIGIN is well-known (RFC 4271 §5)


def as_path(*asns):
    """An AS_SEQUENCE of 4-octet ASNs (RFC 6793 §3: both sides speak AS4)."""
    return struct.pack("!BB", AS_SEQUENCE, len(asns)) + b"".join(struct.pack("!I", a) for a in asns)


def origin(flags=WELL_KNOWN):
    return attribute(flags, A_ORIGIN, bytes([ORIGIN_IGP]))


def path_attr(value):
    return attribute(WELL_KNOWN, A_AS_PATH, value)


def path_of(p):
    return path_attr(as_path(p.my_as))


def next_hop(p):
    return attribute(WELL_KNOWN, A_NEXT_HOP, ipaddress.IPv4Address(p.nh).packed)


def med(value):
    return attribute(F_OPTIONAL, A_MED, struct.pack("!I", value))


def base_attrs(p):
    """ORIGIN, AS_PATH, NEXT_HOP: what an IPv4 announcement needs (RFC 4271 §5)."""
    return origin() + path_of(p) + next_hop(p)


def announce(attrs, pfx):
    return update(attrs=attrs, nlri=prefix(pfx))


def mp_reach_v4(p, pfx):
    value = struct.pack("!HBB", AFI_IPV4, SAFI_UNICAST, 4) + \
        ipaddress.IPv4Address(p.nh).packed + b"\x00" + prefix(pfx)
    return attribute(F_OPTIONAL, A_MP_REACH, value)


def mp_unreach_v4(pfx):
    value = struct.pack("!HB", AFI_IPV4, SAFI_UNICAST) + prefix(pfx)
    return attribute(F_OPTIONAL, A_MP_UNREACH, value)


def mp_reach_v6(pfx):
    value = struct.pack("!HBB", AFI_IPV6, SAFI_UNICAST, len(NH_V6)) + NH_V6 + b"\x00" + prefix(pfx)
    return attribute(F_OPTIONAL, A_MP_REACH, value)


def many_prefixes(n):
    """n distinct /24s, 4 octets each on the wire."""
    return b"".join(prefix(f"10.{100 + i // 256}.{i % 256}.0/24") for i in range(n))


def long_update(p, total_len):
    """A well-formed UPDATE of exactly total_len octets, announcing /24s (4 octets
    each on the wire) and, to make the length come out, /16s (3) or a /32 (5)."""
    attrs = base_attrs(p)
    n, rest = divmod(total_len - (HEADER_LEN + 4 + len(attrs)), 4)
    tails = {0: [], 1: ["10.96.0.1/32"], 2: ["10.97.0.0/16", "10.98.0.0/16"], 3: ["10.97.0.0/16"]}
    if rest in (1, 2):
        n -= 1
    nlri = many_prefixes(n) + b"".join(prefix(t) for t in tails[rest])
    msg = update(attrs=attrs, nlri=nlri)
    if len(msg) != total_len:
        raise ValueError(f"long_update: {len(msg)} != {total_len}")
    return msg


def open_with(caps):
    """Our OPEN with these capabilities instead of the usual ones."""
    return lambda p: p.good_open(caps=caps(p))


def open_then_keepalive(caps):
    """... followed by our KEEPALIVE, for OPENs that must be accepted."""
    return lambda p: p.good_open(caps=caps(p)) + keepalive()


def v4_only(p):
    return cap_mp(AFI_IPV4, SAFI_UNICAST)


TAW = r"treat-as-withdraw"
DISCARD = r"attribute-discard"
ANY_UPD_ERROR = r"treat-as-withdraw|attribute-discard|session-reset|NOTIFICATION sent"
UP = r"session established"


def withdrawn(pfx):
    """Treat-as-withdraw, logged naming the NLRI it withdrew (RFC 7606 §6)."""
    return StaysUp(log=(TAW, re.escape(pfx)))


CASES = [
    # -- Message Header errors, RFC 4271 §6.1 (bgpd in OpenSent) --
    Case("hdr-truncated-close",
         "half a header, then FIN: no whole message, nothing to answer (RFC 4271 §6.1); "
         "bgpd closes",
         OPENSENT, lambda p: MARKER[:10], Quiet(), shut_wr=True),
    Case("hdr-bad-marker",
         "marker not all ones: 1/1 Connection Not Synchronized (RFC 4271 §6.1)",
         OPENSENT, lambda p: message(KEEPALIVE, marker=b"\xff" * 15 + b"\x00"),
         Notify(ERR_HEADER, HDR_SYNC)),
    Case("hdr-len-18",
         "Length 18 < 19: 1/2 Bad Message Length, data = the Length field (RFC 4271 §6.1)",
         OPENSENT, lambda p: message(KEEPALIVE, length=18),
         Notify(ERR_HEADER, HDR_LEN, struct.pack("!H", 18))),
    Case("hdr-len-4097",
         "Length 4097 before extended messages are negotiated: 1/2, data = 4097 "
         "(RFC 4271 §6.1, RFC 8654 §4)",
         OPENSENT, lambda p: message(UPDATE, length=MAX_LEN + 1),
         Notify(ERR_HEADER, HDR_LEN, struct.pack("!H", MAX_LEN + 1))),
    Case("hdr-keepalive-len-20",
         "KEEPALIVE of length 20: 1/2, data = 20 (RFC 4271 §6.1)",
         OPENSENT, lambda p: message(KEEPALIVE, b"\x00"),
         Notify(ERR_HEADER, HDR_LEN, struct.pack("!H", 20))),
    Case("hdr-unknown-type",
         "type 42: 1/3 Bad Message Type, data = the Type field (RFC 4271 §6.1)",
         OPENSENT, lambda p: message(42), Notify(ERR_HEADER, HDR_TYPE, bytes([42]))),

    # -- OPEN Message errors, RFC 4271 §6.2, RFC 5492, RFC 6793 --
    Case("open-version-5",
         "version 5: 2/1 Unsupported Version Number, data = 2-octet 4 (RFC 4271 §6.2)",
         OPENSENT, lambda p: p.good_open(version=5),
         Notify(ERR_OPEN, OPEN_VERSION, struct.pack("!H", VERSION))),
    Case("open-hold-1",
         "Hold Time 1: 2/6 Unacceptable Hold Time (RFC 4271 §6.2 MUST)",
         OPENSENT, lambda p: p.good_open(hold=1), Notify(ERR_OPEN, OPEN_HOLD)),
    Case("open-hold-2",
         "Hold Time 2: 2/6 Unacceptable Hold Time (RFC 4271 §6.2 MUST)",
         OPENSENT, lambda p: p.good_open(hold=2), Notify(ERR_OPEN, OPEN_HOLD)),
    Case("open-bad-peer-as",
         "AS 65099, not the configured one: 2/2 Bad Peer AS (RFC 4271 §6.2)",
         OPENSENT, lambda p: open_msg(AS_OTHER, p.my_id, caps=v4_only(p) + cap_as4(AS_OTHER)),
         Notify(ERR_OPEN, OPEN_AS)),
    Case("open-bgp-id-0",
         "BGP Identifier 0.0.0.0: 2/3 Bad BGP Identifier (RFC 4271 §6.2, RFC 6286 §2.2)",
         OPENSENT, lambda p: open_msg(p.my_as, "0.0.0.0", caps=p.standard_caps()),
         Notify(ERR_OPEN, OPEN_BGPID)),
    Case("open-unknown-capability",
         "a capability bgpd does not know (code 239) is ignored, never refused: no "
         "Unsupported Capability for it (RFC 5492 §3, §5); the session comes up",
         OPENSENT, open_then_keepalive(lambda p: p.standard_caps()
                                       + capability(CAP_EXPERIMENTAL, b"\x01\x02\x03")),
         StaysUp(log=(UP,))),
    Case("open-missing-as4",
         "no 4-octet AS capability while bgpd's AS needs one: 2/7 Unsupported Capability, "
         "data = the AS4 capability as bgpd would send it (RFC 5492 §5; refusing is bgpd's "
         "choice, RFC 6793 §4.2.1)",
         OPENSENT, open_with(v4_only),
         Notify(ERR_OPEN, OPEN_CAPA, None)),     # data set by main(): it holds bgpd's AS
    Case("open-as4-twice-conflicting",
         "two AS4 capabilities naming different ASes: RFC 6793 is silent; bgpd cannot tell "
         "the peer's AS and answers 2/2 Bad Peer AS (bgpd/msg_open.c)",
         OPENSENT, open_with(lambda p: p.standard_caps() + cap_as4(p.my_as + 1)),
         Notify(ERR_OPEN, OPEN_AS)),
    Case("open-as4-twice-identical",
         "the same AS4 capability twice is harmless (RFC 5492 §4: MUST accept): the session "
         "comes up",
         OPENSENT, open_then_keepalive(lambda p: p.standard_caps() + cap_as4(p.my_as)),
         StaysUp(log=(UP,))),
    Case("open-as4-short",
         "AS4 capability of length 2: the Capabilities parameter is recognized but malformed: "
         "2/0 Unspecific (RFC 4271 §6.2)",
         OPENSENT, open_with(lambda p: v4_only(p) + capability(CAP_AS4, b"\xfd\xeb")),
         Notify(ERR_OPEN, OPEN_UNSPECIFIC)),
    Case("open-unsupported-param",
         "optional parameter type 1 (deprecated Authentication): 2/4 Unsupported Optional "
         "Parameter (RFC 4271 §6.2, RFC 5492 §4)",
         OPENSENT,
         lambda p: open_msg(p.my_as, p.my_id, params=struct.pack("!BBB", PARAM_AUTH, 1, 0)),
         Notify(ERR_OPEN, OPEN_OPT)),

    # -- UPDATE messages, RFC 4271 §6.3 as revised by RFC 7606 (bgpd Established) --
    Case("upd-valid",
         "a well-formed announcement: accepted, nothing logged as an error (the control case)",
         ESTABLISHED, lambda p: announce(base_attrs(p), "10.99.1.0/24"),
         StaysUp(nolog=ANY_UPD_ERROR)),
    Case("upd-withdraw-unknown",
         "withdrawing a prefix never announced is no error (RFC 4271 §9.1): ignored",
         ESTABLISHED, lambda p: update(withdrawn=prefix("10.99.250.0/24")),
         StaysUp(nolog=ANY_UPD_ERROR)),
    Case("upd-attr-overrun",
         "an attribute's length runs past the attribute field: treat-as-withdraw, the Total "
         "Path Attribute Length still finds the NLRI (RFC 7606 §4)",
         ESTABLISHED,
         lambda p: announce(base_attrs(p) + attribute(F_OPTIONAL, A_MED, bytes(4), length=10),
                            "10.99.2.0/24"),
         withdrawn("10.99.2.0/24")),
    Case("upd-attr-short-header",
         "two octets left in the attribute field, too few for a header: treat-as-withdraw "
         "(RFC 7606 §4)",
         ESTABLISHED,
         lambda p: announce(base_attrs(p) + bytes([F_OPTIONAL, A_MED]), "10.99.3.0/24"),
         withdrawn("10.99.3.0/24")),
    Case("upd-dup-med",
         "MULTI_EXIT_DISC twice: all but the first discarded, the UPDATE processed "
         "(RFC 7606 §3.g)",
         ESTABLISHED, lambda p: announce(base_attrs(p) + med(10) + med(20), "10.99.4.0/24"),
         StaysUp(log=(DISCARD + r".*MULTI_EXIT_DISC",), nolog=TAW)),
    Case("upd-dup-mp-reach",
         "MP_REACH_NLRI twice: 3/1 Malformed Attribute List (RFC 7606 §3.g)",
         ESTABLISHED,
         lambda p: update(attrs=mp_reach_v4(p, "10.99.5.0/24") + mp_reach_v4(p, "10.99.6.0/24")
                          + origin() + path_of(p)),
         Notify(ERR_UPDATE, UPD_ATTRLIST)),
    Case("upd-dup-mp-unreach",
         "MP_UNREACH_NLRI twice: 3/1 Malformed Attribute List (RFC 7606 §3.g)",
         ESTABLISHED,
         lambda p: update(attrs=mp_unreach_v4("10.99.7.0/24") + mp_unreach_v4("10.99.8.0/24")),
         Notify(ERR_UPDATE, UPD_ATTRLIST)),
    Case("upd-origin-flags",
         "ORIGIN flagged optional: treat-as-withdraw (RFC 7606 §3.c, §7.1)",
         ESTABLISHED,
         lambda p: announce(origin(BAD_ORIGIN_FLAGS) + path_of(p) + next_hop(p), "10.99.9.0/24"),
         withdrawn("10.99.9.0/24")),
    Case("upd-origin-flags-no-nlri",
         "the same bad ORIGIN in an UPDATE without reachable NLRI: session reset, 3/4 "
         "Attribute Flags Error, data = the attribute (RFC 7606 §5.2, RFC 4271 §6.3)",
         ESTABLISHED, lambda p: update(attrs=origin(BAD_ORIGIN_FLAGS) + path_of(p) + next_hop(p)),
         Notify(ERR_UPDATE, UPD_FLAGS, origin(BAD_ORIGIN_FLAGS))),
    Case("upd-aspath-seg-len-0",
         "AS_PATH segment of length 0: malformed AS_PATH, treat-as-withdraw (RFC 7606 §7.2)",
         ESTABLISHED,
         lambda p: announce(origin() + path_attr(struct.pack("!BB", AS_SEQUENCE, 0)) + next_hop(p),
                            "10.99.10.0/24"),
         withdrawn("10.99.10.0/24")),
    Case("upd-aspath-overrun",
         "AS_PATH segment claiming 3 ASes with room for 2: malformed, treat-as-withdraw "
         "(RFC 7606 §7.2)",
         ESTABLISHED,
         lambda p: announce(origin()
                            + path_attr(struct.pack("!BBII", AS_SEQUENCE, 3, p.my_as, AS_OTHER))
                            + next_hop(p), "10.99.11.0/24"),
         withdrawn("10.99.11.0/24")),
    Case("upd-nlri-33",
         "an IPv4 NLRI of length 33: the NLRI field is syntactically incorrect, which "
         "treat-as-withdraw cannot cover: 3/10 Invalid Network Field (RFC 7606 §5.3, §3.j; "
         "RFC 4271 §6.3)",
         ESTABLISHED, lambda p: update(attrs=base_attrs(p), nlri=bytes([33, 10, 99, 12, 0, 0])),
         Notify(ERR_UPDATE, UPD_NETWORK)),
    Case("upd-mp-reach-not-negotiated",
         "MP_REACH_NLRI for IPv6 unicast, never negotiated: the attribute is discarded "
         "(bgpd/update.h \"Choices\"), the session stays",
         ESTABLISHED,
         lambda p: update(attrs=mp_reach_v6("2001:db8:99::/48") + origin() + path_of(p)),
         StaysUp(log=(DISCARD + r".*MP_REACH_NLRI",), nolog=TAW)),
    Case("upd-total-attr-len-overrun",
         "Total Path Attribute Length past the end of the message: 3/1 Malformed Attribute "
         "List (RFC 4271 §6.3, RFC 7606 §3.b)",
         ESTABLISHED, lambda p: update(attrs=base_attrs(p), alen=len(base_attrs(p)) + 20),
         Notify(ERR_UPDATE, UPD_ATTRLIST)),
    Case("upd-withdrawn-len-overrun",
         "Withdrawn Routes Length past the end of the message: 3/1 Malformed Attribute List "
         "(RFC 4271 §6.3, RFC 7606 §3.b)",
         ESTABLISHED, lambda p: update(withdrawn=prefix("10.99.13.0/24"), wlen=200),
         Notify(ERR_UPDATE, UPD_ATTRLIST)),
    Case("upd-len-5000-no-ext-msg",
         "a 5000-octet UPDATE, extended messages not negotiated (bgpd advertised RFC 8654, "
         "we did not): 1/2 Bad Message Length, data = 5000 (RFC 4271 §6.1; bgpd, like FRR, "
         "needs both sides' capability, bgpd/update.h)",
         ESTABLISHED, lambda p: long_update(p, 5000),
         Notify(ERR_HEADER, HDR_LEN, struct.pack("!H", 5000))),
    Case("upd-len-5000-ext-msg",
         "the same 5000-octet UPDATE once both advertised extended messages: accepted "
         "(RFC 8654 §4)",
         ESTABLISHED, lambda p: long_update(p, 5000), StaysUp(nolog=ANY_UPD_ERROR), ext_msg=True),
]


def main():
    ap = argparse.ArgumentParser(description="a scripted hostile BGP peer")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--peer", default="10.82.0.1", help="bgpd's address")
    ap.add_argument("--peer-as", type=int, default=4200000001, help="bgpd's AS")
    ap.add_argument("--as", dest="my_as", type=int, default=65003, help="our AS")
    ap.add_argument("--id", default="10.82.0.2", help="our address and BGP Identifier")
    ap.add_argument("--log", help="bgpd's log file, for the log checks")
    ap.add_argument("--step", action="store_true",
                    help="after each case's line, wait for a line on stdin (the caller's own "
                         "checks) before the next; stop at EOF")
    ap.add_argument("cases", nargs="*", help="case names (default: all, in table order)")
    a = ap.parse_args()

    by_name = {c.name: c for c in CASES}
    if a.list:
        for c in CASES:
            print(f"{c.name}\t{c.rule}")
        return 0
    # RFC 5492 §5: the missing capability "encoded in the same way as it would be
    # encoded in the OPEN message" — bgpd's AS4 capability carries bgpd's AS.
    by_name["open-missing-as4"].expect.data = cap_as4(a.peer_as)

    failed = 0
    for name in a.cases or [c.name for c in CASES]:
        case = by_name.get(name)
        peer = Peer(a.peer, a.peer_as, a.my_as, a.id, a.log)
        try:
            if not case:
                raise Failed("no such case")
            print(f"ok {name}: {run_case(peer, case)}", flush=True)
        except (Failed, OSError) as e:
            print(f"FAIL {name}: {e}", flush=True)
            failed += 1
        if a.step and not sys.stdin.readline():
            break
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
