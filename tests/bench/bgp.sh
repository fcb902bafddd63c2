#!/bin/bash
# tests/bench/bgp.sh — a full IPv4 table through bgpd and through BIRD 2 (`make bench`).
#
# Figures, not a test: nothing is asserted beyond "the table arrived". See
# tests/bench/README-bgp.md for how to run and read it.
#
#   ns f: feeder ───── ns d: DUT (bgpd, then BIRD) ───── ns s: sink
#   bgp_feed feed       AS 64700, 10.93.1.1 / 10.93.2.1    bgp_feed sink
#   AS 64701, 10.93.1.2                                    AS 64702, 10.93.2.2
#
# For each DUT, in a fresh lab with the same addresses and the same input:
#   1. the DUT starts, passive on both sessions; the sink connects and reaches
#      Established (so it takes the table as it is built, not as a dump);
#   2. the DUT's RSS and CPU time are read ("before");
#   3. the feeder builds its table in memory (not timed), connects and sends it:
#      BENCH_N (default 1 000 000) synthetic IPv4 prefixes shaped like today's
#      table (tests/tools/bgp_feed.c), or the UPDATEs of BENCH_MRT, then End-of-RIB;
#   4. until the DUT's Loc-RIB holds the whole table and the sink holds it too
#      (the sink's own expect_reached event). The Loc-RIB is polled on one
#      connection to the DUT's control socket: bgpd `show summary`,
#      routes.ipv4.loc_rib; BIRD `show protocols all feeder`, the channel's
#      imported count (O(1), where `show route count` walks the table). Once at
#      the end the count is read again with `bgpcli -j show summary` / `birdc show
#      route count` (loc_rib_client in the JSON);
#   5. the DUT's RSS, peak RSS (VmHWM) and CPU time are read ("after").
# Times run from the feeder's first UPDATE (CLOCK_MONOTONIC, shared by every
# namespace); the Loc-RIB time is the end of the first poll that saw the whole
# table (resolution: BENCH_POLL plus the DUT's answer time); the sink's time is
# exact. Progress goes to stderr; the table and, last, one JSON line (prefix
# "JSON ") to stdout. A DUT that stalls (BENCH_STALL s without progress) or runs
# past BENCH_TIMEOUT shows as null; the other still runs.
set -u
. "$(dirname "$0")/../lab/lib.sh"
lab_init

N="${BENCH_N:-1000000}"
SEED="${BENCH_SEED:-1}"
MRT="${BENCH_MRT:-}"
DUTS="${BENCH_DUTS:-bgpd bird}"
TIMEOUT="${BENCH_TIMEOUT:-240}"   # s per DUT, from the first UPDATE
STALL="${BENCH_STALL:-30}"        # s without any progress: give up on that DUT
POLL="${BENCH_POLL:-0.05}"        # s between Loc-RIB polls
HOLD=180                          # both DUTs, both sessions: loose, the DUT is busy
DUT_AS=64700      # private ASes that occur in no path of the PCH dump (a DUT
FEED_AS=64701     # drops a route holding its own AS, RFC 4271 9.1.2)
SINK_AS=64702
DUT_ID=10.93.0.1
DUT_F=10.93.1.1
FEED_IP=10.93.1.2
DUT_S=10.93.2.1
SINK_IP=10.93.2.2

FEED="$LAB_TOP/$LAB_BUILD/tests/bgp_feed"
BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
BGPCLI="$LAB_TOP/$LAB_BUILD/bgpcli"
[ -x "$FEED" ] || lab_fail "$FEED not built (make BUILD=$LAB_BUILD all)"
command -v jq >/dev/null || lab_skip "jq not installed"
command -v python3 >/dev/null || lab_skip "python3 not installed"
T="$(lab_tmp)"
t_start=$(date +%s)
say() { echo "bench: $*" >&2; }

src_args=(--n "$N" --seed "$SEED")
if [ -n "$MRT" ]; then
	[ -r "$MRT" ] || lab_skip "$MRT not readable"
	src_args=(--mrt "$MRT")
fi

# What the feeder will send (built once here only to learn the table's size
# and shape; each run builds it again, outside the clock).
say "building the input table once to size it"
"$FEED" feed --dry-run --next-hop "$FEED_IP" --local-as "$FEED_AS" "${src_args[@]}" \
	>"$T/built.json" || lab_fail "bgp_feed cannot build the table"
EXPECT=$(jq -r 'select(.event == "built") | .prefixes' "$T/built.json")
[ "${EXPECT:-0}" -gt 0 ] || lab_fail "empty table"
say "table: $(jq -c 'del(.event, .t)' "$T/built.json")"

# ---- the DUTs' configurations ----
bgpd_conf() { # FILE SOCK
	cat >"$1" <<EOF
router-id: $DUT_ID
local-as: $DUT_AS
control-socket: $2
listen: [$DUT_F, $DUT_S]
policies:
  accept-all: {default: accept}
neighbors:
  - address: $FEED_IP
    remote-as: $FEED_AS
    passive: true
    hold-time: $HOLD
    import: accept-all
    export: accept-all
  - address: $SINK_IP
    remote-as: $SINK_AS
    passive: true
    hold-time: $HOLD
    import: accept-all
    export: accept-all
EOF
}

# Plain eBGP, route-server-like: everything in, everything out; no kernel protocol.
bird_conf() { # FILE
	cat >"$1" <<EOF
router id $DUT_ID;
log stderr { warning, error, fatal, bug };
protocol device {}
protocol bgp feeder {
	local $DUT_F as $DUT_AS;
	neighbor $FEED_IP as $FEED_AS;
	passive on;
	hold time $HOLD;
	ipv4 { import all; export all; };
}
protocol bgp sink {
	local $DUT_S as $DUT_AS;
	neighbor $SINK_IP as $SINK_AS;
	passive on;
	hold time $HOLD;
	ipv4 { import all; export all; };
}
EOF
}

# ---- the measuring side: reads /proc and polls the DUT, on CLOCK_MONOTONIC ----
cat >"$T/measure.py" <<'EOF'
"""measure.py KIND SOCK PID EXPECT FEEDLOG SINKLOG TIMEOUT STALL POLL READY OUT

Started before the feeder (Python alone can take seconds to start on a loaded
machine): samples the DUT ("before"), connects to its control socket, creates
READY, then polls until the DUT's Loc-RIB and the sink hold EXPECT prefixes (or
TIMEOUT / STALL), samples again and writes one JSON object to OUT."""
import json, os, re, socket, subprocess, sys, time

TCK = os.sysconf("SC_CLK_TCK")

def sample(pid):
    st = {}
    if not os.path.exists(f"/proc/{pid}"):
        return {"rss_kb": 0, "hwm_kb": 0, "cpu_s": 0.0, "gone": True}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                st[k] = int(v.split()[0])           # kB
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TCK  # utime + stime (fields 14, 15)
    return {"rss_kb": st["VmRSS"], "hwm_kb": st["VmHWM"], "cpu_s": cpu}

def events(path):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("{"):
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    out.setdefault(e["event"], e)   # the first of each kind
                    if e["event"] == "stats":
                        out["last_stats"] = e
    except OSError:
        pass
    return out

class Ctl:
    """One connection to a DUT's control socket, kept for every poll (a new
    client process per poll would cost more than the poll on a loaded box).
    bgpd: a JSON request line, a JSON response line (doc/control.md). BIRD: a
    command line; reply lines "NNNN-..." or " ..." until one "NNNN ..."."""
    def __init__(self, kind, path):
        self.kind, self.buf = kind, b""
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(60)
        self.s.connect(path)
        if kind == "bird":
            self.bird_reply()           # the greeting: 0001 BIRD ... ready.

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise OSError("control socket closed")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode(errors="replace")

    def bird_reply(self):
        lines = []
        while True:
            line = self.line()
            lines.append(line)
            if re.match(r"\d{4} ", line):
                return "\n".join(lines)

    def loc_rib(self):
        if self.kind == "bgpd":
            self.s.sendall(b'{"command":"show summary"}\n')
            return json.loads(self.line())["result"]["routes"]["ipv4"]["loc_rib"]
        self.s.sendall(b"show protocols all feeder\n")
        m = re.search(r"Routes:\s+(\d+) imported", self.bird_reply())
        return int(m.group(1)) if m else 0

def loc_rib(ctl):
    """Routes in the DUT's Loc-RIB, or None when it does not say."""
    try:
        return ctl.loc_rib()
    except (OSError, ValueError, KeyError, TypeError):
        return None

def cross_check(kind, sock):
    """The count again, through the DUT's own client, once at the end."""
    try:
        if kind == "bgpd":
            r = subprocess.run([os.environ["BGPCLI"], "-s", sock, "-j", "show", "summary"],
                               capture_output=True, text=True, timeout=60)
            return json.loads(r.stdout)["routes"]["ipv4"]["loc_rib"]
        r = subprocess.run(["birdc", "-s", sock, "show", "route", "count"],
                           capture_output=True, text=True, timeout=120)
        m = re.search(r"(\d+) of \d+ routes", r.stdout)
        return int(m.group(1)) if m else None
    except (subprocess.TimeoutExpired, ValueError, KeyError, TypeError):
        return None

def measure(kind, sock, pid, expect, feedlog, sinklog, timeout, stall, poll, ready, out):
    expect, timeout, stall, poll = int(expect), float(timeout), float(stall), float(poll)
    before = sample(pid)
    ctl = Ctl(kind, sock)
    open(ready, "w").close()
    t_rib = count = None
    last, moved = None, time.monotonic()
    while True:
        count = loc_rib(ctl)
        now = time.monotonic()
        fe, se = events(feedlog), events(sinklog)
        if t_rib is None and count is not None and count >= expect:
            t_rib = now
        sink_n = se.get("last_stats", {}).get("prefixes")
        if (count, sink_n) != last:
            last, moved = (count, sink_n), now
        first = fe.get("first_update", {}).get("t")
        done = t_rib is not None and "expect_reached" in se
        if done or "closed" in fe or "notification" in fe or "notification" in se:
            break
        # lib.sh writes NAME.rc beside NAME.log when a background job ends.
        if any(os.path.exists(log[:-len(".log")] + ".rc") for log in (feedlog, sinklog)):
            break
        if first is not None and (now - first > timeout or now - moved > stall):
            break
        if first is None and now - moved > timeout:
            break
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(poll)
    after = sample(pid)
    first = fe.get("first_update", {}).get("t")
    t_sink = se.get("expect_reached", {}).get("t")
    grown = after["rss_kb"] - before["rss_kb"]
    res = {
        "complete": done,
        "rib_s": round(t_rib - first, 3) if done else None,
        "sink_s": round(t_sink - first, 3) if done else None,
        "dut_exited": after.get("gone", False),
        "peak_rss_mb": round(after["hwm_kb"] / 1024, 1),
        "rss_before_mb": round(before["rss_kb"] / 1024, 1),
        "rss_after_mb": round(after["rss_kb"] / 1024, 1),
        "bytes_per_prefix": round(grown * 1024 / expect, 1) if done else None,
        "cpu_s": round(after["cpu_s"] - before["cpu_s"], 2) if done else None,
        "loc_rib": count,
        "sink_prefixes": (se.get("expect_reached") or se.get("last_stats") or {}).get("prefixes"),
        "feeder_updates_in": None,
    }
    res["loc_rib_client"] = cross_check(kind, sock)
    with open(out, "w") as f:
        f.write(json.dumps(res) + "\n")

measure(*sys.argv[1:])
EOF

# ---- one run ----
# run_dut KIND IDX: the DUT's result object into $T/result_KIND.json. Not to be
# called in a subshell: lib.sh keeps its namespaces and pids in variables.
run_dut() {
	local kind="$1" i="$2" sock pid res
	lab_ns "f$i"
	lab_ns "d$i"
	lab_ns "s$i"
	lab_link "f$i" feed0 "d$i" dut0
	lab_link "d$i" dut1 "s$i" sink0
	lab_addr "f$i" feed0 "$FEED_IP/24"
	lab_addr "d$i" dut0 "$DUT_F/24"
	lab_addr "d$i" dut1 "$DUT_S/24"
	lab_addr "s$i" sink0 "$SINK_IP/24"

	sock="$T/$kind.sock"
	if [ "$kind" = bgpd ]; then
		bgpd_conf "$T/bgpd.yaml" "$sock"
		lab_bg "d$i" "dut_$kind" "$BGPD" -c "$T/bgpd.yaml"
		lab_wait 30 "bgpd's control socket" "$BGPCLI" -s "$sock" show summary
	else
		bird_conf "$T/bird.conf"
		lab_bg "d$i" "dut_$kind" bird -f -c "$T/bird.conf" -s "$sock"
		lab_wait 30 "BIRD's control socket" birdc -s "$sock" show status
	fi
	pid=$(eval echo "\$LAB_PID_dut_$kind")

	lab_bg "s$i" "sink_$kind" "$FEED" sink --connect "$DUT_S" --bind "$SINK_IP" \
		--local-as "$SINK_AS" --peer-as "$DUT_AS" --hold "$HOLD" --expect "$EXPECT" --interval 1
	lab_wait 60 "$kind: the sink's session" grep -q '"established"' "$(lab_log "sink_$kind")"
	sleep 1         # let the DUT settle after the sink's session came up

	# The measurer runs in the DUT's namespace only so that lib.sh reaps it; it
	# reaches the DUT through /proc and the control socket's path.
	lab_bg "d$i" "measure_$kind" env BGPCLI="$BGPCLI" python3 "$T/measure.py" "$kind" \
		"$sock" "$pid" "$EXPECT" "$(lab_log "feed_$kind")" "$(lab_log "sink_$kind")" \
		"$TIMEOUT" "$STALL" "$POLL" "$T/ready_$kind" "$T/measured_$kind.json"
	lab_wait 120 "$kind: the measurer" test -e "$T/ready_$kind"
	say "$kind: feeding $EXPECT prefixes"
	lab_bg "f$i" "feed_$kind" "$FEED" feed --connect "$DUT_F" --bind "$FEED_IP" \
		--local-as "$FEED_AS" --peer-as "$DUT_AS" --hold "$HOLD" "${src_args[@]}"
	[ "$(lab_wait_exit "measure_$kind" $((TIMEOUT + STALL + 300)))" = 0 ] ||
		lab_fail "$kind: measuring failed"
	res=$(cat "$T/measured_$kind.json")
	# What the DUT sent back to the feeder (0 unless it advertises to the source).
	kill -TERM "$(eval echo "\$LAB_PID_feed_$kind")" 2>/dev/null
	lab_wait_exit "feed_$kind" 10 >/dev/null
	res=$(echo "$res" | jq -c --argjson u "$(jq -s '[.[] | select(.event == "stats") |
		.updates_in] | last // null' "$(lab_log "feed_$kind")")" '.feeder_updates_in = $u')
	kill -TERM "$(eval echo "\$LAB_PID_sink_$kind")" "$pid" 2>/dev/null
	lab_wait_exit "sink_$kind" 10 >/dev/null
	lab_wait_exit "dut_$kind" 20 >/dev/null
	if [ "$(echo "$res" | jq .complete)" != true ]; then
		say "$kind: did not complete — last lines of its logs:"
		tail -n 5 "$(lab_log "dut_$kind")" "$(lab_log "feed_$kind")" "$(lab_log "sink_$kind")" >&2
	fi
	say "$kind: $res"
	echo "$res" >"$T/result_$kind.json"
}

results="{}"
for kind in $DUTS; do
	case "$kind" in
	bgpd) [ -x "$BGPD" ] && [ -x "$BGPCLI" ] || { say "bgpd or bgpcli not built: skipped"; continue; } ;;
	bird) command -v bird >/dev/null && command -v birdc >/dev/null ||
		{ say "BIRD 2 not installed: skipped"; continue; } ;;
	*) lab_fail "unknown DUT $kind (bgpd, bird)" ;;
	esac
	idx=$((${idx:-0} + 1))
	run_dut "$kind" "$idx"
	results=$(echo "$results" | jq -c --arg k "$kind" --slurpfile r "$T/result_$kind.json" \
		'.[$k] = $r[0]')
done

# ---- report ----
load=$(cut -d' ' -f1-3 /proc/loadavg)
secs=$(($(date +%s) - t_start))
summary=$(echo "$results" | jq -c \
	--argjson n "$EXPECT" --slurpfile built "$T/built.json" --arg load "$load" --argjson secs "$secs" '
	def ratio(k): if (.bgpd.complete // false) and (.bird.complete // false) and
		(.bgpd[k] // null) != null and (.bird[k] // 0) != 0
		then (.bgpd[k] / .bird[k] * 1000 | round / 1000) else null end;
	{prefixes: $n, input: ($built[0] | del(.event, .t)), load: ($load | split(" ") | map(tonumber)),
	 bgpd: (.bgpd // null), bird: (.bird // null),
	 ratio: {rib_s: ratio("rib_s"), sink_s: ratio("sink_s"), peak_rss_mb: ratio("peak_rss_mb"),
	         bytes_per_prefix: ratio("bytes_per_prefix"), cpu_s: ratio("cpu_s")},
	 secs: $secs}')

echo "$summary" | jq -r '
	def f: if . == null then "-" else tostring end;
	"full table: \(.prefixes) IPv4 prefixes (\(.input.source)), \(.input.updates) UPDATEs, " +
	"\(.input.attr_sets) attribute sets; load \(.load | map(tostring) | join(" "))",
	"                               bgpd       BIRD  bgpd/BIRD",
	(["rib_s", "first UPDATE -> Loc-RIB (s)"], ["sink_s", "first UPDATE -> sink (s)"],
	 ["peak_rss_mb", "peak RSS (MB)"], ["bytes_per_prefix", "bytes per prefix"],
	 ["cpu_s", "CPU (s)"]) as [$k, $what] |
	"\($what | .[0:28] | . + " " * (28 - length)) \(.bgpd[$k] | f | " " * (10 - length) + .) " +
	"\(.bird[$k] | f | " " * (10 - length) + .) \(.ratio[$k] | f | " " * (10 - length) + .)"'
echo "JSON $summary"
