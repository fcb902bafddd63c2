#!/bin/bash
# The main job until bgpd exists: tcpcat, on our userspace TCP stack, moves
# 20 MB each way with the Linux kernel's TCP across a veth pair between two
# network namespaces, then prints its statistics. Everything is removed on exit.
set -u
. "$(dirname "$0")/lib.sh"
lab_init
lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va 10.72.0.1/24
lab_addr b vb 10.72.0.2/24
T="$(lab_tmp)"
head -c $((20 << 20)) /dev/urandom >"$T/a.bin"
head -c $((20 << 20)) /dev/urandom >"$T/b.bin"
echo "lab: namespace $(lab_nsname a) runs tcpcat (10.72.0.1), $(lab_nsname b) the kernel (10.72.0.2)"
lab_bg b kernel python3 "$LAB_TOP/tests/lab/kpeer.py" listen 10.72.0.2 179 "$T/b.bin" "$T/got_b"
lab_wait 5 "kernel listener" grep -q listening "$(lab_log kernel)"
lab_exec a "$LAB_TOP/$LAB_BUILD/tcpcat" --stats 10.72.0.2 179 <"$T/a.bin" >"$T/got_a" 2>"$T/stats" ||
	lab_fail "tcpcat: $(tail -1 "$T/stats")"
[ "$(lab_wait_exit kernel 30)" = 0 ] || lab_fail "kernel peer failed"
cmp -s "$T/a.bin" "$T/got_b" || lab_fail "tcpcat -> kernel: data differs"
cmp -s "$T/b.bin" "$T/got_a" || lab_fail "kernel -> tcpcat: data differs"
echo "lab: 20 MB each way, byte-exact. tcpcat --stats:"
python3 -m json.tool "$T/stats"
