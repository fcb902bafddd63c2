# tests/lab/lib.sh — a small library for tests that need a network.
#
# Source it from a test script (bash). Everything it creates — network namespaces,
# veth pairs, background processes, temporary files — is recorded and removed on
# exit, whatever the exit path (trap on EXIT/INT/TERM). Traffic only flows between
# namespaces the test made, on addresses it assigned there.
#
#   lab_init                      start a lab (call first)
#   lab_ns NAME                   create namespace NAME (loopback up)
#   lab_link NS1 IF1 NS2 IF2      veth pair NS1:IF1 <-> NS2:IF2, tx checksum offload off, up
#   lab_addr NS IF ADDR/PLEN      assign an IPv4 or IPv6 address (IPv6 without DAD)
#   lab_exec NS CMD...            run CMD in NS
#   lab_bg NS NAME CMD...         run CMD in NS in the background; output in $(lab_log NAME);
#                                 its pid is in LAB_PID_<NAME>; killed at cleanup
#   lab_wait SECS DESC CMD...     retry CMD until it succeeds or SECS pass (then fail)
#   lab_wait_exit NAME SECS       wait for background job NAME to end; echoes its status
#   lab_loss NS IF PCT            drop PCT % of what IF receives (nftables, netdev ingress)
#   lab_fail MSG / lab_pass MSG / lab_skip MSG / lab_log NAME / lab_tmp
#
# Names are prefixed with a per-run id, so two tests can run at once.

set -u

LAB_ID="l$$"
LAB_TMP=""
LAB_NS_LIST=""
LAB_PIDS=""
LAB_BUILD="${BUILD:-build}"
LAB_TOP="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

lab_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local p
	for p in $LAB_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $LAB_PIDS; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	local ns
	for ns in $LAB_NS_LIST; do
		# Anything still running inside dies with the namespace's processes.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# A sanitizer build (make check) reports into the programs' logs, leaks at
	# exit included: any report fails the test, whatever it asserted.
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ] && [ "$rc" -eq 0 ]; then
		local san
		san=$(grep -l -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$LAB_TMP"/*.log 2>/dev/null)
		if [ -n "$san" ]; then
			echo "FAIL: sanitizer report in $san:" >&2
			grep -h -A12 -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" $san | head -60 >&2
			rc=1
		fi
	fi
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ -n "${LAB_KEEP_LOGS:-}" ]; then
			echo "lab: logs kept in $LAB_TMP" >&2
		else
			rm -rf "$LAB_TMP"
		fi
	fi
	exit "$rc"
}

lab_init() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "lab: needs root (network namespaces)" >&2
		exit 77
	fi
	LAB_TMP="$(mktemp -d /tmp/lab.XXXXXX)"
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lab_tmp() { echo "$LAB_TMP"; }
lab_log() { echo "$LAB_TMP/$1.log"; }
lab_nsname() { echo "${LAB_ID}-$1"; }

lab_ns() {
	local ns
	ns="$(lab_nsname "$1")"
	ip netns add "$ns" || lab_fail "cannot create namespace $ns"
	LAB_NS_LIST="$LAB_NS_LIST $ns"
	ip -n "$ns" link set lo up
	# No stray traffic: a namespace has no default route unless a test adds one.
}

lab_exec() {
	local ns
	ns="$(lab_nsname "$1")"
	shift
	ip netns exec "$ns" "$@"
}

lab_link() {
	local a b
	a="$(lab_nsname "$1")"
	b="$(lab_nsname "$3")"
	ip link add "$2" netns "$a" type veth peer name "$4" netns "$b" ||
		lab_fail "cannot create veth $2/$4"
	# Locally generated packets on veth carry only a partial TCP checksum unless
	# tx checksum offload is off; a raw-socket stack must see real checksums.
	ip netns exec "$a" ethtool -K "$2" tx off >/dev/null 2>&1
	ip netns exec "$b" ethtool -K "$4" tx off >/dev/null 2>&1
	ip -n "$a" link set "$2" up
	ip -n "$b" link set "$4" up
}

lab_addr() {
	local ns
	ns="$(lab_nsname "$1")"
	case "$3" in
	*:*) ip -n "$ns" -6 addr add "$3" dev "$2" nodad ;;
	*) ip -n "$ns" addr add "$3" dev "$2" ;;
	esac
}

lab_bg() {
	local ns name
	ns="$(lab_nsname "$1")"
	name="$2"
	shift 2
	rm -f "$LAB_TMP/$name.rc" "$LAB_TMP/$name.pid"
	# A watcher subshell records the exit status in $name.rc (a $(...) caller
	# cannot reap a child of ours); the job's own pid goes in LAB_PID_<name>.
	(
		ip netns exec "$ns" "$@" >"$LAB_TMP/$name.log" 2>&1 &
		echo $! >"$LAB_TMP/$name.pid"
		wait $!
		echo $? >"$LAB_TMP/$name.rc"
	) &
	LAB_PIDS="$LAB_PIDS $!"
	while [ ! -s "$LAB_TMP/$name.pid" ]; do sleep 0.01; done
	local pid
	pid="$(cat "$LAB_TMP/$name.pid")"
	LAB_PIDS="$LAB_PIDS $pid"
	eval "LAB_PID_$name=$pid"
}

# Timeouts are generous on purpose (times LAB_WAIT_SCALE, 3 by default): a wait
# ends as soon as its condition holds, and a loaded machine must not fail a test.
lab_wait() {
	local secs=$(($1 * ${LAB_WAIT_SCALE:-3})) desc="$2"
	shift 2
	local end=$(($(date +%s) + secs))
	while ! "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$end" ]; then
			lab_fail "timed out after ${secs}s waiting for: $desc"
		fi
		sleep 0.1
	done
}

# Wait for background job NAME to exit; print its exit status (124 on timeout).
lab_wait_exit() {
	local name="$1" secs="$2"
	local end=$(($(date +%s) + secs))
	while [ ! -s "$LAB_TMP/$name.rc" ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo 124
			return
		fi
		sleep 0.05
	done
	cat "$LAB_TMP/$name.rc"
}

lab_loss() {
	local ns
	ns="$(lab_nsname "$1")"
	ip netns exec "$ns" nft -f - <<EOF || lab_fail "nft loss rule on $2"
table netdev lab_loss_$2 {
	chain ingress {
		type filter hook ingress device "$2" priority -500;
		numgen random mod 100 < $3 counter drop
	}
}
EOF
}

lab_pass() { echo "PASS: $*"; }
lab_skip() {
	echo "SKIP: $*"
	exit 77
}
lab_fail() {
	echo "FAIL: $*" >&2
	if [ -n "$LAB_TMP" ]; then
		local f
		for f in "$LAB_TMP"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $(basename "$f") (last 30 lines)" >&2
			tail -n 30 "$f" >&2
		done
	fi
	exit 1
}
