#!/bin/bash
# bgpd against BIRD 2 in two namespaces (issue 4's acceptance):
#   - eBGP and iBGP reach Established, with and without TCP-MD5, our side active,
#     passive, and both active at once (the collision leaves one session);
#   - a wrong password never establishes (our stack counts the MD5 drops);
#   - BIRD `disable` -> we log its Cease, fall back, and reconnect on `enable`;
#   - the link cut (nftables) with hold time 9 -> both hold timers expire, the
#     session comes back with the link;
#   - SIGTERM -> BIRD logs an administrative shutdown carrying our message.
set -u
. "$(dirname "$0")/lib.sh"
lab_init

BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
BGPCLI="$LAB_TOP/$LAB_BUILD/bgpcli"
[ -x "$BGPD" ] || lab_fail "$BGPD not built"
T="$(lab_tmp)"

lab_ns a          # bgpd, 10.80.0.1
lab_ns b          # BIRD, 10.80.0.2
lab_link a va b vb
lab_addr a va 10.80.0.1/24
lab_addr b vb 10.80.0.2/24

# bird_conf AS PASSIVE(on|off) PASSWORD HOLD
bird_conf() {
	local pw=""
	[ -n "$3" ] && pw="password \"$3\";"
	cat >"$T/bird.conf" <<EOF
router id 10.80.0.2;
log stderr all;
protocol device {}
protocol bgp peer1 {
	local 10.80.0.2 as $1;
	neighbor 10.80.0.1 as 65001;
	passive $2;
	hold time $4;
	connect retry time 2;
	error wait time 1, 5;
	$pw
	ipv4 { import all; export none; };
}
EOF
}

# bgpd_conf REMOTE_AS PASSIVE(true|false) PASSWORD HOLD
bgpd_conf() {
	cat >"$T/bgpd.yaml" <<EOF
router-id: 10.80.0.1
local-as: 65001
control-socket: $T/bgpd.sock
listen: [10.80.0.1]
neighbors:
  - address: 10.80.0.2
    remote-as: $1
    passive: $2
    hold-time: $4
    connect-retry: 2
    idle-hold: 1
$([ -n "$3" ] && echo "    password: $3")
EOF
}

start() {
	lab_bg b bird bird -f -c "$T/bird.conf" -s "$T/bird.sock"
	lab_bg a bgpd "$BGPD" -c "$T/bgpd.yaml" -d
}

stop() {
	kill -TERM "$LAB_PID_bgpd" "$LAB_PID_bird" 2>/dev/null
	lab_wait_exit bgpd 10 >/dev/null
	lab_wait_exit bird 10 >/dev/null
}

bird_established() {
	lab_exec b birdc -s "$T/bird.sock" show protocols peer1 2>/dev/null | grep -q Established
}

ours_established() {
	local out
	if [ -x "$BGPCLI" ] && out=$("$BGPCLI" -s "$T/bgpd.sock" -j show neighbors 2>/dev/null); then
		echo "$out" |
			python3 -c 'import json,sys; n=json.load(sys.stdin)["neighbors"][0]; sys.exit(0 if n["state"]=="Established" else 1)'
	else
		[ "$(grep -c "session established" "$(lab_log bgpd)")" -gt "${1:-0}" ] &&
			[ "$(grep -c "session down" "$(lab_log bgpd)")" -le "${1:-0}" ]
	fi
}

both_established() { bird_established && ours_established "$@"; }

# Established BGP connections on BIRD's side (kernel sockets): exactly one.
one_connection() {
	[ "$(lab_exec b ss -Htn state established '( sport = :179 or dport = :179 )' | wc -l)" = 1 ]
}

scenario() { # label remote_as bird_passive bgpd_passive password
	local label="$1"
	bird_conf "$2" "$3" "$5" 90
	bgpd_conf "$2" "$4" "$5" 90
	start
	lab_wait 20 "$label: Established on both sides" both_established
	lab_wait 10 "$label: one TCP connection left" one_connection
	# It stays up (no flapping right after the collision is resolved).
	sleep 2
	both_established || lab_fail "$label: session did not stay up"
	one_connection || lab_fail "$label: more than one connection"
	stop
	echo "ok: $label"
}

scenario "eBGP, bgpd active" 65002 on false ""
scenario "eBGP, bgpd passive" 65002 off true ""
scenario "eBGP, both active (collision)" 65002 off false ""
scenario "iBGP, both active (collision)" 65001 off false ""
scenario "eBGP + TCP-MD5, bgpd active" 65002 on false "s3cret-md5"
scenario "eBGP + TCP-MD5, bgpd passive" 65002 off true "s3cret-md5"
scenario "iBGP + TCP-MD5, both active" 65001 off false "s3cret-md5"

# A wrong password never establishes, in either direction.
bird_conf 65002 off "right-key" 90
bgpd_conf 65002 false "wrong-key" 90
start
sleep 8
bird_established && lab_fail "wrong password: BIRD reached Established"
grep -q "session established" "$(lab_log bgpd)" && lab_fail "wrong password: bgpd reached Established"
if [ -x "$BGPCLI" ] && tcpj=$("$BGPCLI" -s "$T/bgpd.sock" -j show tcp 2>/dev/null); then
	echo "$tcpj" | grep -q "md5-bad-digest" ||
		lab_fail "wrong password: no md5-bad-digest drop counted"
fi
stop
echo "ok: wrong password never establishes"

# BIRD disable -> we log its Cease; enable -> back.
bird_conf 65002 off "" 90
bgpd_conf 65002 false "" 90
start
lab_wait 20 "Established before disable" both_established
lab_exec b birdc -s "$T/bird.sock" disable peer1 >/dev/null
lab_wait 10 "our log shows BIRD's Cease" grep -q "NOTIFICATION received: Cease/Administrative Shutdown" "$(lab_log bgpd)"
lab_exec b birdc -s "$T/bird.sock" enable peer1 >/dev/null
lab_wait 30 "re-established after enable" both_established 1
stop
echo "ok: BIRD disable/enable"

# The link cut with hold time 9: both hold timers expire; back with the link.
bird_conf 65002 off "" 9
bgpd_conf 65002 false "" 9
start
lab_wait 20 "Established before the cut" both_established
cut() {
	lab_exec "$1" nft -f - <<EOF
table netdev lab_cut {
	chain ingress { type filter hook ingress device "$2" priority -500; drop; }
}
EOF
}
cut a va
cut b vb
lab_wait 30 "BIRD's hold timer expired" grep -q -i "hold timer expired" "$(lab_log bird)"
lab_wait 30 "our hold timer expired" grep -q "NOTIFICATION sent: Hold Timer Expired" "$(lab_log bgpd)"
lab_exec a nft delete table netdev lab_cut
lab_exec b nft delete table netdev lab_cut
lab_wait 60 "re-established after the link returns" both_established 1
stop
echo "ok: link cut, hold timers, recovery"

# SIGTERM: BIRD hears our administrative shutdown with its message.
start
lab_wait 20 "Established before SIGTERM" both_established
kill -TERM "$LAB_PID_bgpd"
[ "$(lab_wait_exit bgpd 10)" = 0 ] || lab_fail "bgpd did not exit 0 on SIGTERM"
lab_wait 10 "BIRD logs our shutdown communication" \
	grep -q 'Received: Administrative shutdown: "bgpd is shutting down"' "$(lab_log bird)"
kill -TERM "$LAB_PID_bird"
echo "ok: SIGTERM -> administrative shutdown with message"

lab_pass "bgpd <-> BIRD 2: sessions, MD5, collision, disable/enable, hold timer, shutdown"
