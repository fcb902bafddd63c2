#!/bin/sh
# Installs every Debian package bgpd's build, tests and lab need (Debian 12).
# Run as root. Used by .ci/run and by the README's first command.
set -eu
export DEBIAN_FRONTEND=noninteractive
PKGS="build-essential pkg-config
libevent-dev libyaml-dev libssl-dev libcmocka-dev libjansson-dev libnftables-dev libcap-dev
nftables iproute2 ethtool iputils-ping socat tcpdump hping3 python3 bird2 bgpdump
clang libclang-rt-dev systemd jq python3-scapy"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	apt-get update
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $missing
fi
# BIRD is run by the tests in their own namespaces, never as the system service.
if systemctl is-active --quiet bird 2>/dev/null; then systemctl stop bird || true; fi
echo "setup: all packages present"
