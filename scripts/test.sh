#!/usr/bin/env bash
# The whole test suite: every tier (unit and property tests, real ZooKeeper, multi-process daemons,
# the lvm2 oracle on loop devices, the real-kernel tests on User-Mode Linux, the fault-injection
# run), plus the quality gates (javac -Xlint -Werror, formatting, coverage).
#
# As root it first installs the prerequisites; without root or lvm2 the tiers that need them are
# skipped with the reason printed. Under CI=true a missing prerequisite fails instead.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
if [ "$(id -u)" = 0 ]; then
	scripts/install-prereqs.sh
fi
if [ "${CI:-}" = true ]; then
	set -- -Dclvm.requireAllTiers=true "$@"
fi
exec mvn -B -ntp verify "$@"
