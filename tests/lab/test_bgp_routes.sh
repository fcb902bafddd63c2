#!/bin/bash
# tests/lab/test_bgp_routes.sh — routes both ways between bgpd and BIRD 2.
#
#   ns s: BIRD "source", AS 65002 ── ns d: bgpd, AS 65001 ── ns r: BIRD "receiver"
#         10.81.1.2, fd81:1::2         10.81.1.1 / 10.81.2.1     10.81.2.2, fd81:2::2
#
# One session per neighbour over IPv4 carrying IPv4 and IPv6 unicast (RFC 4760).
#  1. s originates ROUTES_N4 (100 000) IPv4 and ROUTES_N6 (20 000) IPv6 prefixes with
#     attributes varied per prefix (tests/lab/routes.py makes them and knows each
#     route's expected attributes): every one is in our Loc-RIB with exactly those
#     attributes, BIRD's AS first and BIRD's address as next hop.
#  2. Chain over eBGP (r is AS 65003): r has all of them with AS_PATH 65001 65002 ...,
#     next hop us; s gets r's own route with AS_PATH 65001 65003.
#  3. Our configured networks and a runtime `bgpcli announce` reach s with AS_PATH
#     65001, next hop us and their communities; `bgpcli withdraw` removes it.
#  4. s withdraws every second prefix: they are gone here and at r, the rest stays.
#  5. r becomes an iBGP peer (reload: only that session resets): r gets the routes
#     with AS_PATH unchanged (65002 ...), LOCAL_PREF 100 and next hop us
#     (next-hop-self); s gets r's route with AS_PATH 65001 only.
# Transfer times are printed (figures, not asserted).
set -u
. "$(dirname "$0")/lib.sh"
lab_init

BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
BGPCLI="$LAB_TOP/$LAB_BUILD/bgpcli"
ROUTES="$LAB_TOP/tests/lab/routes.py"
N4="${ROUTES_N4:-100000}"
N6="${ROUTES_N6:-20000}"
[ -x "$BGPD" ] && [ -x "$BGPCLI" ] || lab_fail "bgpd and bgpcli must be built"
T="$(lab_tmp)"

lab_ns s
lab_ns d
lab_ns r
lab_link s vs d vd1
lab_link d vd2 r vr
lab_addr s vs 10.81.1.2/24
lab_addr d vd1 10.81.1.1/24
lab_addr d vd2 10.81.2.1/24
lab_addr r vr 10.81.2.2/24
lab_addr s vs fd81:1::2/64
lab_addr d vd1 fd81:1::1/64
lab_addr d vd2 fd81:2::1/64
lab_addr r vr fd81:2::2/64

python3 "$ROUTES" bird-static "$N4" "$N6" >"$T/static.conf"

# bird_conf NAME ME PEER MY_AS MY_V6
bird_conf() {
	cat >"$T/$1.conf" <<EOF
router id $2;
log stderr { info, warning, error, fatal, bug };
protocol device {}
include "$T/$1-static.conf";
# BIRD sends MED to another AS only when the export filter sets it.
filter static_only {
	if source != RTS_STATIC then reject;
	if defined(bgp_med) then bgp_med = bgp_med;
	accept;
}
protocol bgp bgpd {
	local $2 as $4;
	neighbor $3 as 65001;
	direct;                 # on the link, iBGP too (BIRD's iBGP default is multihop)
	connect retry time 2;
	error wait time 1, 5;
	ipv4 { import all; export filter static_only; gateway direct; };
	ipv6 { import all; export filter static_only; gateway direct; next hop address $5; };
}
EOF
}

cp "$T/static.conf" "$T/s-static.conf"
cat >"$T/r-static.conf" <<EOF
protocol static own4 { ipv4; route 192.0.2.0/24 blackhole; }
protocol static own6 { ipv6; route 2001:db8:fffe::/48 blackhole; }
EOF
bird_conf s 10.81.1.2 10.81.1.1 65002 fd81:1::2
bird_conf r 10.81.2.2 10.81.2.1 65003 fd81:2::2

# bgpd_conf R_AS
bgpd_conf() {
	cat >"$T/bgpd.yaml" <<EOF
router-id: 10.81.0.1
local-as: 65001
control-socket: $T/bgpd.sock
listen: [10.81.1.1, 10.81.2.1]
networks:
  - {prefix: 198.51.100.0/24, communities: ["65001:100"]}
  - prefix: "2001:db8:ffff::/48"
policies:
  accept-all: {default: accept}
neighbors:
  - address: 10.81.1.2
    remote-as: 65002
    address-families: [ipv4-unicast, ipv6-unicast]
    import: accept-all
    export: accept-all
    connect-retry: 2
    idle-hold: 1
  - address: 10.81.2.2
    remote-as: $1
    address-families: [ipv4-unicast, ipv6-unicast]
    import: accept-all
    export: accept-all
    next-hop-self: true
    connect-retry: 2
    idle-hold: 1
EOF
}
bgpd_conf 65003

# birdc talks to BIRD over its UNIX socket: no need to enter the namespace.
birdc_s() { birdc -s "$T/s.sock" "$@"; }
birdc_r() { birdc -s "$T/r.sock" "$@"; }
# Whether BIRD at $1 has PREFIX with a line matching PATTERN in `show route all`.
bird_has() { birdc -s "$T/$1.sock" show route for "$2" all 2>/dev/null | grep -q "$3"; }
cli() { "$BGPCLI" -s "$T/bgpd.sock" "$@"; }

# Routes in a BIRD table: the N of "N of M routes for K networks in table master4".
bird_count() { # s|r table
	"birdc_$1" show route count table "$2" 2>/dev/null |
		awk '/routes for/ { print $1; found=1 } END { if (!found) print 0 }'
}
ours() { python3 "$ROUTES" count "$T/bgpd.sock" 2>/dev/null; }
# Conditions for lab_wait (evaluated at each try, not once when called).
ours_are() { [ "$(ours)" = "$1 $2" ]; }
bird_at_least() { [ "$(bird_count "$1" "$2")" -ge "$3" ]; }
bird_exactly() { [ "$(bird_count "$1" "$2")" = "$3" ]; }
now_ms() { date +%s%3N; }

lab_bg s birds bird -f -c "$T/s.conf" -s "$T/s.sock"
lab_bg r birdr bird -f -c "$T/r.conf" -s "$T/r.sock"
t0=$(now_ms)
lab_bg d bgpd "$BGPD" -c "$T/bgpd.yaml"

# ---- 1. BIRD -> bgpd: the whole set, attribute for attribute ----
# Ours: N4 + 1 network + r's route; N6 + 1 network + r's route.
lab_wait 180 "all routes in our Loc-RIB" ours_are "$((N4 + 2))" "$((N6 + 2))"
echo "figure: $N4 IPv4 + $N6 IPv6 prefixes from BIRD into our Loc-RIB in $(($(now_ms) - t0)) ms (from start)"
python3 "$ROUTES" check "$T/bgpd.sock" "$N4" "$N6" 10.81.1.2 fd81:1::2 65002 ||
	lab_fail "our Loc-RIB differs from what BIRD sent"
lab_pass "BIRD -> bgpd: $N4 IPv4 + $N6 IPv6 routes with exactly BIRD's attributes"

# ---- 2. eBGP chain: s -> bgpd -> r ----
lab_wait 180 "r has every route" bird_at_least r master4 "$((N4 + 2))"
lab_wait 60 "r has every IPv6 route" bird_at_least r master6 "$((N6 + 2))"
echo "figure: chain s -> bgpd -> r complete $(($(now_ms) - t0)) ms after start"
out=$(birdc_r show route for 20.0.0.0/24 all)
echo "$out" | grep -q "BGP.as_path: 65001 65002$" || lab_fail "r: 20.0.0.0/24 path: $out"
echo "$out" | grep -q "BGP.next_hop: 10.81.2.1" || lab_fail "r: 20.0.0.0/24 next hop: $out"
echo "$out" | grep -q "BGP.community: (65002,0)" || lab_fail "r: 20.0.0.0/24 community: $out"
out=$(birdc_r show route for 20.0.3.0/24 all)   # i = 3: prepended 3 times, MED 0
echo "$out" | grep -q "BGP.as_path: 65001 65002 65010 65010 65010$" ||
	lab_fail "r: 20.0.3.0/24 path: $out"
echo "$out" | grep -q "BGP.med" && lab_fail "r: MED from AS 65002 passed on to AS 65003 (RFC 4271 5.1.4)"
out=$(birdc_r show route for 2001:db8:5::/48 all)
echo "$out" | grep -q "BGP.next_hop: fd81:2::1" || lab_fail "r: IPv6 next hop: $out"
echo "$out" | grep -q "BGP.large_community: (65002, 0, 5)" || lab_fail "r: large community: $out"
out=$(birdc_s show route for 192.0.2.0/24 all)
echo "$out" | grep -q "BGP.as_path: 65001 65003$" || lab_fail "s: r's route: $out"
lab_pass "eBGP chain BIRD -> bgpd -> BIRD: paths prepended, next hop ours, MED not passed on"

# ---- 3. our networks and runtime announcements ----
out=$(birdc_s show route for 198.51.100.0/24 all)
echo "$out" | grep -q "BGP.as_path: 65001$" || lab_fail "s: our network's path: $out"
echo "$out" | grep -q "BGP.next_hop: 10.81.1.1" || lab_fail "s: our network's next hop: $out"
echo "$out" | grep -q "BGP.community: (65001,100)" || lab_fail "s: our network's community: $out"
birdc_s show route for 2001:db8:ffff::/48 all | grep -q "BGP.next_hop: fd81:1::1" ||
	lab_fail "s: our IPv6 network's next hop"
cli announce 203.0.113.0/24 community 65001:7 large-community 65001:1:2 >/dev/null ||
	lab_fail "bgpcli announce failed"
lab_wait 10 "announcement reaches s" bird_has s 203.0.113.0/24 "BGP.community: (65001,7)"
out=$(birdc_s show route for 203.0.113.0/24 all)
echo "$out" | grep -q "BGP.as_path: 65001$" || lab_fail "s: announced route: $out"
echo "$out" | grep -q "BGP.large_community: (65001, 1, 2)" || lab_fail "s: announced large community: $out"
cli withdraw 203.0.113.0/24 >/dev/null || lab_fail "bgpcli withdraw failed"
gone() { ! birdc_s show route for 203.0.113.0/24 2>/dev/null | grep -q 203.0.113; }
lab_wait 10 "withdrawal reaches s" gone
cli withdraw 203.0.113.0/24 >/dev/null 2>&1 && lab_fail "withdrawing twice succeeded"
lab_pass "networks and bgpcli announce/withdraw reach BIRD with AS_PATH 65001, our next hop and communities"

# ---- 4. BIRD withdraws half ----
python3 "$ROUTES" bird-static "$N4" "$N6" --keep 2 >"$T/s-static.conf"
t1=$(now_ms)
out=$(birdc_s configure 2>&1)
echo "$out" | grep -q "Reconfigur" || lab_fail "BIRD s did not take its new config: $out"
lab_wait 120 "half withdrawn here" ours_are "$((N4 / 2 + 2))" "$((N6 / 2 + 2))"
echo "figure: $((N4 / 2 + N6 / 2)) withdrawals processed in $(($(now_ms) - t1)) ms"
python3 "$ROUTES" check "$T/bgpd.sock" "$N4" "$N6" 10.81.1.2 fd81:1::2 65002 --keep 2 ||
	lab_fail "after the withdrawal our Loc-RIB differs"
lab_wait 120 "half withdrawn at r" bird_exactly r master4 "$((N4 / 2 + 2))"
lab_pass "withdrawing half in BIRD withdraws them here and down the chain"

# ---- 5. iBGP chain (reload: only r's session resets) ----
s_since=$(birdc_s show protocols bgpd | awk '/bgpd/ { print $4, $5 }')
bird_conf r 10.81.2.2 10.81.2.1 65001 fd81:2::2
bgpd_conf 65001
out=$(birdc_r configure 2>&1)
echo "$out" | grep -q "Reconfigur" || lab_fail "BIRD r did not take its new config: $out"
kill -HUP "$LAB_PID_bgpd"
ibgp_up() { birdc_r show protocols all bgpd 2>/dev/null | grep -q "Neighbor AS:.*65001" &&
	birdc_r show protocols bgpd | grep -q Established; }
lab_wait 60 "iBGP session with r" ibgp_up
lab_wait 120 "r has the routes over iBGP" bird_at_least r master4 "$((N4 / 2 + 2))"
out=$(birdc_r show route for 20.0.0.0/24 all)
echo "$out" | grep -q "BGP.as_path: 65002$" || lab_fail "r (iBGP): path: $out"
echo "$out" | grep -q "BGP.local_pref: 100" || lab_fail "r (iBGP): LOCAL_PREF: $out"
echo "$out" | grep -q "BGP.next_hop: 10.81.2.1" || lab_fail "r (iBGP): next hop (next-hop-self): $out"
lab_wait 30 "s gets r's route with AS_PATH 65001 only" bird_has s 192.0.2.0/24 "BGP.as_path: 65001$"
[ "$(birdc_s show protocols bgpd | awk '/bgpd/ { print $4, $5 }')" = "$s_since" ] ||
	lab_fail "the reload reset s's session too"
lab_pass "iBGP chain: AS_PATH kept, LOCAL_PREF 100, next-hop-self; the other session untouched"

kill -TERM "$LAB_PID_bgpd"
lab_wait_exit bgpd 10 >/dev/null || lab_fail "bgpd did not exit on SIGTERM"
lab_pass "routes: all checks passed"
