#!/usr/bin/env bash
# The demo the README's first command runs: a three-node clvm cluster on this one machine.
#
#   scripts/demo.sh           build, start three clvmd (node1 runs the embedded ZooKeeper), then
#                             pvcreate, vgcreate --shared, lvcreate, lvs on the other nodes,
#                             lvchange -asy everywhere, lvextend "applied on 3/3 nodes",
#                             clvm cluster status; stop the daemons and remove demo-work/.
#   scripts/demo.sh --keep    the same, but leave demo-work/ (configs, PV files, daemon logs).
#   scripts/demo.sh --no-build  skip the Maven build (it must have been built before).
#
# Everything lives in demo-work/ at the project root. Without a kernel device-mapper (no
# /dev/mapper/control, as on most build machines and containers) the daemons compute and record
# every table but cannot load it: the demo says so first.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
work="$root/demo-work"
keep=0
build=1
for a in "$@"; do
	case "$a" in
	--keep) keep=1 ;;
	--no-build) build=0 ;;
	--uml)
		echo "demo.sh: --uml is not available in this build; run the demo without it." >&2
		exit 2
		;;
	-h | --help)
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "demo.sh: unknown argument $a (try --help)" >&2
		exit 2
		;;
	esac
done

bold=$(tput bold 2>/dev/null || true)
plain=$(tput sgr0 2>/dev/null || true)
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

pids=()
cleanup() {
	local rc=$?
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ "$keep" = 0 ]; then rm -rf "$work"; fi
	exit $rc
}

# --- 0. device-mapper, said plainly first -----------------------------------------------------
if [ -c /dev/mapper/control ] && [ -r /dev/mapper/control ] && [ -w /dev/mapper/control ] &&
	grep -qw device-mapper /proc/misc 2>/dev/null; then
	dm_mode=kernel
	echo "device-mapper: this kernel has one; the daemons load real tables (dm names node1-..., node2-..., node3-...)."
else
	dm_mode=memory
	echo "${bold}NOTE: this kernel has no usable device-mapper (/dev/mapper/control cannot be opened).${plain}"
	echo "      The daemons compute, record and 'apply' every table per node, but tables are"
	echo "      RECORDED, NOT LOADED into a kernel. Everything else (ZooKeeper, locks, commits on the"
	echo "      PVs, propagation) is real."
fi
# The PVs are sparse files: a kernel device-mapper cannot map a regular file, so the demo keeps
# the tables in memory unless loop devices are used (root only).
[ "$dm_mode" = kernel ] && dm_mode=memory && echo "      (PVs are plain files here: tables are recorded, not loaded; see --uml in the README.)"

# --- 1. build --------------------------------------------------------------------------------
if [ "$build" = 1 ]; then
	say "building (mvn -B -q -ntp -DskipTests package)"
	(cd "$root" && mvn -B -q -ntp -DskipTests package)
fi
if [ ! -f "$root/clvm-cli/target/clvm-cli.jar" ]; then
	echo "demo.sh: not built: $root/clvm-cli/target/clvm-cli.jar is missing" >&2
	exit 5
fi

# --- 2. demo-work: PV files, configs ---------------------------------------------------------
if [ -e "$work" ]; then
	echo "demo.sh: $work exists (a previous demo still running, or --keep): remove it first." >&2
	exit 2
fi
trap cleanup EXIT INT TERM
mkdir -p "$work"
for i in 1 2 3; do truncate -s 1G "$work/pv$i.img"; done
devices="$work/pv1.img,$work/pv2.img,$work/pv3.img"

# A free loopback port for node1's embedded ZooKeeper.
port=""
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 20000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || {
	echo "demo.sh: no free port found" >&2
	exit 5
}

me=$(id -un)
for i in 1 2 3; do
	{
		echo "# clvm demo node$i (written by scripts/demo.sh)"
		echo "cluster.name = \"demo\""
		echo "node.id = \"node$i\""
		if [ "$i" = 1 ]; then
			echo "zookeeper.embedded.address = \"127.0.0.1\""
			echo "zookeeper.embedded.port = $port"
			echo "zookeeper.embedded.dataDir = \"$work/zk\""
		else
			echo "zookeeper.connect = \"127.0.0.1:$port\""
		fi
		echo "zookeeper.sessionTimeoutMs = 6000"
		echo "socket.path = \"$work/node$i.sock\""
		if [ "$me" = root ]; then echo "socket.allowedUsers = \"root\""; else echo "socket.allowedUsers = \"root,$me\""; fi
		echo "global.locking_mode = \"local\""
		echo "global.lock_dir = \"$work/lock$i\""
		echo "backup.backup_dir = \"$work/backup$i\""
		echo "backup.archive_dir = \"$work/archive$i\""
		echo "devices.devices = \"$devices\""
		echo "activation.name_prefix = \"node$i-\""
		echo "activation.device_mapper = \"$dm_mode\""
	} >"$work/node$i.conf"
done

# --- 3. three daemons ------------------------------------------------------------------------
say "starting clvmd on node1 (embedded ZooKeeper on 127.0.0.1:$port), node2, node3"
start() {
	CLVMD_JAVA_OPTS="-Xmx192m -XX:TieredStopAtLevel=1" "$root/bin/clvmd" --config "$work/node$1.conf" \
		>"$work/node$1.log" 2>&1 &
	pids+=($!)
}
wait_socket() {
	local deadline=$((SECONDS + 60))
	until [ -S "$work/node$1.sock" ]; do
		if ! kill -0 "${pids[$(($1 - 1))]}" 2>/dev/null; then
			echo "demo.sh: clvmd node$1 exited; its log:" >&2
			tail -20 "$work/node$1.log" >&2
			exit 5
		fi
		if [ $SECONDS -ge $deadline ]; then
			echo "demo.sh: clvmd node$1 did not open its socket within 60 s; its log:" >&2
			tail -20 "$work/node$1.log" >&2
			exit 5
		fi
		sleep 0.1
	done
	echo "   node$1 is up ($work/node$1.sock)"
}
start 1
wait_socket 1
start 2
start 3
wait_socket 2
wait_socket 3
grep -h "device-mapper" "$work"/node*.log | sed 's/^/   log: /' | head -3 || true

# Runs a command as an admin on node N would type it.
on() {
	local n=$1
	shift
	printf '\n%s[node%s]# clvm %s%s\n' "$bold" "$n" "$*" "$plain"
	CLVM_CONF="$work/node$n.conf" "$root/bin/clvm" "$@"
}

# --- 4. the admin's session ------------------------------------------------------------------
say "switching the three nodes to cluster mode"
for i in 1 2 3; do on "$i" enable-cluster; done

say "a shared VG and an LV, made on node1"
on 1 pvcreate "$work/pv1.img" "$work/pv2.img" "$work/pv3.img"
on 1 vgcreate --shared vg0 "$work/pv1.img" "$work/pv2.img" "$work/pv3.img"
on 1 lvcreate -an -L 256M -n data vg0

say "the new LV, seen from node2 and node3"
on 2 lvs vg0
on 3 lvs vg0

say "shared activation on every node"
for i in 1 2 3; do on "$i" lvchange -asy vg0/data; done

say "extend on node1: committed once, reloaded on every node that has it active"
on 1 lvextend -L +512M vg0/data
on 3 lvs -o lv_name,lv_size,seg_count vg0

say "the cluster's state"
on 2 cluster status

say "stopping the daemons"
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
echo "   stopped."
if [ "$keep" = 1 ]; then
	echo "   demo-work/ kept: $work (configs, PV files, daemon logs)"
else
	echo "   demo-work/ removed."
fi
