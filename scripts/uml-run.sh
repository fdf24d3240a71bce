#!/usr/bin/env bash
# uml-run.sh — run a command as root on a real Linux kernel that has device-mapper, on a machine
# whose own kernel lacks it. The kernel is Debian's User-Mode Linux (package user-mode-linux, binary
# linux.uml): an ordinary process, no KVM or emulator. The guest's root file system is this
# machine's own root, shared read-write through hostfs, so every installed program (java, dmsetup,
# losetup) and every file is there at the same path; /run, /dev/shm (and /tmp with
# UML_PRIVATE_TMP=1) are private tmpfs mounts in the guest, and /dev is the guest kernel's devtmpfs.
# No udev runs in the guest: whoever creates device-mapper devices creates their /dev nodes.
#
#   scripts/uml-run.sh [--install] [--] COMMAND [ARG...]
#
# The command runs in the current directory with the variables named in UML_PASS_ENV (plus PATH,
# HOME, JAVA_HOME, MAVEN_OPTS, CI when set). Its stdout and stderr come back on this script's stdout
# and stderr once it ends; the kernel's console goes to $UML_CONSOLE_LOG when set, else is shown
# (its tail) only when the guest failed. Exit status: the command's, 124 if UML_TIMEOUT seconds
# passed, 125 if the guest never reported one.
#
# Environment: UML_MEM (default 2G), UML_TIMEOUT (default 1800 s), UML_MODULES (default
# "dm-mod loop dm-flakey dm-delay dm-zero"), UML_PASS_ENV, UML_PRIVATE_TMP, UML_CONSOLE_LOG.
#
# Hosts with a large XSAVE area (AVX-512, PKRU, AMX: most current Xeons) make UML 6.1's guest init
# die with "ptrace set fp regs failed, errno = 14" (UML sets a fixed 832-byte FPU state and the host
# kernel wants the whole area). scripts/uml-xstate-fix.c, compiled here and preloaded into
# linux.uml, hands the host kernel whole areas; it needs a C compiler (gcc), else the guest runs
# without it (fine on hosts with small XSAVE areas).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)

if [ "${1:-}" = "--install" ]; then
	shift
	command -v linux.uml >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq user-mode-linux; }
fi
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [--install] [--] COMMAND [ARG...]" >&2; exit 2; }
command -v linux.uml >/dev/null || { echo "uml-run: linux.uml not found (apt-get install user-mode-linux, or pass --install)" >&2; exit 125; }
[ -d /usr/lib/uml/modules ] || { echo "uml-run: /usr/lib/uml/modules missing (reinstall user-mode-linux)" >&2; exit 125; }

kver=$(ls /usr/lib/uml/modules | sort -V | tail -n 1)
work=$(mktemp -d /var/tmp/uml-run.XXXXXX)
trap 'rm -rf "$work"' EXIT

preload=
if command -v cc >/dev/null && [ -f "$here/uml-xstate-fix.c" ]; then
	if cc -shared -fPIC -O2 -o "$work/uml-xstate-fix.so" "$here/uml-xstate-fix.c" -ldl 2>"$work/cc.log"; then
		preload=$work/uml-xstate-fix.so
	else
		echo "uml-run: warning: cannot build uml-xstate-fix.so:" >&2
		cat "$work/cc.log" >&2
	fi
else
	echo "uml-run: warning: no C compiler; running UML without uml-xstate-fix (fails on AVX-512/AMX hosts)" >&2
fi

# The guest's init: mount the pseudo file systems, load modules, run the command, record its status.
{
	echo '#!/bin/sh'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo 'mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t tmpfs tmpfs /run'
	echo 'mkdir -p /dev/shm /dev/pts /dev/mapper; mount -t tmpfs tmpfs /dev/shm; mount -t devpts devpts /dev/pts 2>/dev/null'
	if [ "${UML_PRIVATE_TMP:-0}" = 1 ] && [[ $PWD != /tmp* ]]; then echo 'mount -t tmpfs tmpfs /tmp'; fi
	# modprobe finds the UML kernel's modules without touching this machine's /lib/modules
	echo "mount -t tmpfs tmpfs /lib/modules; mkdir -p /lib/modules/$kver; mount --bind /usr/lib/uml/modules/$kver /lib/modules/$kver"
	echo "for m in ${UML_MODULES:-dm-mod loop dm-flakey dm-delay dm-zero}; do modprobe \$m || echo \"uml-run: cannot load \$m\" >&2; done"
	echo 'ip link set lo up 2>/dev/null'
	echo 'export DM_DISABLE_UDEV=1 CLVM_IN_UML=1'
	for v in PATH HOME JAVA_HOME MAVEN_OPTS CI ${UML_PASS_ENV:-}; do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf '( cd %q && exec ' "$PWD"; printf '%q ' "$@"; printf ') >%q 2>%q </dev/null\n' "$work/stdout" "$work/stderr"
	printf 'echo $? >%q\n' "$work/status"
	echo 'sync; poweroff -f; sleep 60'
} >"$work/init"
chmod +x "$work/init"

console=${UML_CONSOLE_LOG:-$work/console}
set +e
LD_PRELOAD=$preload timeout "${UML_TIMEOUT:-1800}" linux.uml mem="${UML_MEM:-2G}" root=/dev/root rootfstype=hostfs rootflags=/ rw \
	init="$work/init" con=null con0=null,fd:1 umid="clvm-uml-$$" quiet >"$console" 2>&1 </dev/null
rc=$?
set -e
cat "$work/stdout" 2>/dev/null || true
cat "$work/stderr" >&2 2>/dev/null || true
if [ $rc -eq 124 ]; then echo "uml-run: timed out after ${UML_TIMEOUT:-1800} s" >&2; exit 124; fi
if [ ! -s "$work/status" ]; then
	echo "uml-run: the guest reported no exit status; its console:" >&2
	tail -n 40 "$console" >&2
	exit 125
fi
exit "$(cat "$work/status")"
