#!/usr/bin/env bash
# The long fault-injection run (issue 7): by default 10,000 operations against three clvmd
# processes and three ZooKeeper servers with random faults, checked by the safety checker.
# Usage: scripts/fault-long.sh [OPS] [SEED] [MAX_MINUTES]
#   a seed replays a schedule; MAX_MINUTES also bounds the workload in time (see docs/fault-injection.md)
# The run's figures (seed, operations, faults injected, violations) are printed at the end and kept
# in tests/target/surefire-reports/io.clvm.it.fault.FaultInjectionTest-output.txt.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
ops=${1:-10000}
seed_arg=(-Dclvm.fault.seed=0) # 0: a fresh schedule (the CI-sized run keeps a fixed one)
if [ -n "${2:-}" ]; then
	seed_arg=(-Dclvm.fault.seed="$2")
fi
if [ -n "${3:-}" ]; then
	seed_arg+=(-Dclvm.fault.maxMinutes="$3")
fi
mvn -B -ntp -pl tests -am verify \
	-Dtest=FaultInjectionTest -Dsurefire.failIfNoSpecifiedTests=false \
	-Djacoco.skip=true -Dclvm.fault.ops="$ops" "${seed_arg[@]}"
out=tests/target/surefire-reports/io.clvm.it.fault.FaultInjectionTest-output.txt
grep -E '^(fault-injection|progress): ' "$out" || true
grep -E '^checker: ' "$out" || true
