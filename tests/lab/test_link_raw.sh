#!/bin/bash
# tests/lab/test_link_raw.sh — the raw-socket link (tcp/link_raw.c) and its kernel-RST
# guard (tcp/guard.c) against real kernel TCP, IPv4 and IPv6, through tests/tools/linkprobe
# (hand-made segments; the TCP core is not involved).
#
#   ns a (the probe: shares a's addresses with a's kernel)  <-- veth -->  ns b (kernel TCP)
#
# A capture on a's veth shows what a's kernel sends. Our probe's RSTs carry window 21075
# (PROBE_RST_WINDOW), the kernel's window 0, which is how the two are told apart.
. "$(dirname "$0")/lib.sh"
lab_init

PROBE="$LAB_TOP/$LAB_BUILD/tests/linkprobe"
[ -x "$PROBE" ] || lab_fail "no $PROBE (make BUILD=$LAB_BUILD $LAB_BUILD/tests/linkprobe)"
OURWIN=21075
TMP="$(lab_tmp)"

lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va 10.77.0.1/24
lab_addr b vb 10.77.0.2/24
lab_addr a va fd77::1/64
lab_addr b vb fd77::2/64

cat >"$TMP/listen.py" <<'EOF'
# Kernel listeners on each ADDR:PORT given; they never accept: the kernel
# completes handshakes on its own.
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
# Connect to each ADDR:PORT in turn; print how each attempt ended.
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

listening() { # NS PORT
	lab_exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

lab_bg b listener python3 "$TMP/listen.py" 10.77.0.2:7000 '[fd77::2]:7000'
lab_wait 10 "kernel listener in b" listening b 7000

# ---- captures on a's veth ----
cap_start() { # NAME
	lab_bg a "$1" tcpdump -i va -nn -U --immediate-mode -w "$TMP/$1.pcap" tcp
	lab_wait 10 "tcpdump $1" grep -q "listening on" "$(lab_log "$1")"
}
cap_stop() { # NAME
	local pid
	eval "pid=\${LAB_PID_$1}"
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	[ "$(lab_wait_exit "$1" 10)" != 124 ] || lab_fail "tcpdump $1 did not stop"
	tcpdump -nn -r "$TMP/$1.pcap" >"$TMP/$1.txt" 2>/dev/null
}
# RSTs a sent from ADDR.PORT: ours (window OURWIN) or the kernel's (any other).
rsts_ours() { # NAME ADDR PORT
	grep -F " $2.$3 > " "$TMP/$1.txt" | grep -F 'Flags [R' | grep -c "win $OURWIN," || true
}
rsts_kernel() { # NAME ADDR PORT
	grep -F " $2.$3 > " "$TMP/$1.txt" | grep -F 'Flags [R' | grep -vc "win $OURWIN," || true
}
stat_of() { # FILE KEY -> the value in the STATS line
	sed -n "s/^STATS.* $2=\([0-9]*\).*/\1/p" "$1"
}

run_probe() { # OUTFILE ARGS... ; fails the test unless the probe exits 0
	local out="$1"
	shift
	lab_exec a "$PROBE" "$@" >"$out" 2>&1 || {
		cat "$out" >&2
		lab_fail "linkprobe $* exited with $?"
	}
}

for fam in 4 6; do
	if [ "$fam" = 4 ]; then A=10.77.0.1 B=10.77.0.2; else A=fd77::1 B=fd77::2; fi

	# 1. Control: without the guard the kernel does RST the SYN-ACK of our SYN,
	#    and the capture sees it — so zero RSTs below means something.
	cap_start cap${fam}a
	run_probe "$TMP/p${fam}a.out" --src $A --sport 61001 --dst $B --dport 7000 --no-guard --linger 300
	cap_stop cap${fam}a
	grep -q '^SYNACK .*csum=ok' "$TMP/p${fam}a.out" || lab_fail "IPv$fam control: no SYN-ACK"
	[ "$(rsts_kernel cap${fam}a $A 61001)" -ge 1 ] ||
		lab_fail "IPv$fam control: the kernel's RST was not seen; the capture would prove nothing"
	lab_pass "IPv$fam: unguarded, the kernel RSTs the SYN-ACK our SYN drew (control)"

	# 2. Active open, guarded: SYN out, SYN-ACK in through poll_rx (plus the peer's
	#    retransmission a second later), no kernel RST on the wire, our marked RST out.
	cap_start cap${fam}b
	run_probe "$TMP/p${fam}b.out" --src $A --sport 61002 --dst $B --dport 7000 --linger 1500 --rst
	cap_stop cap${fam}b
	out="$TMP/p${fam}b.out"
	grep -q "^SYNACK .*ttl=64 .*csum=ok" "$out" ||
		lab_fail "IPv$fam guarded connect: no SYN-ACK with ttl=64 and a good checksum"
	[ "$(grep -c '^RX .*flags=SA' "$out")" -ge 2 ] ||
		lab_fail "IPv$fam guarded connect: the retransmitted SYN-ACK did not arrive"
	[ "$(rsts_kernel cap${fam}b $A 61002)" -eq 0 ] ||
		lab_fail "IPv$fam guarded connect: the kernel sent RST despite the guard"
	[ "$(rsts_ours cap${fam}b $A 61002)" -eq 1 ] ||
		lab_fail "IPv$fam guarded connect: our own (marked) RST did not go out"
	[ "$(stat_of "$out" guard_dropped)" -ge 2 ] ||
		lab_fail "IPv$fam guarded connect: guard counters show no dropped RST"
	[ "$(stat_of "$out" outside)" -eq 0 ] || lab_fail "IPv$fam: filter let other ports through"
	lab_pass "IPv$fam: active open through the raw link; kernel RSTs dropped, ours sent"

	# 3. Passive open: claim a port, receive a kernel client's SYN. Before it, the
	#    client tries an unclaimed port: the BPF filter keeps that SYN from us and
	#    the kernel's RST for it goes out untouched (the guard is scoped).
	cap_start cap${fam}c
	lab_bg a probe${fam}c "$PROBE" --mode listen --src $A --sport 5179 --rst --timeout 8000
	lab_wait 10 "probe listening" grep -q '^READY' "$(lab_log probe${fam}c)"
	if [ "$fam" = 4 ]; then C1=$A:5180 C2=$A:5179; else C1="[$A]:5180" C2="[$A]:5179"; fi
	lab_exec b python3 "$TMP/connect.py" "$C1" "$C2" >"$TMP/c${fam}.out" 2>&1
	rc=$(lab_wait_exit probe${fam}c 10)
	cap_stop cap${fam}c
	out="$(lab_log probe${fam}c)"
	[ "$rc" = 0 ] || lab_fail "IPv$fam listen: probe exited with $rc"
	grep -q "^SYN .*:5179 flags=S .*csum=ok" "$out" || lab_fail "IPv$fam listen: no SYN"
	! grep -q ":5180 flags" "$out" || lab_fail "IPv$fam listen: the filter passed port 5180"
	[ "$(stat_of "$out" outside)" -eq 0 ] || lab_fail "IPv$fam: filter let other ports through"
	[ "$(rsts_kernel cap${fam}c $A 5180)" -ge 1 ] ||
		lab_fail "IPv$fam listen: the kernel's RST for an unclaimed port was dropped"
	[ "$(rsts_kernel cap${fam}c $A 5179)" -eq 0 ] ||
		lab_fail "IPv$fam listen: the kernel sent RST for our claimed port"
	[ "$(rsts_ours cap${fam}c $A 5179)" -eq 1 ] || lab_fail "IPv$fam listen: our RST did not go out"
	grep -q "5179 ConnectionRefusedError" "$TMP/c${fam}.out" ||
		lab_fail "IPv$fam listen: the client did not see our RST"
	lab_pass "IPv$fam: claimed port receives the kernel client's SYN; other ports untouched"
done

# 4. IPv6 without IPV6_HDRINCL: the ancillary-data send path.
cap_start cap6d
run_probe "$TMP/p6d.out" --src fd77::1 --sport 61003 --dst fd77::2 --dport 7000 --v6-cmsg --rst
cap_stop cap6d
grep -q "v6hdrincl=0" "$TMP/p6d.out" || lab_fail "IPv6 cmsg path not taken"
grep -q "^SYNACK .*ttl=64 .*csum=ok" "$TMP/p6d.out" || lab_fail "IPv6 cmsg path: no SYN-ACK"
[ "$(rsts_kernel cap6d fd77::1 61003)" -eq 0 ] || lab_fail "IPv6 cmsg path: kernel RST"
[ "$(rsts_ours cap6d fd77::1 61003)" -eq 1 ] || lab_fail "IPv6 cmsg path: our RST missing"
lab_pass "IPv6: IPV6_PKTINFO/IPV6_HOPLIMIT fallback send path"

# 5. A port a kernel program holds cannot be claimed, and the message says so.
lab_bg a klisten python3 "$TMP/listen.py" 10.77.0.1:5181
lab_wait 10 "kernel listener in a" listening a 5181
if lab_exec a "$PROBE" --mode listen --src 10.77.0.1 --sport 5181 >"$TMP/p5.out" 2>&1; then
	lab_fail "claimed a port a kernel socket listens on"
fi
grep -q "port 5181 is in use by a kernel socket" "$TMP/p5.out" ||
	lab_fail "claim conflict: unclear message: $(cat "$TMP/p5.out")"
lab_pass "claiming a port held by a kernel socket fails with a clear message"

# 6. The guard table's lifetime.
tables() { lab_exec a nft list tables inet; }
has_table() { tables | grep -qw "$1"; }
ready_table() { sed -n 's/^READY.* guard=\([^ ]*\) .*/\1/p' "$(lab_log "$1")"; }
kill_probe() { # NAME SIGNAL
	local pid
	eval "pid=\${LAB_PID_$1}"
	# lab_bg runs `ip netns exec`, which execs the probe: $pid is the probe.
	kill "-$2" "$pid"
	lab_wait_exit "$1" 10
}

lab_bg a hold1 "$PROBE" --mode guard --hold
lab_wait 10 "probe hold1" grep -q '^READY' "$(lab_log hold1)"
t1="$(ready_table hold1)"
has_table "$t1" || lab_fail "guard table $t1 not installed"
if grep -q "owned=1" "$(lab_log hold1)"; then
	kill_probe hold1 KILL >/dev/null
	lab_wait 5 "owned table gone after kill -9" sh -c "! ip netns exec $(lab_nsname a) nft list tables inet | grep -qw $t1"
	lab_pass "kill -9: the kernel removed the owned guard table with the process"
else
	kill_probe hold1 KILL >/dev/null
	echo "note: kernel without NFT_TABLE_F_OWNER; leftovers are swept at start"
fi

# A table left by a crash on a kernel without the owner flag (simulated with
# --no-owner) is swept by the next start; so is one whose pid is alive but
# belongs to another process (start time differs); another pid namespace's is left.
lab_bg a hold2 "$PROBE" --mode guard --hold --no-owner
lab_wait 10 "probe hold2" grep -q '^READY' "$(lab_log hold2)"
t2="$(ready_table hold2)"
kill_probe hold2 KILL >/dev/null
has_table "$t2" || lab_fail "the --no-owner table vanished on kill -9: nothing to sweep"
myns=$(stat -L -c %i /proc/self/ns/pid)
fake_reused="ustack_guard_$$_1_$myns"          # our pid, wrong start time
fake_otherns="ustack_guard_1_1_$((myns + 1))"  # another pid namespace
lab_exec a nft add table inet "$fake_reused"
lab_exec a nft add table inet "$fake_otherns"
run_probe "$TMP/p6.out" --mode guard
t3="$(sed -n 's/^READY.* guard=\([^ ]*\) .*/\1/p' "$TMP/p6.out")"
! has_table "$t2" || lab_fail "leftover table $t2 of a killed probe was not swept"
! has_table "$fake_reused" || lab_fail "leftover $fake_reused (pid reused) was not swept"
has_table "$fake_otherns" || lab_fail "a table of another pid namespace was swept"
! has_table "$t3" || lab_fail "the probe's own table $t3 survived its normal exit"
lab_exec a nft delete table inet "$fake_otherns"
lab_pass "leftover guard tables of dead owners are swept at start, others left alone"

lab_bg a hold3 "$PROBE" --mode guard --hold --no-owner
lab_wait 10 "probe hold3" grep -q '^READY' "$(lab_log hold3)"
t4="$(ready_table hold3)"
[ "$(kill_probe hold3 TERM)" = 0 ] || lab_fail "probe did not exit cleanly on SIGTERM"
! has_table "$t4" || lab_fail "guard table $t4 left behind after a clean exit"
lab_pass "SIGTERM: tcp_guard_close removes the (unowned) table"

# 7. Ephemeral ranges the kernel could also hand out are refused...
if lab_exec a "$PROBE" --mode guard --ephemeral 40000-50000 >"$TMP/p7.out" 2>&1; then
	lab_fail "accepted an ephemeral range inside the kernel's ip_local_port_range"
fi
grep -q "overlap the kernel's net.ipv4.ip_local_port_range" "$TMP/p7.out" ||
	lab_fail "range overlap: unclear message: $(cat "$TMP/p7.out")"
# ...unless reserved from the kernel (per network namespace).
lab_exec a sysctl -qw net.ipv4.ip_local_reserved_ports=40000-50000
run_probe "$TMP/p7b.out" --mode guard --ephemeral 40000-50000
lab_pass "ephemeral range overlapping the kernel's is refused unless reserved"

# 8. Missing privileges are named.
if command -v setpriv >/dev/null; then
	drop() { # CAP ARGS...
		local cap="$1"
		shift
		lab_exec a setpriv --inh-caps="-$cap" --bounding-set="-$cap" "$PROBE" "$@"
	}
	if drop net_raw --mode guard >"$TMP/p8a.out" 2>&1; then
		lab_fail "opened a raw socket without CAP_NET_RAW"
	fi
	grep -q "raw socket (IPv.): Operation not permitted — needs CAP_NET_RAW (run as root or grant it: setcap cap_net_raw,cap_net_admin+ep " "$TMP/p8a.out" ||
		lab_fail "no CAP_NET_RAW: unclear message: $(cat "$TMP/p8a.out")"
	if drop net_admin --mode guard >"$TMP/p8b.out" 2>&1; then
		lab_fail "installed the guard without CAP_NET_ADMIN"
	fi
	grep -q "nftables: Operation not permitted — needs CAP_NET_ADMIN" "$TMP/p8b.out" ||
		lab_fail "no CAP_NET_ADMIN: unclear message: $(cat "$TMP/p8b.out")"
	[ "$(wc -l <"$TMP/p8b.out")" -eq 1 ] || lab_fail "no CAP_NET_ADMIN: stray output: $(cat "$TMP/p8b.out")"
	lab_pass "missing CAP_NET_RAW / CAP_NET_ADMIN are named in the error"
fi

[ -z "$(tables | grep ustack_guard_)" ] || lab_fail "guard tables left: $(tables)"
lab_pass "raw link and guard"
