#!/bin/sh
# iscsi-by-hand.sh — the iSCSI + dm-multipath stack of docs/iscsi.md, by hand, with bin/clvm on top.
# It runs INSIDE the User-Mode Linux guest (it mounts over /etc and starts daemons), so start it as
#
#   mvn -B -q -DskipTests package                       # bin/clvm needs clvm-cli/target/clvm-cli.jar
#   scripts/uml-run.sh -- scripts/iscsi-by-hand.sh
#
# (root, packages tgt open-iscsi multipath-tools user-mode-linux). Every step is echoed. It writes
# nothing outside the guest's private tmpfs (/run) but the LUN images, under
# /run/iscsi-by-hand-clvmtest, and it undoes everything at the end, also after a failure.
set -eu
[ "${CLVM_IN_UML:-}" = 1 ] || { echo "run me through scripts/uml-run.sh (I mount over /etc)" >&2; exit 2; }
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
clvm="$root/bin/clvm"
work=/run/iscsi-by-hand-clvmtest
iqn=iqn.2026-11.io.clvm:storage-clvmtest
step() { echo "+ $*"; "$@"; }

cleanup() {
	set +e
	echo "--- teardown"
	[ -f "$work/clvm.conf" ] && CLVM_CONF=$work/clvm.conf "$clvm" vgchange -an byhandvg
	[ -n "${mpd:-}" ] && kill "$mpd" && wait "$mpd"
	dmsetup remove mpath1-clvmtest 2>/dev/null
	iscsiadm -m node -u >/dev/null
	[ -n "${iscsid:-}" ] && kill "$iscsid"
	[ -n "${tgtd:-}" ] && kill -9 "$tgtd"   # tgtd does not stop on SIGTERM while it has targets
	[ -n "${udevd:-}" ] && { udevadm control --exit; wait "$udevd"; }
	mountpoint -q /etc && umount -l /etc
	rm -rf "$work" /run/clvmtest-etc /run/udev
	echo "--- host /etc: $(ls -d /etc/multipath /etc/multipath.conf 2>&1 | tr '\n' ' ')"
}
trap cleanup EXIT

echo "--- 1. modules, and a private /etc (an overlay: its writes go to the guest's /run)"
step modprobe -a sd_mod iscsi_tcp dm-multipath dm-round-robin overlay
mkdir -p /run/clvmtest-etc/upper /run/clvmtest-etc/work /run/lock/iscsi "$work"
step mount -t overlay clvmtest-etc -o lowerdir=/etc,upperdir=/run/clvmtest-etc/upper,workdir=/run/clvmtest-etc/work /etc
mkdir -p /etc/iscsi /etc/udev/rules.d
echo "InitiatorName=iqn.2026-11.io.clvm:node1-clvmtest" >/etc/iscsi/initiatorname.iscsi
cat >/etc/iscsi/iscsid.conf <<EOF
iscsid.startup = /bin/false
node.startup = manual
node.session.timeo.replacement_timeout = 5
node.conn[0].timeo.noop_out_interval = 2
node.conn[0].timeo.noop_out_timeout = 2
node.session.scan = auto
EOF

echo "--- 2. the storage server: tgtd, one 64 MiB LUN, two portals (127.0.0.1 and 127.0.0.2)"
truncate -s 64M "$work/lun1-clvmtest.img"
setsid tgtd -f -C 7 --iscsi portal=127.0.0.1:3260 >"$work/tgtd.log" 2>&1 &
tgtd=$!
i=0; until tgtadm -C 7 --lld iscsi --op show --mode sys >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 300 ]; sleep 0.1; done
step tgtadm -C 7 --lld iscsi --op new --mode portal --param portal=127.0.0.2:3260
step tgtadm -C 7 --lld iscsi --op new --mode target --tid 1 -T $iqn
step tgtadm -C 7 --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$work/lun1-clvmtest.img"
step tgtadm -C 7 --lld iscsi --op bind --mode target --tid 1 -I ALL

echo "--- 3. the initiator: iscsid, log in through both portals: one LUN, two SCSI disks"
setsid iscsid -f -n -c /etc/iscsi/iscsid.conf -i /etc/iscsi/initiatorname.iscsi >"$work/iscsid.log" 2>&1 &
iscsid=$!
i=0; until grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix; do i=$((i+1)); [ $i -lt 300 ]; sleep 0.1; done
for p in 127.0.0.1:3260 127.0.0.2:3260; do step iscsiadm -m discovery -t sendtargets -p $p; done
for p in 127.0.0.1:3260 127.0.0.2:3260; do step iscsiadm -m node -T $iqn -p $p -l; done
i=0; until [ -e /sys/block/sda ] && [ -e /sys/block/sdb ]; do i=$((i+1)); [ $i -lt 300 ]; sleep 0.1; done
wwid=$(sed 's/^naa\./3/' /sys/block/sda/device/wwid)
echo "sda and sdb are one LUN: wwid $wwid"

echo "--- 4. udevd and multipathd with a private /etc/multipath.conf"
for r in 56-lvm.rules 69-lvm.rules; do ln -sf /dev/null /etc/udev/rules.d/$r; done  # no pvscan
cat >/etc/multipath.conf <<EOF
defaults {
  user_friendly_names no
  find_multipaths no
  uid_attribute ""
  path_grouping_policy multibus
  path_selector "round-robin 0"
  polling_interval 2
  no_path_retry fail
}
blacklist {
  wwid ".*"
}
blacklist_exceptions {
  wwid "^$wwid\$"
}
multipaths {
  multipath {
    wwid "$wwid"
    alias "mpath1-clvmtest"
  }
}
EOF
setsid /lib/systemd/systemd-udevd >"$work/udevd.log" 2>&1 &
udevd=$!
i=0; until [ -e /run/udev/control ]; do i=$((i+1)); [ $i -lt 300 ]; sleep 0.1; done
setsid multipathd -d -s >"$work/multipathd.log" 2>&1 &
mpd=$!
sleep 1
step udevadm trigger --action=add --subsystem-match=block --sysname-match='sd*'
step udevadm settle -t 60
i=0; until multipathd show maps 2>/dev/null | grep -q mpath1-clvmtest; do i=$((i+1)); [ $i -lt 300 ]; sleep 0.2; done
step multipathd show topology
dev=/dev/mapper/mpath1-clvmtest

echo "--- 5. clvm (local mode, a private config) on the multipath device"
mkdir -p "$work/lock"
cat >"$work/clvm.conf" <<EOF
global {
  locking_mode = "local"
  lock_dir = "$work/lock"
}
backup {
  backup = 0
  archive = 0
}
EOF
export CLVM_CONF=$work/clvm.conf
step "$clvm" pvcreate $dev
step "$clvm" vgcreate byhandvg $dev
step "$clvm" lvcreate -n data -L 16m byhandvg
step "$clvm" pvs -o +pv_uuid     # the map, not sda or sdb
step dd if=/dev/urandom of=/dev/mapper/byhandvg-data bs=1M count=8 oflag=direct status=none
sum=$(dd if=/dev/mapper/byhandvg-data bs=1M count=8 iflag=direct status=none | md5sum)

echo "--- 6. a path fails: log out of the session through 127.0.0.2"
step iscsiadm -m node -T $iqn -p 127.0.0.2:3260 -u
sleep 3
step multipathd show topology
step "$clvm" lvextend -L 24m byhandvg/data
echo "data after the path loss: $(dd if=/dev/mapper/byhandvg-data bs=1M count=8 iflag=direct status=none | md5sum) (was $sum)"
step iscsiadm -m node -T $iqn -p 127.0.0.2:3260 -l
sleep 3
step multipathd show topology   # the new disk is back in the map (multipathd heard udev's event)

echo "--- 7. no multipath: the same PV on two disks is a duplicate clvm will not choose from"
step "$clvm" vgchange -an byhandvg
kill "$mpd"; wait "$mpd" || true; mpd=
i=0; until udevadm settle -t 30 && multipath -f mpath1-clvmtest; do i=$((i+1)); [ $i -lt 20 ]; sleep 0.5; done
step "$clvm" pvs || true
echo "--- done"
