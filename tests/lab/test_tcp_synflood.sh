#!/bin/bash
# tests/lab/test_tcp_synflood.sh — a SYN flood against tcpcat's listener.
#
#   ns a: tcpcat -l -k (our stack)  <-- veth -->  ns b: hping3 floods + a kernel client
#
# hping3 floods SYNs (-S --flood; hping3 starts at a random source port and steps it
# on every packet) at tcpcat's port from FLOOD_SOURCES extra addresses assigned to
# ns b (one hping3 each), for FLOOD_SECS seconds (longer if the legit connections
# meant to run during the flood need longer: the flood is stopped only after them).
# ns b's kernel would answer every SYN-ACK to those addresses with an RST (it has no
# socket for them) and so empty the SYN queue for us; an nft rule in b's OUTPUT drops those RSTs, as a spoofed flood's
# sources would never answer. Everything stays on the veth: the
# flood's sources are lab addresses, and neither namespace has any other route.
#
# Asserted:
#   - every legitimate connection (a kernel client in b, from its own address) made
#     before, during and after the flood establishes, delivers its line to tcpcat
#     (tcpcat's stdout is every line, in order) and reads tcpcat's FIN (-k answers
#     each connection with an immediate FIN, no data);
#   - the stack answered the flood with SYN cookies (syncookies_sent > 0) and the
#     legit connections made during the flood were cookie-validated
#     (syncookies_ok >= LEGIT_N: the queue stays full of the flood's half-opens);
#   - the SYN queue never grew past its bound: at every sample (every 0.2 s during
#     the flood, and before and after it), the control blocks not in
#     TIME-WAIT (conns_live - conns_time_wait: the half-open ones plus the legit
#     sinks not yet closed) are <= syn_backlog (256, the stack's default) + accept
#     backlog (16, tcpcat's).
#     tcpcat has no SYN-queue gauge of its own, so this is the closest reading; a
#     queue that ignored its bound would show hundreds of thousands;
#   - tcpcat's RSS (VmRSS, sampled during the flood) grew by no more than
#     syn_backlog x 4 KiB (a half-open control block, 1.6 KB, rounded up to a page)
#     + the link's receive batch x 4 KiB (one touched page per receive slot) + a
#     fixed 2 MiB for allocator slack and the legit connections' buffers;
#   - no RST from ns a's address crossed the link (capture): neither ns a's kernel nor
#     our stack answered the flood with one.
# Printed, not asserted: the time for the legitimate connection to establish with
# and without the flood, and the flood's packet count.
# FLOOD_SECS (default 10), FLOOD_SOURCES (default 2, one hping3 each), LEGIT_N (number
# of legit connections during the flood, default 5) size it.
set -u
. "$(dirname "$0")/lib.sh"
lab_init

FLOOD_SECS="${FLOOD_SECS:-10}"
FLOOD_SOURCES="${FLOOD_SOURCES:-2}"
LEGIT_N="${LEGIT_N:-5}"
PORT=7301
SYN_BACKLOG=256         # tcp_config_default(): syn_backlog
ACCEPT_BACKLOG=16       # tcpcat: tcpev_listen(..., 16, ...)
RX_BATCH=32             # TCP_LINK_RAW_BATCH_DEFAULT
PAGE_KB=4
SLACK_KB=2048
MSL_MS=500

TCPCAT="$LAB_TOP/$LAB_BUILD/tcpcat"
[ -x "$TCPCAT" ] || lab_fail "$TCPCAT not built"
command -v hping3 >/dev/null || lab_skip "hping3 not installed"
command -v tcpdump >/dev/null || lab_skip "tcpdump not installed"
command -v jq >/dev/null || lab_skip "jq not installed"
# The interpreter itself: a version manager's shim can take seconds to start.
PY="$(python3 -c 'import sys; print(sys.executable)')" || lab_skip "python3 not usable"
T="$(lab_tmp)"

A_IP=10.73.0.1
B_IP=10.73.0.2
lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va "$A_IP/24"
lab_addr b vb "$B_IP/24"
FLOOD_IPS=""
for i in $(seq 1 "$FLOOD_SOURCES"); do
	lab_addr b vb "10.73.0.$((10 + i))/24"
	FLOOD_IPS="$FLOOD_IPS${FLOOD_IPS:+, }10.73.0.$((10 + i))"
done
# The flood's sources stay silent, like spoofed ones: b's kernel must not reset
# the half-open connections their SYNs created on our side.
lab_exec b nft -f - <<EOF || lab_fail "nft rule in b"
table inet synflood {
	chain out {
		type filter hook output priority 0;
		ip saddr { $FLOOD_IPS } tcp flags & rst != 0 counter drop
	}
}
EOF

# ---- helpers (as in test_tcp_many.sh) ----

jget() { echo "$1" | jq -e ".$2"; }

usr1_caught() { # PID
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && [ $((0x$m & 0x200)) -ne 0 ]
}

# Ask tcpcat for its counters; print the JSON line it answers. Under the flood its
# loop is busy, so the wait is generous.
counters() {
	local log n i
	log="$(lab_log srv)"
	n=$(grep -c '^{' "$log")
	kill -USR1 "$LAB_PID_srv" || lab_fail "tcpcat is gone"
	for i in $(seq 200); do
		[ "$(grep -c '^{' "$log")" -gt "$n" ] && break
		sleep 0.05
	done
	[ "$(grep -c '^{' "$log")" -gt "$n" ] || lab_fail "tcpcat did not answer SIGUSR1"
	grep '^{' "$log" | tail -1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$LAB_PID_srv/status"; }

# The control blocks outside TIME-WAIT stay within the SYN queue's bound plus the
# accept backlog at every sample; remembers the largest.
LIVE_MAX=0
LIVE_BOUND=$((SYN_BACKLOG + ACCEPT_BACKLOG))
check_live() {
	local c live tw
	c=$(counters)
	live=$(jget "$c" conns_live) || lab_fail "no conns_live in $c"
	tw=$(jget "$c" conns_time_wait) || lab_fail "no conns_time_wait in $c"
	live=$((live - tw))
	[ "$live" -gt "$LIVE_MAX" ] && LIVE_MAX=$live
	[ "$live" -le "$LIVE_BOUND" ] ||
		lab_fail "$live control blocks outside TIME-WAIT > syn_backlog + backlog = $LIVE_BOUND: $c"
}

# The legitimate client: COUNT connections from B_IP, one after the other. Each
# connects (timed), sends its line, reads to EOF (tcpcat -k sends FIN at once) and
# closes. Prints one "connect_ms" line per connection.
cat >"$T/legit.py" <<'EOF'
import socket, sys, time
addr, port, src, tag, count, gap = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    # Under the flood a SYN can be lost in a full receive queue; the kernel
    # retries (1 s, 3 s, 7 s ...), and 30 s covers four retries.
    s.settimeout(30)
    t0 = time.monotonic()
    try:
        s.connect((addr, port))
        t1 = time.monotonic()
        s.sendall(b"legit %s %d\n" % (tag.encode(), i))
        while True:
            b = s.recv(4096)
            if not b:
                break
            sys.exit("legit %s %d: unexpected data %r" % (tag, i, b[:40]))
    except OSError as e:
        sys.exit("legit %s %d: %s after %.0f ms" % (tag, i, e, (time.monotonic() - t0) * 1000))
    s.close()
    print("connect_ms %.2f" % ((t1 - t0) * 1000), flush=True)
    if i + 1 < count:
        time.sleep(gap)
EOF

LEGIT_DONE=0
legit() { # TAG COUNT GAP
	lab_exec b "$PY" "$T/legit.py" "$A_IP" "$PORT" "$B_IP" "$1" "$2" "$3" >"$T/legit-$1.log" 2>&1 ||
		lab_fail "legitimate connection failed: $(cat "$T/legit-$1.log")"
	LEGIT_DONE=$((LEGIT_DONE + $2))
	for i in $(seq 0 $(($2 - 1))); do printf 'legit %s %d\n' "$1" "$i"; done >>"$T/want.out"
}

ms_summary() { # FILE: "n=N min/median/max ms"
	awk '/^connect_ms/ { print $2 }' "$1" | sort -n | awk '
		{ v[NR] = $1 }
		END { if (NR == 0) { print "none"; exit }
		      printf "n=%d min %.1f / median %.1f / max %.1f ms", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# ---- the run ----

# Every RST from ns a's address, whoever sent it (ns a's kernel or our stack).
lab_bg a capture tcpdump --immediate-mode -n -i va -U -w "$T/rst.pcap" \
	"src host $A_IP and tcp[tcpflags] & tcp-rst != 0"
lab_wait 5 "tcpdump running" test -s "$(lab_log capture)"

cat >"$T/srv.sh" <<EOF
#!/bin/sh
exec "$TCPCAT" -l -k --msl $MSL_MS $A_IP $PORT >"$T/srv.out"
EOF
chmod +x "$T/srv.sh"
: >"$T/want.out"
lab_bg a srv "$T/srv.sh"
lab_wait 10 "tcpcat catches SIGUSR1" usr1_caught "$LAB_PID_srv"
c=$(counters)
[ "$(jget "$c" listeners)" = 1 ] || lab_fail "tcpcat is not listening: $c"

# Without the flood: the reference connect time, and the RSS baseline once the
# stack has served connections (its buffers have been allocated once).
legit before 5 0.1
rss0=$(rss_kb)
c=$(counters)
[ "$(jget "$c" syncookies_sent)" = 0 ] || lab_fail "SYN cookies before any flood: $c"

# The flood runs until it is stopped: at least FLOOD_SECS, and for as long as the
# legit connections of the "during" phase take on a loaded machine.
for i in $(seq 1 "$FLOOD_SOURCES"); do
	lab_bg b "flood$i" hping3 -q -S --flood -p "$PORT" -a "10.73.0.$((10 + i))" "$A_IP"
done
cookies_flowing() { [ "$(jget "$(counters)" syncookies_sent)" -gt 0 ]; }
lab_wait 10 "the flood fills the SYN queue (SYN cookies sent)" cookies_flowing
flood_end=$(($(date +%s) + FLOOD_SECS))

# Sampled every 0.2 s during the flood: RSS here, the counters in tcpcat's log.
lab_bg a rss sh -c "while :; do awk '/^VmRSS:/ { print \$2 }' /proc/$LAB_PID_srv/status;
	kill -USR1 $LAB_PID_srv; sleep 0.2; done"

# During the flood: LEGIT_N legit connections spread over its first part.
legit during "$LEGIT_N" "$(awk -v s="$FLOOD_SECS" -v n="$LEGIT_N" 'BEGIN { print s * 0.6 / n }')"
check_live
for i in $(seq 1 "$FLOOD_SOURCES"); do
	[ -e "$T/flood$i.rc" ] && lab_fail "hping3 #$i ended before the legit connections were done"
done
while [ "$(date +%s)" -lt "$flood_end" ]; do sleep 0.2; done
for i in $(seq 1 "$FLOOD_SOURCES"); do
	eval "kill -INT \$LAB_PID_flood$i"
done
for i in $(seq 1 "$FLOOD_SOURCES"); do
	lab_wait_exit "flood$i" 10 >/dev/null
	[ -s "$T/flood$i.rc" ] || lab_fail "hping3 #$i did not stop"
done
check_live
kill "$LAB_PID_rss"
rss_max=$(sort -n "$(lab_log rss)" | tail -1)
nsamples=$(wc -l <"$(lab_log rss)")

# After the flood (the queue still holds the flood's half-open connections until
# their SYN-ACK retries run out, so these go through cookies too).
legit after 3 0.1
check_live
c=$(counters)
echo "tcpcat after the flood: $c"

# ---- verdicts ----

sent=$(jget "$c" syncookies_sent)
ok=$(jget "$c" syncookies_ok)
[ "$sent" -gt 0 ] || lab_fail "no SYN cookies sent: $c"
# The flood's half-open connections fill the queue for as long as their SYN-ACK
# retries last (over a minute), so every legit connection during the flood is a
# cookie connection.
[ "$ok" -ge "$LEGIT_N" ] ||
	lab_fail "only $ok SYN cookies validated, fewer than the $LEGIT_N legit connections during the flood: $c"
[ "$(jget "$c" listeners)" = 1 ] || lab_fail "the listener went away: $c"

sleep 0.5      # the last sink's data reaches stdout
cmp -s "$T/want.out" "$T/srv.out" || {
	diff "$T/want.out" "$T/srv.out" | head >&2
	lab_fail "tcpcat's output is not the legit connections' lines in order"
}

# Every counter sample tcpcat printed (those above and the sampler's).
jmax=$(grep '^{' "$(lab_log srv)" | jq -s 'map(.conns_live - .conns_time_wait) | max') ||
	lab_fail "tcpcat's counter lines do not parse"
nj=$(grep -c '^{' "$(lab_log srv)")
[ "$jmax" -gt "$LIVE_MAX" ] && LIVE_MAX=$jmax
[ "$LIVE_MAX" -le "$LIVE_BOUND" ] ||
	lab_fail "$LIVE_MAX control blocks outside TIME-WAIT in a sample > syn_backlog + backlog = $LIVE_BOUND"

rss_bound=$((SYN_BACKLOG * PAGE_KB + RX_BATCH * PAGE_KB + SLACK_KB))
rss_growth=$((rss_max - rss0))
echo "RSS: baseline ${rss0} KiB, max ${rss_max} KiB during the flood ($nsamples samples): +${rss_growth} KiB (bound ${rss_bound} KiB)"
[ "$nsamples" -gt 0 ] || lab_fail "no RSS samples"
[ "$rss_growth" -le "$rss_bound" ] || lab_fail "tcpcat's RSS grew by ${rss_growth} KiB > ${rss_bound} KiB"

kill -INT "$LAB_PID_capture"
lab_wait_exit capture 10 >/dev/null
n_rst=$(tcpdump -n -r "$T/rst.pcap" 2>/dev/null | wc -l)
[ "$n_rst" = 0 ] || {
	tcpdump -n -r "$T/rst.pcap" 2>/dev/null | head -5 >&2
	lab_fail "$n_rst RST segments from ns a ($A_IP) crossed the link"
}
[ "$(jget "$c" rst_sent)" = 0 ] || lab_fail "our stack sent RSTs: $c"

flooded=0
for i in $(seq 1 "$FLOOD_SOURCES"); do
	n=$(grep -o '^[0-9]* packets transmitted' "$(lab_log "flood$i")" | cut -d' ' -f1)
	flooded=$((flooded + ${n:-0}))
done
syns_in=$(jget "$c" segs_in)
echo "flood: ${FLOOD_SECS}+ s from $FLOOD_SOURCES sources, $flooded SYNs sent by hping3; tcpcat: segs_in $syns_in, syncookies_sent $sent, syncookies_ok $ok, blocks outside TIME-WAIT: max $LIVE_MAX over $nj samples (bound $LIVE_BOUND)"
echo "legit connect time without the flood: $(ms_summary "$T/legit-before.log")"
echo "legit connect time during the flood:  $(ms_summary "$T/legit-during.log")"
echo "legit connect time after the flood:   $(ms_summary "$T/legit-after.log")"
lab_pass "SYN flood: $LEGIT_DONE legit connections all served, SYN cookies sent ($sent) and validated ($ok), half-open + accepted <= $LIVE_BOUND, RSS +${rss_growth} KiB <= ${rss_bound} KiB, no RST from ns a"
