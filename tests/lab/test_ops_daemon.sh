#!/bin/bash
# bgpd as a service (issue 6):
#   - the unit `make install DESTDIR=...` generates passes `systemd-analyze
#     verify` (with its man pages, against the installed binary);
#   - systemd notify without systemd: a fake NOTIFY_SOCKET receives READY=1
#     after start, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 on
#     SIGTERM, and WATCHDOG=1 every WATCHDOG_USEC/2;
#   - `bgpd -u nobody`: privileges dropped (uid/gid nobody, CapEff exactly
#     CAP_NET_RAW|CAP_NET_ADMIN), and it still peers with BIRD, reloads and
#     shuts down cleanly.
set -u
. "$(dirname "$0")/lib.sh"
lab_init

BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
CLI="$LAB_TOP/$LAB_BUILD/bgpcli"
[ -x "$BGPD" ] || lab_fail "$BGPD not built"
[ -x "$CLI" ] || lab_fail "$CLI not built"
command -v bird >/dev/null || lab_skip "BIRD 2 not installed"
T="$(lab_tmp)"

# ---- the installed unit ---------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	INST="$T/inst"
	make -s -C "$LAB_TOP" BUILD="$LAB_BUILD" install DESTDIR="$INST" >"$T/install.log" 2>&1 ||
		lab_fail "make install DESTDIR=$INST: $(tail -20 "$T/install.log")"
	UNIT="$(find "$INST" -name bgpd.service -type f)"
	[ -n "$UNIT" ] || lab_fail "make install made no bgpd.service"
	SBIN="$(dirname "$(find "$INST" -name bgpd -type f -perm -u+x | head -1)")"
	[ -x "$SBIN/bgpd" ] || lab_fail "make install did not install bgpd"
	# The unit names the final path (SBINDIR); verify needs the binary there, so
	# point it into DESTDIR, and man(1) at the installed pages for Documentation=.
	mkdir "$T/unit"
	sed "s|${SBIN#"$INST"}/bgpd|$SBIN/bgpd|g" "$UNIT" >"$T/unit/bgpd.service"
	grep -q "^ExecStart=$SBIN/bgpd " "$T/unit/bgpd.service" || lab_fail "unexpected ExecStart in $UNIT"
	MANPATH="$(find "$INST" -type d -name man | head -1)" \
		systemd-analyze verify "$T/unit/bgpd.service" >"$T/verify.log" 2>&1 ||
		lab_fail "systemd-analyze verify: $(cat "$T/verify.log")"
	[ -s "$T/verify.log" ] && lab_fail "systemd-analyze verify complains: $(cat "$T/verify.log")"
	grep -q "^Type=notify" "$UNIT" && grep -q "^WatchdogSec=" "$UNIT" ||
		lab_fail "the unit is not Type=notify with a watchdog"
	echo "ok: the installed unit passes systemd-analyze verify"
else
	echo "note: no systemd-analyze, unit not verified"
fi

# ---- a daemon as systemd would run it, but without systemd -------------------------
lab_ns a        # bgpd 10.84.0.1
lab_ns b        # BIRD 10.84.0.2
lab_link a va b vb
lab_addr a va 10.84.0.1/24
lab_addr b vb 10.84.0.2/24

cat >"$T/bird.conf" <<EOF
router id 10.84.0.2;
log stderr all;
protocol device {}
protocol bgp peer1 {
	local 10.84.0.2 as 65002;
	neighbor 10.84.0.1 as 65001;
	hold time 90;
	connect retry time 2;
	error wait time 1, 5;
	ipv4 { import all; export none; };
}
EOF
cat >"$T/bgpd.yaml" <<EOF
router-id: 10.84.0.1
local-as: 65001
control-socket: $T/bgpd.sock
listen: [10.84.0.1]
neighbors:
  - address: 10.84.0.2
    remote-as: 65002
    hold-time: 90
    connect-retry: 2
    idle-hold: 1
EOF
# nobody reads the file on SIGHUP and writes to the notify socket.
chmod 0711 "$T"
chmod 0644 "$T/bgpd.yaml"

# The service manager's end: every datagram, in order, then a "--" line.
NOTIFY="$T/notify.sock"
cat >"$T/notify.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode() + "\n--\n")
        out.flush()
EOF
: >"$T/notify.txt"
lab_bg a notify python3 -u "$T/notify.py" "$NOTIFY" "$T/notify.txt"
lab_wait 10 "the notify socket" test -S "$NOTIFY"

# The datagrams' first lines without the watchdog pings, one per line.
states() { awk 'prev == "--" || NR == 1 { if ($0 != "WATCHDOG=1") print } { prev = $0 }' "$T/notify.txt" | grep -v '^--$'; }
states_are() { [ "$(states | tr '\n' ' ')" = "$1" ]; }

lab_bg b bird bird -f -c "$T/bird.conf" -s "$T/bird.sock"
# WATCHDOG_USEC 1 s: a ping every half second (sd_watchdog_enabled(3)).
lab_bg a bgpd env NOTIFY_SOCKET="$NOTIFY" WATCHDOG_USEC=1000000 "$BGPD" -c "$T/bgpd.yaml" -u nobody -d
PID="$LAB_PID_bgpd"

lab_wait 20 "READY=1 after start" states_are "READY=1 "
established() {
	"$CLI" -s "$T/bgpd.sock" -j show neighbors 2>/dev/null | grep -q '"state": "Established"' &&
		lab_exec b birdc -s "$T/bird.sock" show protocols peer1 2>/dev/null | grep -q Established
}
lab_wait 30 "Established with BIRD as nobody" established
echo "ok: READY=1 after start"

# ---- privileges ------------------------------------------------------------------
[ "$(cat "/proc/$PID/comm")" = bgpd ] || lab_fail "pid $PID is not bgpd"
ST="/proc/$PID/status"
NOBODY_UID="$(id -u nobody)"
NOBODY_GID="$(id -g nobody)"
grep -Eq "^Uid:\s+$NOBODY_UID\s+$NOBODY_UID\s+$NOBODY_UID\s+$NOBODY_UID$" "$ST" || lab_fail "not uid nobody: $(grep ^Uid "$ST")"
grep -Eq "^Gid:\s+$NOBODY_GID\s+$NOBODY_GID\s+$NOBODY_GID\s+$NOBODY_GID$" "$ST" || lab_fail "not gid nobody's: $(grep ^Gid "$ST")"
grep -Eq "^Groups:\s*($NOBODY_GID)?\s*$" "$ST" || lab_fail "supplementary groups kept: $(grep ^Groups "$ST")"
# CAP_NET_ADMIN is 12, CAP_NET_RAW 13 (linux/capability.h): 0x3000, nothing else.
CAPS_NET=0000000000003000
grep -q "^CapEff:\s*$CAPS_NET$" "$ST" || lab_fail "CapEff is not CAP_NET_RAW|CAP_NET_ADMIN: $(grep ^CapEff "$ST")"
grep -q "^CapPrm:\s*$CAPS_NET$" "$ST" || lab_fail "CapPrm is not CAP_NET_RAW|CAP_NET_ADMIN: $(grep ^CapPrm "$ST")"
grep -q "^CapInh:\s*0000000000000000$" "$ST" || lab_fail "inheritable capabilities: $(grep ^CapInh "$ST")"
grep -q "^NoNewPrivs:\s*1$" "$ST" || lab_fail "NoNewPrivs not set: $(grep ^NoNewPrivs "$ST")"
echo "ok: running as nobody with CapEff = CAP_NET_RAW|CAP_NET_ADMIN, and peering with BIRD"

# ---- the watchdog --------------------------------------------------------------------
lab_wait 10 "WATCHDOG=1 pings" sh -c "[ \$(grep -cx WATCHDOG=1 '$T/notify.txt') -ge 3 ]"
echo "ok: WATCHDOG=1 with WATCHDOG_USEC set"

# ---- SIGHUP: RELOADING=1, then READY=1 ------------------------------------------
sed -i 's/hold-time: 90/hold-time: 60/' "$T/bgpd.yaml"
kill -HUP "$PID"
lab_wait 20 "RELOADING=1 then READY=1 after SIGHUP" states_are "READY=1 RELOADING=1 READY=1 "
grep -q "^MONOTONIC_USEC=[0-9]" "$T/notify.txt" || lab_fail "RELOADING=1 without MONOTONIC_USEC"
grep -q "configuration reloaded" "$(lab_log bgpd)" || lab_fail "the reload as nobody failed: $(tail -5 "$(lab_log bgpd)")"
lab_wait 30 "re-established under the new hold time" sh -c "
	'$CLI' -s '$T/bgpd.sock' -j show neighbors | grep -q '\"hold_time\": 60' &&
	'$CLI' -s '$T/bgpd.sock' -j show neighbors | grep -q '\"state\": \"Established\"'"
echo "ok: SIGHUP -> RELOADING=1, READY=1; the reload applied as nobody"

# ---- SIGTERM: STOPPING=1 ------------------------------------------------------------
kill -TERM "$PID"
[ "$(lab_wait_exit bgpd 15)" = 0 ] || lab_fail "bgpd did not exit 0 on SIGTERM"
states_are "READY=1 RELOADING=1 READY=1 STOPPING=1 " || lab_fail "notifications: $(states | tr '\n' ' ')"
lab_wait 10 "BIRD hears our shutdown" grep -q 'Received: Administrative shutdown: "bgpd is shutting down"' "$(lab_log bird)"
echo "ok: SIGTERM -> STOPPING=1, exit 0, BIRD told"

lab_pass "bgpd as a service: unit verified, sd_notify READY/RELOADING/STOPPING/WATCHDOG, runs as nobody"
