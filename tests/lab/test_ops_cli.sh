#!/bin/bash
# bgpcli against a running bgpd peering with BIRD 2 (two neighbours), issue 6:
#   - every command, human and -j; the JSON members exactly doc/control.md's (jq);
#   - exit codes: 0 done, 1 daemon refused (unknown neighbour), 2 usage, 3 not
#     reachable (no socket, refused by the file mode), 4 not a response;
#   - neighbor shutdown "msg": BIRD shows the message, the session stays down
#     until enable; reset: Cease/Administrative Reset, re-established;
#   - garbage on the socket (not JSON, unknown command, unknown member, a line
#     over 64 KiB): the right codes, and the daemon serves the next client;
#   - the socket file: mode 0660 and its group; a user outside the group is
#     refused, one in it (supplementary) served; a missing group stops start-up;
#   - reload: a broken file -> failed with FILE:LINE:COLUMN, nothing changes;
#     a changed hold-time -> only that neighbour is reset;
#   - SIGTERM removes the socket file.
set -u
. "$(dirname "$0")/lib.sh"
lab_init

BGPD="$LAB_TOP/$LAB_BUILD/bgpd"
CLI="$LAB_TOP/$LAB_BUILD/bgpcli"
[ -x "$BGPD" ] || lab_fail "$BGPD not built"
[ -x "$CLI" ] || lab_fail "$CLI not built"
command -v jq >/dev/null || lab_skip "jq not installed"
command -v bird >/dev/null || lab_skip "BIRD 2 not installed"
command -v setpriv >/dev/null || lab_skip "setpriv not installed"
T="$(lab_tmp)"

# The socket's group: one that exists and that nobody is not a member of.
GROUP=""
for g in daemon adm sys bin staff; do
	if getent group "$g" >/dev/null && ! id -Gn nobody | tr ' ' '\n' | grep -qx "$g"; then
		GROUP="$g"
		break
	fi
done
[ -n "$GROUP" ] || lab_skip "no group to test the control socket's group with"
GID="$(getent group "$GROUP" | cut -d: -f3)"

# nobody must reach the socket's directory for the permission test to be about
# the socket file itself.
chmod 0711 "$T"
mkdir -m 0755 "$T/run"
SOCK="$T/run/bgpd.sock"

N1=10.82.0.2    # BIRD as AS 65002
N2=10.82.0.3    # BIRD as AS 65003
lab_ns a        # bgpd: 10.82.0.1 towards N1, 10.82.0.4 towards N2
lab_ns b        # BIRD
lab_link a va b vb
lab_addr a va 10.82.0.1/24
lab_addr a va 10.82.0.4/24
lab_addr b vb $N1/24
lab_addr b vb $N2/24

cat >"$T/bird.conf" <<EOF
router id $N1;
log stderr all;
protocol device {}
# BIRD locks a session on the neighbour's address: one address of ours each.
template bgp ours {
	hold time 90;
	connect retry time 2;
	error wait time 1, 5;
	ipv4 { import all; export none; };
}
# N1 with TCP-MD5, the password bgpd must never show.
protocol bgp peer1 from ours {
	local $N1 as 65002;
	neighbor 10.82.0.1 as 65001;
	password "never-shown-pw";
}
protocol bgp peer2 from ours {
	local $N2 as 65003;
	neighbor 10.82.0.4 as 65001;
}
EOF

# bgpd_conf HOLD2 GROUP [BROKEN]
bgpd_conf() {
	cat >"$T/bgpd.yaml" <<EOF
router-id: 10.82.0.1
local-as: 65001
control-socket:
  path: $SOCK
  mode: "0660"
  group: $2
listen: [10.82.0.1, 10.82.0.4]
# RFC 8212: without a policy an eBGP neighbour gets no routes; N1 gets them all.
policies:
  everything:
    default: accept
neighbors:
  - address: $N1
    remote-as: 65002
    description: BIRD one
    password: never-shown-pw
    import: everything
    export: everything
    hold-time: 90
    connect-retry: 2
    idle-hold: 1
  - address: $N2
    remote-as: 65003
    local-address: 10.82.0.4
    hold-time: $1
    connect-retry: 2
    idle-hold: 1
${3:-}
EOF
}

cli() { "$CLI" -s "$SOCK" "$@"; }
birdc() { lab_exec b birdc -s "$T/bird.sock" "$@"; }
state_of() { cli -j show neighbor "$1" 2>/dev/null | jq -r .state; }
established() { [ "$(state_of "$1")" = Established ]; }
bird_established() { birdc show protocols "$1" 2>/dev/null | grep -q Established; }
# expect_rc WANT DESC CMD...: run CMD, its stdout in $T/out, stderr in $T/err.
expect_rc() {
	local want="$1" desc="$2"
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local rc=$?
	[ "$rc" = "$want" ] || lab_fail "$desc: exit $rc, expected $want (stderr: $(head -c 500 "$T/err"))"
}
# jq_ok DESC FILTER: the filter holds on $T/out.
jq_ok() {
	jq -e "$2" "$T/out" >/dev/null 2>&1 || lab_fail "$1: jq '$2' does not hold on: $(head -c 1500 "$T/out")"
}

# ---- a group that does not exist stops start-up, naming it -----------------
bgpd_conf 90 "no-such-group-$$"
lab_bg a bgpd_nogroup "$BGPD" -c "$T/bgpd.yaml"
[ "$(lab_wait_exit bgpd_nogroup 30)" = 1 ] || lab_fail "bgpd started with a missing control socket group"
grep -q "no-such-group-$$" "$(lab_log bgpd_nogroup)" || lab_fail "the start-up error does not name the group"
[ -e "$SOCK" ] && lab_fail "a socket was left behind by the failed start"
echo "ok: a missing group is a start-up error naming it"

# ---- start --------------------------------------------------------------
bgpd_conf 90 "$GROUP"
lab_bg b bird bird -f -c "$T/bird.conf" -s "$T/bird.sock"
lab_bg a bgpd "$BGPD" -c "$T/bgpd.yaml" -d
lab_wait 30 "both neighbours Established" sh -c "
	[ \"\$('$CLI' -s '$SOCK' -j show summary | jq .neighbors_established)\" = 2 ]"
lab_wait 10 "BIRD sees both Established" sh -c "
	ip netns exec $(lab_nsname b) birdc -s '$T/bird.sock' show protocols | grep -c Established | grep -qx 2"

# ---- the socket file ----------------------------------------------------
[ -S "$SOCK" ] || lab_fail "no socket at $SOCK"
[ "$(stat -c '%a %G' "$SOCK")" = "660 $GROUP" ] ||
	lab_fail "socket mode/group $(stat -c '%a %G' "$SOCK"), expected 660 $GROUP"
expect_rc 3 "nobody outside the group" setpriv --reuid=nobody --regid=nogroup --clear-groups "$CLI" -s "$SOCK" show summary
grep -q "Permission denied" "$T/err" || lab_fail "refused client: no 'Permission denied': $(cat "$T/err")"
expect_rc 0 "nobody in the group (supplementary)" setpriv --reuid=nobody --regid=nogroup --groups="$GID" "$CLI" -s "$SOCK" show summary
echo "ok: socket 0660 $GROUP; outsiders refused by the file mode, members served"

# ---- every show command, human and JSON -----------------------------------
expect_rc 0 "show summary -j" cli -j show summary
jq_ok "summary core members" '(keys - ["routes","rib_memory_bytes","attribute_sets"] | sort) ==
	(["router_id","local_as","neighbors_total","neighbors_established","uptime_s"] | sort)'
jq_ok "summary values" '.router_id == "10.82.0.1" and .local_as == 65001 and .neighbors_total == 2
	and .neighbors_established == 2 and (.uptime_s | type) == "number"'
expect_rc 0 "show summary" cli show summary
grep -q "^Router ID *10.82.0.1" "$T/out" || lab_fail "human summary: $(cat "$T/out")"

NEIGHBOR_KEYS='["address","remote_as","state","uptime_s","hold_time","messages","last_error","prefixes_received","prefixes_advertised"]'
MSG_KEYS='["open","update","notification","keepalive","route_refresh","total"]'
expect_rc 0 "show neighbors -j" cli -j show neighbors
jq_ok "show neighbors: exact members" "(.neighbors | length) == 2 and
	all(.neighbors[]; (keys | sort) == ($NEIGHBOR_KEYS | sort))"
jq_ok "show neighbors: message counters" "all(.neighbors[].messages | .in, .out;
	(keys | sort) == ($MSG_KEYS | sort) and .open >= 1 and .total == (.open + .update + .notification + .keepalive + .route_refresh))"
jq_ok "show neighbors: values" "[.neighbors[] | select(.address == \"$N1\")][0] |
	.remote_as == 65002 and .state == \"Established\" and .hold_time == 90 and (.uptime_s | type) == \"number\""
grep -q never-shown-pw "$T/out" && lab_fail "the password appears in show neighbors"
expect_rc 0 "show neighbors" cli show neighbors
grep -q "^Neighbor .*State" "$T/out" && grep -q "^$N1 .*65002 *Established" "$T/out" &&
	grep -q "^$N2 .*65003 *Established" "$T/out" || lab_fail "human show neighbors: $(cat "$T/out")"

expect_rc 0 "show neighbor -j" cli -j show neighbor $N1
jq_ok "show neighbor: exact members" "(keys | sort) == ($NEIGHBOR_KEYS + [\"description\",\"local_address\",
	\"local_as\",\"router_id\",\"peer_capabilities\",\"connections\",\"flaps\",\"idle_hold_s\",
	\"last_state_change_s\"] | sort)"
jq_ok "show neighbor: values" ".description == \"BIRD one\" and .local_address == \"10.82.0.1\" and
	.local_as == 65001 and .router_id == \"$N1\" and (.peer_capabilities | index(\"mp-ipv4-unicast\") != null)
	and (.peer_capabilities | index(\"4-octet-as\") != null) and .flaps == 0"
jq_ok "show neighbor: connections" '(.connections | length) == 1 and all(.connections[];
	(keys | sort) == (["state","local","remote","srtt_us","rto_us","cwnd","retransmits","md5"] | sort))
	and .connections[0].state == "ESTABLISHED" and .connections[0].md5 == true
	and (.connections[0].local | startswith("10.82.0.1:")) and (.connections[0].remote | startswith("10.82.0.2:"))'
grep -q never-shown-pw "$T/out" && lab_fail "the password appears in show neighbor"
expect_rc 0 "show neighbor" cli show neighbor $N1
grep -q "^Neighbor $N1, remote AS 65002: Established" "$T/out" && grep -q "Connections" "$T/out" ||
	lab_fail "human show neighbor: $(cat "$T/out")"
expect_rc 0 "abbreviated: sh nei ADDRESS" cli sh nei $N2
grep -q "^Neighbor $N2, remote AS 65003" "$T/out" || lab_fail "sh nei: $(cat "$T/out")"

expect_rc 0 "show tcp -j" cli -j show tcp
jq_ok "show tcp: exact members" '(keys | sort) == ["connections","stack"] and (.connections | length) >= 2 and
	all(.connections[]; (keys | sort) == (["state","local","remote","sendq","recvq","srtt_us","rttvar_us",
	"rto_us","cwnd","ssthresh","mss","retransmits","md5","drops"] | sort))
	and (.stack.segments_in > 0) and (.stack.segments_out > 0)'
jq_ok "show tcp: the MD5 session" '[.connections[] | select(.state == "ESTABLISHED" and .md5)] | length >= 1'
expect_rc 0 "show tcp" cli show tcp
grep -q "^State *Local *Remote" "$T/out" && grep -q "Stack counters" "$T/out" || lab_fail "human show tcp: $(cat "$T/out")"
echo "ok: show summary/neighbors/neighbor/tcp, human and JSON, exact members"

# ---- routes: answered by the routing side -----------------------------------
cli -j show routes >"$T/out" 2>"$T/err"
rc=$?
if [ $rc = 1 ] && grep -q "no routing table" "$T/err"; then
	# Before the RIB is wired in every route command answers "failed" (exit 1).
	expect_rc 1 "announce without a RIB" cli announce 192.0.2.0/24
	expect_rc 1 "withdraw without a RIB" cli withdraw 192.0.2.0/24
	echo "ok: route commands answer 'failed' (no RIB in this build)"
else
	[ $rc = 0 ] || lab_fail "show routes: exit $rc ($(cat "$T/err"))"
	jq_ok "show routes" '.routes | type == "array"'
	expect_rc 0 "announce" cli announce 192.0.2.0/24 community 65001:7 large-community 65001:1:2 med 5
	# NO_EXPORT (RFC 1997): kept here, never sent to an external peer such as BIRD.
	expect_rc 0 "announce no-export" cli announce 192.0.2.128/25 community no-export
	expect_rc 0 "show routes PREFIX -j" cli -j show routes 192.0.2.0/24
	jq_ok "announced route" '[.routes[] | select(.prefix == "192.0.2.0/24")] | length >= 1 and
		(.[0] | (keys | sort) == (["prefix","best","from","next_hop","as_path","origin","local_pref","med",
		"communities","large_communities"] | sort) and (.communities | index("65001:7") != null))'
	expect_rc 0 "show routes" cli show routes
	grep -q "192.0.2.0/24" "$T/out" || lab_fail "human show routes: $(cat "$T/out")"
	lab_wait 15 "BIRD receives the announced route" sh -c "
		ip netns exec $(lab_nsname b) birdc -s '$T/bird.sock' show route 192.0.2.0/24 | grep -q 192.0.2.0/24"
	expect_rc 0 "show routes PREFIX -j (no-export)" cli -j show routes 192.0.2.128/25
	jq_ok "no-export route held" '[.routes[] | select(.communities | index("65535:65281") != null)] | length == 1'
	ip netns exec $(lab_nsname b) birdc -s "$T/bird.sock" show route 192.0.2.128/25 | grep -q 192.0.2.128/25 &&
		lab_fail "a NO_EXPORT route reached an external peer"
	expect_rc 0 "withdraw no-export" cli withdraw 192.0.2.128/25
	expect_rc 0 "withdraw" cli withdraw 192.0.2.0/24
	lab_wait 15 "BIRD loses the withdrawn route" sh -c "
		! ip netns exec $(lab_nsname b) birdc -s '$T/bird.sock' show route 192.0.2.0/24 | grep -q 192.0.2.0/24"
	echo "ok: announce, show routes, withdraw"
fi

# ---- exit codes ------------------------------------------------------------
expect_rc 1 "unknown neighbour" cli show neighbor 10.82.0.99
grep -q "10.82.0.99 is not configured" "$T/err" || lab_fail "unknown neighbour message: $(cat "$T/err")"
expect_rc 1 "unknown neighbour (action)" cli neighbor 10.82.0.99 reset
expect_rc 2 "bad address" cli show neighbor 10.82.0.999
expect_rc 2 "unknown command word" cli frobnicate
expect_rc 2 "incomplete command" cli neighbor $N1
expect_rc 2 "bad option" cli --no-such-option show summary
expect_rc 3 "no socket" "$CLI" -s "$T/run/absent.sock" show summary
grep -q "No such file or directory" "$T/err" || lab_fail "no socket message: $(cat "$T/err")"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$T/run/stale.sock"
expect_rc 3 "nobody listening (stale socket)" "$CLI" -s "$T/run/stale.sock" show summary
grep -q "Connection refused" "$T/err" || lab_fail "stale socket message: $(cat "$T/err")"
python3 - "$T/run/fake.sock" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
c.recv(65536)
c.sendall(b"this is no response\n")
c.close()
EOF
FAKE=$!
lab_wait 30 "fake server" test -S "$T/run/fake.sock"
expect_rc 4 "not a response" "$CLI" -s "$T/run/fake.sock" show summary
wait $FAKE
echo "ok: exit codes 0/1/2/3/4"

# ---- garbage on the socket ---------------------------------------------------
python3 - "$SOCK" "$N1" <<'EOF' || lab_fail "protocol errors (see above)"
import json, socket, sys
path, peer = sys.argv[1], sys.argv[2]

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    s.connect(path)
    return s, s.makefile("rb")

s, f = connect()
def ask(raw, code, what):
    s.sendall(raw)
    line = f.readline()
    r = json.loads(line)
    got = r.get("code") if not r["ok"] else "ok"
    if got != code:
        sys.exit("%s: got %s, expected %s: %s" % (what, got, code, line[:300]))
    return r

ask(b"this is not json\n", "bad-request", "not JSON")
ask(b"[1, 2]\n", "bad-request", "not an object")
ask(b'{"command": 7}\n', "bad-request", "command not a string")
ask(b'{"command": "show summary", "arg": {}}\n', "bad-request", "unknown member")
ask(b'{"command": "show summary", "args": []}\n', "bad-request", "args not an object")
r = ask(b'{"command": "make coffee"}\n', "unknown-command", "unknown command")
if "make coffee" not in r["error"]:
    sys.exit("unknown command: the error does not name it: %r" % r["error"])
ask(b'{"command": "show summary", "args": {"verbose": true}}\n', "bad-arguments", "unknown argument")
ask(b'{"command": "show neighbor"}\n', "bad-arguments", "missing address")
ask(b'{"command": "show neighbor", "args": {"address": "banana"}}\n', "bad-arguments", "bad address")
ask(b'{"command": "show neighbor", "args": {"address": 10}}\n', "bad-arguments", "address not a string")
ask(b'{"command": "show neighbor", "args": {"address": "10.82.0.99"}}\n', "not-found", "unknown neighbour")
ask(json.dumps({"command": "neighbor shutdown",
                "args": {"address": peer, "message": "x" * 256}}).encode() + b"\n",
    "bad-arguments", "shutdown message over 255 bytes")
ask(json.dumps({"command": "neighbor reset", "args": {"address": peer, "soft": "sideways"}}).encode() + b"\n",
    "bad-arguments", "soft neither in nor out")
# Blank lines get no answer; pipelined requests are answered in order.
s.sendall(b'\n\r\n{"command": "show summary"}\n{"command": "show tcp"}\n')
a, b = json.loads(f.readline()), json.loads(f.readline())
if not (a["ok"] and "router_id" in a["result"] and b["ok"] and "stack" in b["result"]):
    sys.exit("pipelined answers out of order or failed")
# A line over 64 KiB: too-large, then the server closes this connection.
s.sendall(b"x" * (64 * 1024 + 1))
r = json.loads(f.readline())
if r["ok"] or r["code"] != "too-large":
    sys.exit("huge line: %r" % r)
if f.readline() != b"":
    sys.exit("huge line: the connection stayed open")
s.close()
# The daemon serves the next client.
s, f = connect()
ask(b'{"command": "show summary"}\n', "ok", "a new client after the garbage")
EOF
expect_rc 0 "bgpcli after the garbage" cli show summary
echo "ok: garbage on the socket answered with the right codes; the daemon keeps serving"

# ---- shutdown with a message, enable, reset ----------------------------------
expect_rc 0 "neighbor shutdown" cli neighbor $N1 shutdown "maintenance until 14:00"
grep -q "neighbor $N1: shut down" "$T/out" || lab_fail "shutdown output: $(cat "$T/out")"
lab_wait 10 "BIRD shows our shutdown message" sh -c "
	ip netns exec $(lab_nsname b) birdc -s '$T/bird.sock' show protocols all peer1 |
	grep -q 'Message: *maintenance until 14:00'"
[ "$(state_of $N1)" = Idle ] || lab_fail "after shutdown: $(state_of $N1), expected Idle"
expect_rc 0 "show neighbor after shutdown" cli -j show neighbor $N1
jq_ok "last_error after shutdown" '.last_error | test("Administrative Shutdown.*maintenance until 14:00")'
# BIRD keeps trying (connect retry 2 s): we stay down.
sleep 6
[ "$(state_of $N1)" = Idle ] || lab_fail "the shut-down neighbour came back by itself: $(state_of $N1)"
bird_established peer1 && lab_fail "BIRD re-established a shut-down neighbour"
established $N2 || lab_fail "the other neighbour went down with the shutdown"
expect_rc 0 "neighbor enable" cli neighbor $N1 enable
lab_wait 30 "Established again after enable" established $N1
lab_wait 10 "BIRD Established again after enable" bird_established peer1
echo "ok: shutdown with message (BIRD shows it), stays down, enable brings it back"

FLAPS="$(cli -j show neighbor $N1 | jq .flaps)"
expect_rc 0 "neighbor reset" cli neighbor $N1 reset
grep -q "neighbor $N1: reset" "$T/out" || lab_fail "reset output: $(cat "$T/out")"
lab_wait 10 "BIRD saw the administrative reset" grep -q "peer1: Received: Administrative reset" "$(lab_log bird)"
lab_wait 30 "Established after reset" established $N1
[ "$(cli -j show neighbor $N1 | jq .flaps)" -gt "$FLAPS" ] || lab_fail "reset: the session did not go down"
expect_rc 0 "soft reset in" cli neighbor $N1 reset soft in
expect_rc 0 "soft reset out" cli neighbor $N1 reset soft out
grep -q "soft reset out" "$T/out" || lab_fail "soft reset output: $(cat "$T/out")"
established $N1 || lab_fail "a soft reset dropped the session"
echo "ok: reset re-establishes; soft in/out keep the session"

# ---- reload ----------------------------------------------------------------
FLAPS1="$(cli -j show neighbor $N1 | jq .flaps)"
bgpd_conf 90 "$GROUP" "bogus-key: [unclosed"
expect_rc 1 "reload of a broken file" cli reload
grep -Eq "^bgpcli: $T/bgpd.yaml:[0-9]+:[0-9]+: " "$T/err" || lab_fail "reload error without FILE:LINE:COLUMN: $(cat "$T/err")"
python3 - "$SOCK" <<'EOF' || lab_fail "reload of a broken file: code"
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(20); s.connect(sys.argv[1])
s.sendall(b'{"command": "reload"}\n')
r = json.loads(s.makefile("rb").readline())
sys.exit(0 if not r["ok"] and r["code"] == "failed" else "reload: %r" % r)
EOF
established $N1 && established $N2 || lab_fail "a failed reload touched the sessions"
[ "$(cli -j show neighbor $N1 | jq .flaps)" = "$FLAPS1" ] || lab_fail "a failed reload reset a session"
echo "ok: broken reload -> failed with FILE:LINE:COLUMN, old configuration still running"

bgpd_conf 30 "$GROUP"
expect_rc 0 "reload -j (hold-time of one neighbour)" cli -j reload
jq_ok "reload result" "(keys | sort) == [\"added\",\"changed\",\"removed\"] and .changed == [\"neighbor $N2\"]
	and .added == [] and .removed == []"
lab_wait 30 "the reset neighbour comes back" established $N2
expect_rc 0 "show neighbor after reload" cli -j show neighbor $N2
jq_ok "new hold time negotiated" '.hold_time == 30'
established $N1 || lab_fail "reload reset the unchanged neighbour"
[ "$(cli -j show neighbor $N1 | jq .flaps)" = "$FLAPS1" ] || lab_fail "reload flapped the unchanged neighbour"
expect_rc 0 "reload (nothing changed)" cli reload
grep -q "nothing changed" "$T/out" || lab_fail "human reload: $(cat "$T/out")"
echo "ok: reload with a changed hold-time resets only that neighbour"

# ---- stop: the socket goes with the daemon -----------------------------------
kill -TERM "$LAB_PID_bgpd"
[ "$(lab_wait_exit bgpd 15)" = 0 ] || lab_fail "bgpd did not exit 0 on SIGTERM"
[ -e "$SOCK" ] && lab_fail "the control socket file is left after exit"
expect_rc 3 "daemon not running" cli show summary
echo "ok: SIGTERM removes the socket; bgpcli then exits 3"

lab_pass "bgpcli: every command, exit codes, shutdown/enable/reset, garbage, permissions, reload"
