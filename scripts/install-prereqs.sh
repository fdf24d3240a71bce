#!/usr/bin/env bash
# Installs what clvm's tests and demo need on a fresh Debian 12 machine: lvm2 (the compatibility
# oracle), user-mode-linux (a real kernel with device-mapper, started as a process; gcc builds
# scripts/uml-xstate-fix.c, see scripts/uml-run.sh), tgt, open-iscsi, multipath-tools and udev
# (the iSCSI scenario: udevd feeds multipathd), kmod/iproute2 for the guest. Idempotent; needs root.
set -euo pipefail
pkgs=(lvm2 user-mode-linux tgt open-iscsi multipath-tools udev iproute2 kmod util-linux gcc libc6-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
	echo "install-prereqs: missing packages ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "install-prereqs: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The packages' services must not start on the host: tests start their own, inside the UML guest.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
