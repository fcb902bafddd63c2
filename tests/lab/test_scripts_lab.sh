#!/bin/bash
# tests/lab/test_scripts_lab.sh — the README's first command works: `scripts/lab up`
# brings bgpd and BIRD up over TCP-MD5 with routes both ways and prints the summary;
# `scripts/lab down` removes everything it made.
set -u
. "$(dirname "$0")/lib.sh"
lab_init
T="$(lab_tmp)"
export LAB_DIR="$T/lab"
cd "$LAB_TOP"
trap 'rc=$?; BUILD=$LAB_BUILD scripts/lab down >/dev/null 2>&1; (exit $rc); lab_cleanup' EXIT
ip netns list | grep -qw bgpdlab-bgpd && lab_skip "a lab made by scripts/lab is running already"
BUILD="$LAB_BUILD" scripts/lab up >"$T/up.out" 2>&1 || lab_fail "scripts/lab up: $(tail -20 "$T/up.out")"
grep -q "Established" "$T/up.out" || lab_fail "no Established in: $(cat "$T/up.out")"
grep -q "Loc-RIB" "$T/up.out" || lab_fail "no route counts in: $(cat "$T/up.out")"
BUILD="$LAB_BUILD" scripts/lab status >"$T/status.out" 2>&1 || lab_fail "scripts/lab status"
ip netns exec bgpdlab-bird birdc -s "$LAB_DIR/bird.sock" show route for 203.0.113.0/24 all |
	grep -q "BGP.as_path: 65001" || lab_fail "BIRD lacks our network"
BUILD="$LAB_BUILD" scripts/lab down || lab_fail "scripts/lab down"
ip netns list | grep -q bgpdlab && lab_fail "namespaces left behind"
[ -e "$LAB_DIR" ] && lab_fail "$LAB_DIR left behind"
lab_pass "scripts/lab up/status/down: bgpd <-> BIRD over TCP-MD5, routes both ways, nothing left"
