#!/bin/bash
# tests/lab/test_bgp_transport.sh — attacks on the transport of a live BGP session.
#
#   ns d: bgpd 10.83.0.1 ── ns b: BIRD 10.83.0.2 (+ 10.83.0.11-12 for the flood)
#
# 1. Without TCP-MD5, segments forged as BIRD's (tests/lab/forge.py, scapy): a RST
#    outside the window is dropped, one inside it but not exact gets a challenge ACK
#    (RFC 5961 §3), a SYN gets a challenge ACK (§4), old data is dropped, ICMP
#    unreachable / fragmentation-needed quoting the session is ignored (RFC 5927 §4:
#    never reset an established connection on ICMP; see doc/tcp.md) — the session
#    stays Established on both sides and our per-connection counters name each drop.
# 2. With TCP-MD5 the same, plus an exact-sequence RST and exact-sequence data: every
#    forged segment is dropped for its missing digest (RFC 2385 §3) before the state
#    machine sees it; the session stays up.
# 3. A SYN flood (hping3, lab addresses only) on port 179 while the session with BIRD
#    is being established: it still establishes. Times with and without the flood
#    are printed (figures, not asserted).
set -u
. "$(dirname "$0")/lib.sh"
lab_init

BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
BGPCLI="$LAB_TOP/$LAB_BUILD/bgpcli"
FORGE="$LAB_TOP/tests/lab/forge.py"
[ -x "$BGPD" ] && [ -x "$BGPCLI" ] || lab_fail "bgpd and bgpcli must be built"
PY=/usr/bin/python3     # Debian's, where python3-scapy is installed (not a pyenv one)
$PY -c "import scapy" 2>/dev/null || lab_fail "python3-scapy is not installed (scripts/setup.sh installs it)"
T="$(lab_tmp)"

lab_ns d
lab_ns b
lab_link d vd b vb
lab_addr d vd 10.83.0.1/24
lab_addr b vb 10.83.0.2/24
lab_addr b vb 10.83.0.11/24
lab_addr b vb 10.83.0.12/24

conf() { # PASSWORD
	local pw=""
	[ -n "$1" ] && pw="password \"$1\";"
	cat >"$T/bird.conf" <<EOF
router id 10.83.0.2;
log stderr { info, warning, error, fatal, bug };
protocol device {}
protocol bgp bgpd {
	local 10.83.0.2 as 65002;
	neighbor 10.83.0.1 as 65001;
	hold time 9;
	connect retry time 1;
	error wait time 1, 5;
	$pw
	ipv4 { import all; export none; };
}
EOF
	cat >"$T/bgpd.yaml" <<EOF
router-id: 10.83.0.1
local-as: 65001
control-socket: $T/bgpd.sock
listen: [10.83.0.1]
neighbors:
  - address: 10.83.0.2
    remote-as: 65002
    hold-time: 9
    connect-retry: 1
    idle-hold: 1
$([ -n "$1" ] && echo "    password: $1")
EOF
}

cli() { "$BGPCLI" -s "$T/bgpd.sock" "$@"; }
established() {
	cli -j show neighbors 2>/dev/null | jq -e '.neighbors[0].state == "Established"' >/dev/null &&
		birdc -s "$T/bird.sock" show protocols bgpd 2>/dev/null | grep -q Established
}
since() { birdc -s "$T/bird.sock" show protocols bgpd | awk '/bgpd/ { print $4, $5 }'; }
# Drop counter REASON of the Established connection with BIRD.
drops() {
	cli -j show tcp | jq -r --arg r "$1" \
		'[.connections[] | select(.state == "ESTABLISHED" and (.remote | startswith("10.83.0.2:")))][0].drops[$r] // 0'
}
now_ms() { date +%s%3N; }

start() {
	lab_bg b bird bird -f -c "$T/bird.conf" -s "$T/bird.sock"
	lab_bg d bgpd "$BGPD" -c "$T/bgpd.yaml"
}
stop() {
	kill -TERM "$LAB_PID_bgpd" "$LAB_PID_bird" 2>/dev/null
	lab_wait_exit bgpd 10 >/dev/null
	lab_wait_exit bird 10 >/dev/null
}

attack() { # label password
	local label="$1" md5="$2" before out
	conf "$md5"
	start
	lab_wait 30 "$label: Established" established
	before=$(since)
	declare -A b4
	for r in rst-out-of-window rst-challenged syn-challenged out-of-window md5-missing; do
		b4[$r]=$(drops "$r")
	done
	out=$(lab_exec b "$PY" "$FORGE" vb 10.83.0.2 10.83.0.1 ${md5:+--exact} 2>&1 | tail -1)
	echo "$out" | jq -e .rcv_nxt >/dev/null 2>&1 || lab_fail "$label: forge.py: $out"
	sleep 2
	established || lab_fail "$label: the session went down"
	[ "$(since)" = "$before" ] || lab_fail "$label: BIRD's session restarted"
	local d
	if [ -z "$md5" ]; then
		for r in rst-out-of-window rst-challenged syn-challenged out-of-window; do
			d=$(($(drops "$r") - ${b4[$r]}))
			[ "$d" -ge 1 ] || lab_fail "$label: no '$r' drop counted ($(cli -j show tcp))"
		done
	else
		d=$(($(drops md5-missing) - ${b4[md5-missing]}))
		[ "$d" -ge 6 ] || lab_fail "$label: $d forged segments counted as md5-missing, want >= 6"
		for r in rst-challenged syn-challenged rst-out-of-window; do
			[ "$(drops "$r")" = "${b4[$r]}" ] ||
				lab_fail "$label: a forged segment reached the state machine ($r)"
		done
	fi
	stop
	lab_pass "$label: forged RST/SYN/data/ICMP change nothing; drops counted by reason"
}

attack "no MD5" ""
attack "TCP-MD5" "s3cret-transport"

# ---- SYN flood on 179 while the session establishes ----
conf ""
t0=$(now_ms)
start
lab_wait 30 "Established without flood" established
quiet=$(($(now_ms) - t0))
stop
lab_bg b flood1 hping3 -S --flood -p 179 -a 10.83.0.11 10.83.0.1
lab_bg b flood2 hping3 -S --flood -p 179 -a 10.83.0.12 10.83.0.1
sleep 1
t0=$(now_ms)
start
lab_wait 60 "Established during a SYN flood" established
flooded=$(($(now_ms) - t0))
echo "figure: session with BIRD established in $quiet ms without and $flooded ms during a SYN flood on port 179"
echo "figure: stack counters after the flood: $(cli -j show tcp | jq -c '.stack')"
kill -TERM "$LAB_PID_flood1" "$LAB_PID_flood2" 2>/dev/null
stop
lab_pass "SYN flood on 179: the BIRD session still establishes"
