#!/bin/bash
# tests/lab/test_link_tun.sh — the TUN link (tcp/link_tun.c) against real kernel TCP,
# IPv4 and IPv6, through tests/tools/linkprobe (hand-made segments, no TCP core).
#
#   ns t: kernel TCP on 10.78.0.1 / fd78::1 (tun7)  <-- tun7 -->  the probe: 10.78.0.2 / fd78::2
#
# The stack's addresses belong to no one in the kernel: the kernel routes them into the
# tun, where the probe reads them. No guard is involved.
. "$(dirname "$0")/lib.sh"
lab_init

PROBE="$LAB_TOP/$LAB_BUILD/tests/linkprobe"
[ -x "$PROBE" ] || lab_fail "no $PROBE (make BUILD=$LAB_BUILD $LAB_BUILD/tests/linkprobe)"
TMP="$(lab_tmp)"
TUN=tun7
TUN_MTU=1400

lab_ns t
lab_exec t ip tuntap add dev $TUN mode tun || lab_fail "cannot create $TUN"
lab_addr t $TUN 10.78.0.1/24
lab_addr t $TUN fd78::1/64
lab_exec t ip link set $TUN mtu $TUN_MTU up

cat >"$TMP/listen.py" <<'EOF'
import socket, sys, time
socks = []
for arg in sys.argv[1:]:
    addr, port = arg.rsplit(":", 1)
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr.strip("[]"), int(port)))
    s.listen(64)
    socks.append(s)
time.sleep(3600)
EOF
cat >"$TMP/connect.py" <<'EOF'
import socket, sys
for arg in sys.argv[1:]:
    addr, port = arg.rsplit(":", 1)
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.settimeout(3)
    try:
        s.connect((addr.strip("[]"), int(port)))
        print(arg, "connected")
    except OSError as e:
        print(arg, type(e).__name__)
    s.close()
EOF

lab_bg t listener python3 "$TMP/listen.py" 10.78.0.1:7000 '[fd78::1]:7000'
lab_wait 10 "kernel listener" sh -c "ip netns exec $(lab_nsname t) ss -Hltn 'sport = :7000' | grep -q ."

for fam in 4 6; do
	if [ "$fam" = 4 ]; then K=10.78.0.1 S=10.78.0.2 C="10.78.0.2:179"; else K=fd78::1 S=fd78::2 C="[fd78::2]:179"; fi

	# Active open: our SYN into the tun, the kernel listener's SYN-ACK out of it.
	out="$TMP/connect$fam.out"
	lab_exec t "$PROBE" --link tun --tun $TUN --src $S --sport 40000 --dst $K --dport 7000 \
		--rst >"$out" 2>&1 || lab_fail "IPv$fam tun connect: probe failed: $(cat "$out")"
	grep -q "^READY link=tun mtu=$TUN_MTU .* dev=$TUN" "$out" ||
		lab_fail "IPv$fam tun: not attached to $TUN with its MTU $TUN_MTU: $(head -1 "$out")"
	grep -q "^SYNACK .*flags=SA ttl=64 .*csum=ok" "$out" ||
		lab_fail "IPv$fam tun connect: no SYN-ACK with a good checksum"
	grep -q "^SENT-RST" "$out" || lab_fail "IPv$fam tun connect: RST not sent"
	lab_pass "IPv$fam: active open through the tun"

	# Passive open: a kernel client connects to the stack's address; the probe
	# gets the SYN and refuses with RST, which the client sees at once.
	lab_bg t probe$fam "$PROBE" --link tun --tun $TUN --mode listen --src $S --sport 179 \
		--rst --timeout 8000
	lab_wait 10 "probe on $TUN" grep -q '^READY' "$(lab_log probe$fam)"
	lab_exec t python3 "$TMP/connect.py" "$C" >"$TMP/client$fam.out" 2>&1
	rc=$(lab_wait_exit probe$fam 10)
	[ "$rc" = 0 ] || lab_fail "IPv$fam tun listen: probe exited with $rc"
	grep -q "^SYN .*:179 flags=S .*csum=ok" "$(lab_log probe$fam)" ||
		lab_fail "IPv$fam tun listen: no SYN"
	grep -q "ConnectionRefusedError" "$TMP/client$fam.out" ||
		lab_fail "IPv$fam tun listen: the client did not get our RST: $(cat "$TMP/client$fam.out")"
	lab_pass "IPv$fam: passive open through the tun"
done

# A device that does not exist is created (and brought up), and disappears with
# the probe: the driver makes it non-persistent.
lab_bg t mk "$PROBE" --link tun --tun tunnew --tun-up --mode guard --hold
lab_wait 10 "probe creating tunnew" grep -q '^READY' "$(lab_log mk)"
lab_exec t ip link show tunnew | grep -q "[<,]UP[,>]" || lab_fail "tunnew not created up"
kill -TERM "$LAB_PID_mk"
[ "$(lab_wait_exit mk 10)" = 0 ] || lab_fail "probe did not exit cleanly"
! lab_exec t ip link show tunnew >/dev/null 2>&1 || lab_fail "tunnew outlived the probe"
lab_pass "a missing tun device is created, up, and goes with the descriptor"

# Attaching to a device that is not a (single-queue) tun says so: a tap here.
lab_exec t ip tuntap add dev tap9 mode tap || lab_fail "cannot create tap9"
if lab_exec t "$PROBE" --link tun --tun tap9 --mode guard >"$TMP/tap.out" 2>&1; then
	lab_fail "attached to a tap device as a tun"
fi
grep -q "TUNSETIFF tap9: Invalid argument — a device of that name exists and is not a single-queue tun" \
	"$TMP/tap.out" || lab_fail "unclear error: $(cat "$TMP/tap.out")"
lab_pass "a device that is not a tun is refused with a message"

lab_pass "tun link"
