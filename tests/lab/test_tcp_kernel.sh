#!/bin/bash
# tcpcat against the Linux kernel's TCP, in two namespaces:
#   - N MB each way at once, tcpcat as client and as server, IPv4 and IPv6,
#     sha256-identical, on a clean link and with random loss on both sides;
#   - a capture on tcpcat's link shows no RST from tcpcat's side (the kernel of
#     tcpcat's namespace is kept out of our sessions by the stack's own guard).
# TCP_LAB_MB (default 100) and TCP_LAB_LOSS (default 3, percent) size it.
set -u
. "$(dirname "$0")/lib.sh"
lab_init

MB="${TCP_LAB_MB:-100}"
LOSS="${TCP_LAB_LOSS:-3}"
TCPCAT="$LAB_TOP/$LAB_BUILD/tcpcat"
KPEER="$LAB_TOP/tests/lab/kpeer.py"
[ -x "$TCPCAT" ] || lab_fail "$TCPCAT not built"

lab_ns a
lab_ns b
lab_link a va b vb
lab_addr a va 10.71.0.1/24
lab_addr b vb 10.71.0.2/24
lab_addr a va fd71::1/64
lab_addr b vb fd71::2/64

T="$(lab_tmp)"
head -c "$((MB * 1024 * 1024))" /dev/urandom >"$T/a.bin"
head -c "$((MB * 1024 * 1024))" /dev/urandom >"$T/b.bin"
sha_a=$(sha256sum <"$T/a.bin" | cut -d' ' -f1)
sha_b=$(sha256sum <"$T/b.bin" | cut -d' ' -f1)

# Every RST that crosses tcpcat's link, whoever sent it.
lab_bg a capture tcpdump --immediate-mode -n -i va -U -w "$T/rst.pcap" \
	'(ip and tcp[tcpflags] & tcp-rst != 0) or (ip6 and ip6[6] == 6 and ip6[53] & 4 != 0)'
lab_wait 5 "tcpdump running" test -s "$(lab_log capture)"

port=5000
run_case() { # $1 role (client|server) $2 family (4|6) $3 label
	local role="$1" fam="$2" label="$3"
	local a_ip=10.71.0.1 b_ip=10.71.0.2
	if [ "$fam" = 6 ]; then a_ip=fd71::1; b_ip=fd71::2; fi
	port=$((port + 1))
	rm -f "$T/got_a" "$T/got_b"
	local start=$(date +%s%N)
	if [ "$role" = client ]; then
		lab_bg b kpeer python3 "$KPEER" listen "$b_ip" "$port" "$T/b.bin" "$T/got_b"
		lab_wait 5 "kernel listener" grep -q listening "$(lab_log kpeer)"
		lab_bg a tcpcat "$TCPCAT" --stats "$b_ip" "$port"
	else
		lab_bg a tcpcat "$TCPCAT" --stats -l "$a_ip" "$port"
		sleep 0.3
		lab_bg b kpeer python3 "$KPEER" connect "$a_ip" "$port" "$T/b.bin" "$T/got_b"
	fi
	local rc_t rc_k
	rc_t=$(lab_wait_exit tcpcat 600)
	rc_k=$(lab_wait_exit kpeer 60)
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc_t" = 0 ] || lab_fail "$label: tcpcat exited $rc_t"
	[ "$rc_k" = 0 ] || lab_fail "$label: kernel peer exited $rc_k"
	[ "$(sha256sum <"$T/got_a" | cut -d' ' -f1)" = "$sha_b" ] || lab_fail "$label: kernel->tcpcat data differs"
	[ "$(sha256sum <"$T/got_b" | cut -d' ' -f1)" = "$sha_a" ] || lab_fail "$label: tcpcat->kernel data differs"
	local stats
	stats=$(grep '^{' "$(lab_log tcpcat)" | tail -1)
	echo "$label: ${MB} MB each way in ${ms} ms; tcpcat stats: $(echo "$stats" |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print("retrans=%d rto=%d fastrx=%d srtt_us=%d" % (s["retransmits"], s["rto_expiries"], s["fast_retransmits"], s["srtt_us"]))')"
}

# lab_bg cannot redirect stdin/stdout itself; wrap tcpcat.
TCPCAT_WRAP="$T/tcpcat-wrap"
cat >"$TCPCAT_WRAP" <<EOF
#!/bin/sh
exec "$TCPCAT" "\$@" <"$T/a.bin" >"$T/got_a"
EOF
chmod +x "$TCPCAT_WRAP"
TCPCAT="$TCPCAT_WRAP"

for fam in 4 6; do
	run_case client "$fam" "IPv$fam tcpcat->kernel (client), clean"
	run_case server "$fam" "IPv$fam tcpcat<-kernel (server), clean"
done

lab_loss a va "$LOSS"
lab_loss b vb "$LOSS"
for fam in 4 6; do
	run_case client "$fam" "IPv$fam client, ${LOSS}% loss both ways"
	run_case server "$fam" "IPv$fam server, ${LOSS}% loss both ways"
done

kill -INT "$LAB_PID_capture"
sleep 0.5
# From tcpcat's addresses: the kernel of tcpcat's namespace (or our stack) spoke
# in a session that was ours. That must never happen.
n_rst=$(tcpdump -n -r "$T/rst.pcap" 'src host 10.71.0.1 or src host fd71::1' 2>/dev/null | wc -l)
[ "$n_rst" = 0 ] || {
	tcpdump -n -r "$T/rst.pcap" 2>/dev/null | head -5 >&2
	lab_fail "$n_rst RST segments from tcpcat's side"
}
# From the kernel peer: reported (a lossy close can end with the peer's kernel
# resetting a segment that arrives after its socket is gone).
n_peer=$(tcpdump -n -r "$T/rst.pcap" 2>/dev/null | wc -l)
[ "$n_peer" = 0 ] || {
	echo "note: $n_peer RST from the kernel peer:"
	tcpdump -n -r "$T/rst.pcap" 2>/dev/null | head -3
}
lab_pass "tcpcat <-> kernel TCP: byte-exact both ways, both roles, both families, clean and lossy; no RST on the wire"
