#!/bin/bash
# tests/bench/tcp.sh — throughput of our userspace TCP against the kernel's (`make bench-tcp`).
#
# Figures, not a test: nothing is asserted beyond "the bytes arrived". See
# tests/bench/README.md for how to run it and how to read the output.
#
#   ns a  va <-- veth, clean --> vb  ns b
#         la <-- veth, lossy --> lb        (BENCH_LOSS % of what lb receives dropped)
#
# One bulk transfer of BENCH_MB (default 200) MB per case:
#   kernel        kernel socket in a -> kernel socket in b
#   ours_tx       tcpcat in a        -> kernel socket in b
#   ours_rx       kernel socket in b -> tcpcat in a
#   ours_md5      tcpcat --md5 in a  -> kernel socket with TCP_MD5SIG in b
#   kernel_md5    kernel MD5 in a    -> kernel MD5 in b
# and on the lossy pair (BENCH_LOSS, default 3 %, nft numgen at the netdev ingress of
# lb: the data direction, ACKs are not dropped), BENCH_LOSS_MB (default BENCH_MB) MB:
#   kernel_loss   kernel in a -> kernel in b
#   ours_loss     tcpcat in a -> kernel in b
# Every case runs BENCH_REPS (default 2) times, interleaved; the best run is reported.
# The clock runs on the kernel side: a kernel receiver times accept() to EOF; the
# kernel sender of ours_rx times connect() to "every byte and the FIN acknowledged"
# (SIOCOUTQ back to 0). tcpcat's CPU time (user + system, /usr/bin/time) is taken over
# its whole life, startup included, and reported per 100 MB. Kernel sockets use
# BENCH_KERNEL_CC (default cubic, Linux's default) whatever the host's default is.
# Progress goes to stderr; the table and, last, one JSON line (prefix "JSON ") to
# stdout. Exit 0 unless the lab cannot be built; a case that fails, exceeds
# BENCH_CASE_TIMEOUT (default 40 s) or finds BENCH_BUDGET (default 160 s from the start,
# lab set-up included) spent shows as null, so the whole run stays under 3 minutes.
set -u
t_start=$(date +%s)
. "$(dirname "$0")/../lab/lib.sh"
lab_init

MB="${BENCH_MB:-200}"
LOSS="${BENCH_LOSS:-3}"
LOSS_MB="${BENCH_LOSS_MB:-$MB}"
CASE_TIMEOUT="${BENCH_CASE_TIMEOUT:-40}"
REPS="${BENCH_REPS:-2}"            # each case this many times; the best run is reported
BUDGET="${BENCH_BUDGET:-160}"     # seconds for the whole run, set-up included (it must end < 3 min)
MD5_KEY="bench-md5-key"
A_IP=10.74.0.1
B_IP=10.74.0.2
LA_IP=10.74.1.1         # the lossy pair
LB_IP=10.74.1.2
TCPCAT="$LAB_TOP/$LAB_BUILD/tcpcat"
[ -x "$TCPCAT" ] || lab_fail "$TCPCAT not built (make BUILD=$LAB_BUILD all)"
[ -x /usr/bin/time ] || lab_skip "/usr/bin/time not installed"
# The interpreter itself: a version manager's shim can take seconds to start.
PY="$(python3 -c 'import sys; print(sys.executable)')" || lab_skip "python3 not usable"
T="$(lab_tmp)"

lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va "$A_IP/24"
lab_addr b vb "$B_IP/24"
# A second pair for the lossy cases, so clean and lossy runs can alternate.
lab_link a la b lb
lab_addr a la "$LA_IP/24"
lab_addr b lb "$LB_IP/24"
lab_loss b lb "$LOSS"

# Sparse files: reading them costs no disk and little page cache; TCP does not
# care that the bytes are zeros.
truncate -s "${MB}M" "$T/data"
truncate -s "${LOSS_MB}M" "$T/data_loss"

# The kernel side of every case. Prints one JSON line: {"bytes": N, "secs": S}.
#   recv ADDR PORT [MD5KEY PEER]        listen, accept one, time accept -> EOF
#   send ADDR PORT FILE [MD5KEY]        connect (retrying), time connect -> all acked
cat >"$T/kside.py" <<'EOF'
import fcntl, json, os, socket, struct, sys, termios, time
sys.path.insert(0, os.environ["KPEER_DIR"])
from kpeer import md5sig

CHUNK = 1 << 20
CC = os.environ.get("KERNEL_CC", "").encode()

def tcp_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if CC:                             # accepted sockets inherit the listener's
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, CC)
    return s

def recv(addr, port, key=None, peer=None):
    ls = tcp_socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if key:
        ls.setsockopt(socket.IPPROTO_TCP, 14, md5sig(socket.AF_INET, peer, key))
    ls.bind((addr, port))
    ls.listen(1)
    print("listening", flush=True)
    s, _ = ls.accept()
    t0 = time.monotonic()
    s.shutdown(socket.SHUT_WR)         # nothing to send: our FIN goes at once
    buf = bytearray(CHUNK)
    n = 0
    while True:
        r = s.recv_into(buf)
        if r == 0:
            break
        n += r
    t1 = time.monotonic()
    s.close()
    return n, t1 - t0

def send(addr, port, path, key=None):
    deadline = time.monotonic() + 10
    while True:
        s = tcp_socket()
        if key:
            s.setsockopt(socket.IPPROTO_TCP, 14, md5sig(socket.AF_INET, addr, key))
        try:
            s.connect((addr, port))
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    t0 = time.monotonic()
    n = 0
    with open(path, "rb") as f:
        n = s.sendfile(f)
    s.shutdown(socket.SHUT_WR)
    while s.recv(CHUNK):               # the peer's data, if any, and its FIN
        pass
    outq = bytearray(4)
    while True:                        # SIOCOUTQ: sent but not yet acknowledged
        fcntl.ioctl(s.fileno(), termios.TIOCOUTQ, outq)
        if struct.unpack("i", outq)[0] == 0:
            break
        time.sleep(0.0005)
    t1 = time.monotonic()
    s.close()
    return n, t1 - t0

mode = sys.argv[1]
if mode == "recv":
    n, secs = recv(sys.argv[2], int(sys.argv[3]), *sys.argv[4:6])
else:
    n, secs = send(sys.argv[2], int(sys.argv[3]), sys.argv[4], *sys.argv[5:6])
print(json.dumps({"bytes": n, "secs": secs}), flush=True)
EOF
export KPEER_DIR="$LAB_TOP/tests/lab"
export PYTHONDONTWRITEBYTECODE=1    # importing kpeer must not write into the tree
# The kernel's congestion control, per socket (TCP_CONGESTION). Pinned to Linux's
# default rather than whatever this host chose, so figures compare across hosts;
# BENCH_KERNEL_CC= (empty) keeps the namespace's default.
export KERNEL_CC="${BENCH_KERNEL_CC-cubic}"
HOST_CC="$(lab_exec a sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null)"

# tcpcat with its stdin from a file and stdout thrown away, timed by /usr/bin/time.
cat >"$T/tcpcat.sh" <<EOF
#!/bin/sh
in="\$1"
shift
exec /usr/bin/time -f "tcpcat_cpu %U %S" "$TCPCAT" --stats "\$@" <"\$in" >/dev/null
EOF
chmod +x "$T/tcpcat.sh"

port=7400
RES=""           # "name mbps cpu_per_100mb" lines

# Result of a case: MB/s and tcpcat's CPU seconds per 100 MB (null when there is no
# tcpcat in the case or the byte count is wrong).
record() { # NAME KSIDE_JOB WANT_BYTES [TCPCAT_JOB]
	local name="$1" kjob="$2" want="$3" tjob="${4:-}"
	local line bytes secs mbps=null cpu=null
	line=$(grep '^{' "$(lab_log "$kjob")" | tail -1)
	bytes=$(echo "$line" | jq -r '.bytes // empty' 2>/dev/null)
	secs=$(echo "$line" | jq -r '.secs // empty' 2>/dev/null)
	if [ -n "$tjob" ]; then
		local tb
		tb=$(grep '^{' "$(lab_log "$tjob")" | tail -1 | jq -r '.bytes_received // empty' 2>/dev/null)
		# ours_rx: tcpcat's own count of what it received is the one that matters.
		[ "$name" = ours_rx ] && bytes="$tb"
		local u s
		read -r u s < <(awk '/^tcpcat_cpu/ { print $2, $3 }' "$(lab_log "$tjob")")
		if [ -n "${u:-}" ] && [ "$bytes" = "$want" ]; then
			cpu=$(awk -v u="$u" -v s="$s" -v b="$bytes" 'BEGIN { printf "%.3f", (u + s) * 100 * 1048576 / b }')
		fi
	fi
	if [ -n "$secs" ] && [ "$bytes" = "$want" ]; then
		mbps=$(awk -v b="$bytes" -v t="$secs" 'BEGIN { printf "%.1f", b / 1048576 / t }')
	else
		echo "  $name: FAILED (received ${bytes:-?} of $want bytes)" >&2
		for f in "$(lab_log "$kjob")" ${tjob:+"$(lab_log "$tjob")"}; do
			tail -n 5 "$f" | sed 's/^/    /' >&2
		done
	fi
	echo "  $name: $mbps MB/s${tjob:+, tcpcat CPU $cpu s/100MB}" >&2
	RES="$RES$name $mbps $cpu
"
}

# Seconds a case may take: CASE_TIMEOUT, or what is left of BUDGET.
case_secs() {
	local left=$((t_start + BUDGET - $(date +%s)))
	[ "$left" -lt "$CASE_TIMEOUT" ] && echo "$left" || echo "$CASE_TIMEOUT"
}

# False (and says so) once the budget is spent: case NAME is skipped.
budget_left() { # NAME
	[ "$(case_secs)" -gt 0 ] && return 0
	echo "  $1: skipped, the ${BUDGET} s budget is spent" >&2
	return 1
}

# Wait for the jobs to end, killing them when the case's time is up.
finish() { # JOB...
	local j rc
	local end=$(($(date +%s) + $(case_secs)))
	for j in "$@"; do
		rc=$(lab_wait_exit "$j" $((end - $(date +%s))))
		if [ "$rc" = 124 ]; then
			echo "  ($j: out of time)" >&2
			eval "kill -KILL \$LAB_PID_$j" 2>/dev/null
		fi
	done
}

# kernel a -> kernel b, optionally with MD5.
case_kernel() { # NAME FILE [MD5KEY]
	budget_left "$1" || return 0
	local name="$1" file="$2" key="${3:-}" j="${1}_$REP"
	port=$((port + 1))
	lab_bg b "r_$j" "$PY" "$T/kside.py" recv "$CB" "$port" ${key:+"$key" "$CA"}
	lab_wait 10 "$name: receiver" grep -q listening "$(lab_log "r_$j")"
	lab_bg a "s_$j" "$PY" "$T/kside.py" send "$CB" "$port" "$file" ${key:+"$key"}
	finish "s_$j" "r_$j"
	record "$name" "r_$j" "$(stat -c %s "$file")"
}

# tcpcat a -> kernel b, optionally with MD5.
case_ours_tx() { # NAME FILE [MD5KEY]
	budget_left "$1" || return 0
	local name="$1" file="$2" key="${3:-}" j="${1}_$REP"
	port=$((port + 1))
	lab_bg b "r_$j" "$PY" "$T/kside.py" recv "$CB" "$port" ${key:+"$key" "$CA"}
	lab_wait 10 "$name: receiver" grep -q listening "$(lab_log "r_$j")"
	lab_bg a "t_$j" "$T/tcpcat.sh" "$file" ${key:+--md5 "$key"} "$CB" "$port"
	finish "t_$j" "r_$j"
	record "$name" "r_$j" "$(stat -c %s "$file")" "t_$j"
}

# kernel b -> tcpcat a (tcpcat listens, sends nothing).
case_ours_rx() { # NAME FILE
	budget_left "$1" || return 0
	local name="$1" file="$2" j="${1}_$REP"
	port=$((port + 1))
	lab_bg a "t_$j" "$T/tcpcat.sh" /dev/null -l "$CA" "$port"
	lab_bg b "s_$j" "$PY" "$T/kside.py" send "$CA" "$port" "$file"
	finish "s_$j" "t_$j"
	record "$name" "s_$j" "$(stat -c %s "$file")" "t_$j"
}

echo "bench-tcp: $MB MB per case ($LOSS_MB MB with ${LOSS}% loss) on veth pairs; kernel congestion control ${KERNEL_CC:-$HOST_CC} (namespace default $HOST_CC);" \
	"$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for REP in $(seq 1 "$REPS"); do
	echo "bench-tcp: run $REP of $REPS" >&2
	CA=$A_IP CB=$B_IP
	case_kernel kernel "$T/data"
	case_ours_tx ours_tx "$T/data"
	case_ours_rx ours_rx "$T/data"
	case_ours_tx ours_md5 "$T/data" "$MD5_KEY"
	case_kernel kernel_md5 "$T/data" "$MD5_KEY"
	CA=$LA_IP CB=$LB_IP
	case_kernel kernel_loss "$T/data_loss"
	case_ours_tx ours_loss "$T/data_loss"
done
t_total=$(($(date +%s) - t_start))

# ---- report ----
# Field F of case N's best repetition (highest MB/s), or null.
get() { # N F
	echo "$RES" | awk -v n="$1" -v f="$2" '
		$1 == n && $2 != "null" && (v == "" || $2 + 0 > best) { best = $2 + 0; v = $f }
		END { print (v == "" ? "null" : v) }'
}
ratio() { # A B: A / B, or null
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.3f", a / b }'
}
# Runs of case N that moved every byte.
runs() { echo "$RES" | awk -v n="$1" '$1 == n && $2 != "null" { k++ } END { print k + 0 }'; }
row() { # CASE DESCRIPTION
	local cpu
	cpu=$(get "$1" 3)
	case "$1" in kernel*) cpu=- ;; esac
	printf '%-12s %-30s %5s %10s %20s\n' "$1" "$2" "$(runs "$1")/$REPS" "$(get "$1" 2)" "$cpu"
}
r_tx=$(ratio "$(get ours_tx 2)" "$(get kernel 2)")
r_rx=$(ratio "$(get ours_rx 2)" "$(get kernel 2)")
r_md5_ours=$(ratio "$(get ours_md5 2)" "$(get ours_tx 2)")
r_md5_kernel=$(ratio "$(get kernel_md5 2)" "$(get kernel 2)")
r_md5_vs=$(ratio "$(get ours_md5 2)" "$(get kernel_md5 2)")
r_loss=$(ratio "$(get ours_loss 2)" "$(get kernel_loss 2)")

{
	echo
	echo "best of $REPS run(s) per case; machine load $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-12s %-30s %5s %10s %20s\n' case "what" runs "MB/s" "tcpcat CPU s/100MB"
	row kernel "kernel -> kernel"
	row ours_tx "tcpcat -> kernel"
	row ours_rx "kernel -> tcpcat"
	row ours_md5 "tcpcat MD5 -> kernel MD5"
	row kernel_md5 "kernel MD5 -> kernel MD5"
	row kernel_loss "kernel -> kernel, ${LOSS}% loss"
	row ours_loss "tcpcat -> kernel, ${LOSS}% loss"
	echo
	echo "ratios: ours/kernel tx $r_tx, rx $r_rx, md5 $r_md5_vs, ${LOSS}% loss $r_loss;" \
		"MD5-on/MD5-off ours $r_md5_ours, kernel $r_md5_kernel  (${t_total} s)"
}

jn() { [ -n "$1" ] && echo "$1" || echo null; }
printf 'JSON {"mb":%s,"loss_mb":%s,"loss_pct":%s,"kernel_cc":"%s","reps":%s,"mbps":{"kernel":%s,"ours_tx":%s,"ours_rx":%s,"ours_md5":%s,"kernel_md5":%s,"kernel_loss":%s,"ours_loss":%s},"runs":{"kernel":%s,"ours_tx":%s,"ours_rx":%s,"ours_md5":%s,"kernel_md5":%s,"kernel_loss":%s,"ours_loss":%s},"cpu_s_per_100mb":{"ours_tx":%s,"ours_rx":%s,"ours_md5":%s,"ours_loss":%s},"ratio":{"ours_tx_vs_kernel":%s,"ours_rx_vs_kernel":%s,"ours_md5_vs_kernel_md5":%s,"ours_loss_vs_kernel_loss":%s,"md5_on_off_ours":%s,"md5_on_off_kernel":%s},"secs":%s}\n' \
	"$MB" "$LOSS_MB" "$LOSS" "${KERNEL_CC:-$HOST_CC}" "$REPS" \
	"$(jn "$(get kernel 2)")" "$(jn "$(get ours_tx 2)")" "$(jn "$(get ours_rx 2)")" "$(jn "$(get ours_md5 2)")" \
	"$(jn "$(get kernel_md5 2)")" "$(jn "$(get kernel_loss 2)")" "$(jn "$(get ours_loss 2)")" \
	"$(runs kernel)" "$(runs ours_tx)" "$(runs ours_rx)" "$(runs ours_md5)" "$(runs kernel_md5)" "$(runs kernel_loss)" "$(runs ours_loss)" \
	"$(jn "$(get ours_tx 3)")" "$(jn "$(get ours_rx 3)")" "$(jn "$(get ours_md5 3)")" "$(jn "$(get ours_loss 3)")" \
	"$r_tx" "$r_rx" "$r_md5_vs" "$r_loss" "$r_md5_ours" "$r_md5_kernel" "$t_total"
