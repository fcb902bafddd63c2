#!/usr/bin/env python3
"""Route sets for the route-exchange lab tests (tests/lab/test_bgp_routes.sh).

  routes.py bird-static N4 N6 [--keep K]     BIRD 2 static protocols originating
                                             N4 IPv4 and N6 IPv6 prefixes with varied
                                             attributes (only every K-th one when
                                             --keep K: what stays after withdrawing)
  routes.py check SOCK N4 N6 NH4 NH6 PEER_AS [--keep K]
                                             page through bgpd's Loc-RIB on its
                                             control socket and compare every route
                                             with what BIRD was told to send
  routes.py count SOCK                       print "v4 v6" best-route counts

Prefix i (IPv4): 20.0.0.0/24 + i; (IPv6): 2001:db8:i::/48. Attributes are a
function of i, so the expected value of every route is known exactly here and
nowhere in bgpd's code.
"""
import ipaddress
import json
import socket
import sys

PAGE = 20000


def v4(i):
    return str(ipaddress.IPv4Network((0x14000000 + (i << 8), 24)))


def v6(i):
    return str(ipaddress.IPv6Network("2001:db8:%x::/48" % i))


# Routes the test adds besides the generated set (ours, the receiver's).
OTHERS = {"192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
          "2001:db8:fffe::/48", "2001:db8:ffff::/48"}


def attrs(i):
    """The attributes BIRD sets on prefix i (besides its own AS and next hop)."""
    a = {"origin": ["igp", "egp", "incomplete"][i % 3],
         "med": (i % 7) * 10 if i % 3 == 0 else None,
         "communities": ["65002:%d" % (i % 100)] if i % 2 == 0 else [],
         "large_communities": ["65002:%d:%d" % (i % 5, i % 11)] if i % 5 == 0 else [],
         "prepend": [65010 + (i % 3)] * (i % 4)}
    return a


def bird_route(net, i):
    a = attrs(i)
    stmts = ["bgp_origin = %s;" % {"igp": "ORIGIN_IGP", "egp": "ORIGIN_EGP",
                                   "incomplete": "ORIGIN_INCOMPLETE"}[a["origin"]]]
    if a["med"] is not None:
        stmts.append("bgp_med = %d;" % a["med"])
    for c in a["communities"]:
        x, y = c.split(":")
        stmts.append("bgp_community.add((%s,%s));" % (x, y))
    for c in a["large_communities"]:
        x, y, z = c.split(":")
        stmts.append("bgp_large_community.add((%s,%s,%s));" % (x, y, z))
    for asn in a["prepend"]:
        stmts.append("bgp_path.prepend(%d);" % asn)
    return "\troute %s blackhole { %s };\n" % (net, " ".join(stmts))


def kept(i, keep):
    return keep <= 1 or i % keep == 0


def bird_static(n4, n6, keep):
    out = ["protocol static src4 {\n\tipv4;\n"]
    out += [bird_route(v4(i), i) for i in range(n4) if kept(i, keep)]
    out.append("}\nprotocol static src6 {\n\tipv6;\n")
    out += [bird_route(v6(i), i) for i in range(n6) if kept(i, keep)]
    out.append("}\n")
    sys.stdout.write("".join(out))


def request(sock, command, args=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    req = {"command": command}
    if args:
        req["args"] = args
    s.sendall((json.dumps(req) + "\n").encode())
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    s.close()
    resp = json.loads(buf)
    if not resp.get("ok"):
        raise SystemExit("%s: %s" % (command, resp))
    return resp["result"]


def fetch(sock, family):
    routes, start = [], None
    while True:
        args = {"family": family, "limit": PAGE}
        if start:
            args["from"] = start
        res = request(sock, "show routes", args)
        routes += res["routes"]
        if not res.get("truncated"):
            return routes
        start = res["next"]


def check(sock, n4, n6, nh4, nh6, peer_as, keep):
    bad_all = 0
    for family, n, name, nh in (("ipv4", n4, v4, nh4), ("ipv6", n6, v6, nh6)):
        got = {r["prefix"]: r for r in fetch(sock, family)
               if r["best"] and r["prefix"] not in OTHERS}
        want = {name(i): i for i in range(n) if kept(i, keep)}
        extra = set(got) - set(want)
        missing = set(want) - set(got)
        bad = 0
        if extra or missing:
            print("%s: %d missing (e.g. %s), %d unexpected (e.g. %s)" % (
                family, len(missing), sorted(missing)[:3], len(extra), sorted(extra)[:3]))
            bad += 1
        for pfx, i in want.items():
            r = got.get(pfx)
            if not r:
                continue
            a = attrs(i)
            exp = {"as_path": " ".join(str(x) for x in [peer_as] + a["prepend"]),
                   "origin": a["origin"], "med": a["med"], "next_hop": nh,
                   "communities": a["communities"],
                   "large_communities": a["large_communities"], "local_pref": None}
            diff = {k: (r.get(k), v) for k, v in exp.items() if r.get(k) != v}
            if diff:
                if bad < 10:
                    print("%s: got/want %s" % (pfx, diff))
                bad += 1
        if bad:
            print("%s: %d of %d routes differ" % (family, bad, len(want)))
        else:
            print("%s: all %d routes as expected" % (family, len(want)))
        bad_all += bad
    return 1 if bad_all else 0


def count(sock):
    s = request(sock, "show summary")
    print(s["routes"]["ipv4"]["loc_rib"], s["routes"]["ipv6"]["loc_rib"])


def main(argv):
    keep = 1
    if "--keep" in argv:
        k = argv.index("--keep")
        keep = int(argv[k + 1])
        del argv[k:k + 2]
    if argv[1] == "bird-static":
        bird_static(int(argv[2]), int(argv[3]), keep)
        return 0
    if argv[1] == "check":
        return check(argv[2], int(argv[3]), int(argv[4]), argv[5], argv[6], int(argv[7]), keep)
    if argv[1] == "count":
        count(argv[2])
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
