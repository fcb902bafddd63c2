#!/bin/bash
# tests/lab/test_tcp_many.sh — many short connections in a row leave nothing behind.
#
#   ns a (tcpcat, our stack)  <-- veth -->  ns b (the kernel's TCP)
#
# Server case (IPv4 and IPv6): tcpcat -l -k --msl 500 accepts 200 connections, one
# after the other, from one kernel client. Each connection: the client sends a line,
# tcpcat sends FIN at once (-k), the client reads to EOF and closes. tcpcat closed
# first, so the TIME-WAITs are on our side. Asserted, from the counters tcpcat prints
# on SIGUSR1:
#   - right after the 200: conns_opened == 200 and conns_time_wait > 0;
#   - once TIME-WAIT (2 x MSL = 1 s) has run out: conns_live == 0 and
#     conns_freed == conns_opened — every control block was freed;
#   - tcpcat's output is the 200 lines in order, and no kernel socket in b is left
#     waiting for its FIN to be acknowledged.
# Client case (IPv4 and IPv6): 200 tcpcat processes in a row, each connecting to one
# kernel listener, each sending its own line and receiving the server's; every one
# exits 0 with the right data, and the server got the right line on each connection.
# (Ports are picked afresh by each process, so some land on a 4-tuple the kernel
# still holds in TIME-WAIT: that is part of what is exercised.)
set -u
. "$(dirname "$0")/lib.sh"
lab_init

N="${TCP_MANY_N:-200}"
MSL_MS=500
TCPCAT="$LAB_TOP/$LAB_BUILD/tcpcat"
[ -x "$TCPCAT" ] || lab_fail "$TCPCAT not built"
T="$(lab_tmp)"

lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va 10.72.0.1/24
lab_addr b vb 10.72.0.2/24
lab_addr a va fd72::1/64
lab_addr b vb fd72::2/64

# ---- helpers ----

# Field $2 of the JSON object $1 (jq -e fails on a missing field).
jget() { echo "$1" | jq -e ".$2"; }

# tcpcat installs its SIGUSR1 handler just before it starts listening; until then
# the signal would kill it. SigCgt is the mask of caught signals (bit 9 = SIGUSR1).
usr1_caught() { # PID
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && [ $((0x$m & 0x200)) -ne 0 ]
}

# Ask background job $1 (a tcpcat) for its counters; print the JSON line it answers.
counters() { # JOB
	local log pid n i
	log="$(lab_log "$1")"
	eval "pid=\$LAB_PID_$1"
	n=$(grep -c '^{' "$log")
	kill -USR1 "$pid" || lab_fail "$1 is gone"
	for i in $(seq 100); do
		[ "$(grep -c '^{' "$log")" -gt "$n" ] && break
		sleep 0.05
	done
	[ "$(grep -c '^{' "$log")" -gt "$n" ] || lab_fail "$1 did not answer SIGUSR1"
	grep '^{' "$log" | tail -1
}

# True once every control block is gone (TIME-WAIT included) and all were freed.
all_freed() { # JOB
	local c
	c=$(counters "$1")
	[ "$(jget "$c" conns_live)" = 0 ] && [ "$(jget "$c" conns_freed)" = "$(jget "$c" conns_opened)" ]
}

# No kernel socket in NS towards/from PORT still closing (FIN not yet acknowledged).
kernel_closed() { # NS PORT
	! lab_exec "$1" ss -Htan state fin-wait-1 state closing state last-ack "( sport = :$2 or dport = :$2 )" | grep -q .
}

# The kernel client of the server case: N connections in a row; the counters are
# asked for (SIGUSR1 to tcpcat) the moment the last one is closed, well inside the
# 1 s TIME-WAIT of the last connections.
cat >"$T/client.py" <<'EOF'
import os, signal, socket, sys
addr, port, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
for i in range(n):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(20)
    try:
        s.connect((addr, port))
        s.sendall(b"conn %04d\n" % i)
        got = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except OSError as e:
        sys.exit("client: connection %d: %s" % (i, e))
    if got:
        sys.exit("client: connection %d: unexpected data %r" % (i, got[:40]))
    s.close()
os.kill(pid, signal.SIGUSR1)
print("client: %d connections" % n)
EOF

# The kernel server of the client case: N connections in a row; on each it sends
# its line, reads the client's to EOF and checks it.
cat >"$T/server.py" <<'EOF'
import socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
ls = socket.socket(fam, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, port))
ls.listen(16)
print("listening", flush=True)
bad = 0
ports = set()
for i in range(n):
    s, peer = ls.accept()
    ports.add(peer[1])
    s.settimeout(20)
    got = b""
    try:
        s.sendall(b"srv %04d\n" % i)
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
    except OSError as e:
        print("server: connection %d: %s" % (i, e), flush=True)
        bad += 1
    if got != b"cli %04d\n" % i:
        print("server: connection %d from port %d: got %r" % (i, peer[1], got[:40]), flush=True)
        bad += 1
    s.close()
print("server: %d connections from %d distinct ports, %d bad" % (n, len(ports), bad), flush=True)
sys.exit(1 if bad else 0)
EOF

# ---- tcpcat as the server ----

server_case() { # FAMILY ADDR PEER PORT
	local fam="$1" addr="$2" port="$4" job="srv$1"
	local out="$T/srv$fam.out"
	cat >"$T/srv$fam.sh" <<EOF
#!/bin/sh
exec "$TCPCAT" -l -k --msl $MSL_MS $addr $port >"$out"
EOF
	chmod +x "$T/srv$fam.sh"
	lab_bg a "$job" "$T/srv$fam.sh"
	local pid
	eval "pid=\$LAB_PID_$job"
	lab_wait 10 "tcpcat (IPv$fam) catches SIGUSR1" usr1_caught "$pid"
	local c
	c=$(counters "$job")
	[ "$(jget "$c" listeners)" = 1 ] || lab_fail "IPv$fam: tcpcat is not listening: $c"

	lab_exec b python3 "$T/client.py" "$addr" "$port" "$N" "$pid" >"$T/client$fam.log" 2>&1 ||
		lab_fail "IPv$fam: kernel client failed: $(cat "$T/client$fam.log")"
	# client.py sent SIGUSR1 right after its last close(): wait for that answer.
	lab_wait 10 "IPv$fam: counters after the $N connections" \
		test "$(grep -c '^{' "$(lab_log "$job")")" -ge 2
	c=$(grep '^{' "$(lab_log "$job")" | sed -n 2p)
	echo "IPv$fam server, right after $N connections: $c"
	[ "$(jget "$c" conns_opened)" = "$N" ] || lab_fail "IPv$fam: conns_opened is not $N: $c"
	[ "$(jget "$c" conns_time_wait)" -gt 0 ] ||
		lab_fail "IPv$fam: no TIME-WAIT on tcpcat's side though it closed first: $c"

	# 2 x MSL = 1 s; the wait is generous, the assertion is that it happens.
	lab_wait 30 "IPv$fam: every control block freed after TIME-WAIT" all_freed "$job"
	c=$(counters "$job")
	echo "IPv$fam server, after TIME-WAIT: $c"
	[ "$(jget "$c" conns_time_wait)" = 0 ] || lab_fail "IPv$fam: TIME-WAIT left: $c"
	[ "$(jget "$c" conns_freed)" = "$N" ] || lab_fail "IPv$fam: conns_freed is not $N: $c"
	[ "$(jget "$c" listeners)" = 1 ] || lab_fail "IPv$fam: the listener went away: $c"

	lab_wait 10 "IPv$fam: kernel sockets in b done closing" kernel_closed b "$port"
	for i in $(seq 0 $((N - 1))); do printf 'conn %04d\n' "$i"; done >"$T/srv$fam.want"
	cmp -s "$T/srv$fam.want" "$out" || lab_fail "IPv$fam: tcpcat's output is not the $N lines in order"
	eval "kill -TERM \$LAB_PID_$job"
	lab_wait_exit "$job" 10 >/dev/null
	lab_pass "IPv$fam: tcpcat served $N connections and freed every control block after TIME-WAIT"
}

server_case 4 10.72.0.1 10.72.0.2 7101
server_case 6 fd72::1 fd72::2 7102

# ---- tcpcat as the client, one process per connection ----

client_case() { # FAMILY SERVER_ADDR PORT
	local fam="$1" addr="$2" port="$3" job="ksrv$1"
	lab_bg b "$job" python3 "$T/server.py" "$addr" "$port" "$N"
	lab_wait 10 "IPv$fam kernel listener" grep -q listening "$(lab_log "$job")"
	local i rc
	local t0=$(date +%s%N)
	for i in $(seq 0 $((N - 1))); do
		printf 'cli %04d\n' "$i" >"$T/cli.in"
		lab_exec a "$TCPCAT" -w 30 "$addr" "$port" <"$T/cli.in" >"$T/cli.out" 2>"$T/cli.err"
		rc=$?
		[ "$rc" = 0 ] || lab_fail "IPv$fam: tcpcat #$i exited $rc: $(cat "$T/cli.err")"
		[ "$(cat "$T/cli.out")" = "$(printf 'srv %04d' "$i")" ] ||
			lab_fail "IPv$fam: tcpcat #$i received '$(head -c 40 "$T/cli.out")'"
	done
	local ms=$((($(date +%s%N) - t0) / 1000000))
	rc=$(lab_wait_exit "$job" 30)
	[ "$rc" = 0 ] || lab_fail "IPv$fam: kernel server exited $rc"
	echo "IPv$fam client: $N tcpcat processes in ${ms} ms; $(tail -1 "$(lab_log "$job")")"
	lab_pass "IPv$fam: $N tcpcat clients in a row, each exited 0 with the right data both ways"
}

client_case 4 10.72.0.2 7201
client_case 6 fd72::2 7202

lab_pass "$N connections in a row, both roles, both families: nothing left behind"
