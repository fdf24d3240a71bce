#!/usr/bin/env bash
# A/B of the cluster benchmark: two built trees of this project (e.g. a clone at an older commit
# and this one), scripts/bench-cluster.sh run in each in turn, ROUNDS times, so both see the same
# machine state; every run's 1-min load average is printed at its start and end.
#   scripts/bench-cluster-ab.sh BASE_TREE NEW_TREE ROUNDS OUT_PREFIX [bench-cluster.sh options]
# Default options: the ones BENCHMARKS.md sections 7 and 8 use. Results: OUT_PREFIX-{base,new}-rN.md
set -u
base=$1 new=$2 rounds=$3 out=$4
shift 4
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
	args=(--iterations 30 --clients 1,3 --paced 100 --extends 20 --limit-ops 50 --takeovers 0 --log-level DEBUG)
fi
for r in $(seq 1 "$rounds"); do
	for side in base new; do
		dir=$base
		[ "$side" = new ] && dir=$new
		echo "== round $r $side start $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
		(cd "$dir" && scripts/bench-cluster.sh "${args[@]}" --out "$out-$side-r$r.md" >"$out-$side-r$r.log" 2>&1)
		echo "== round $r $side end $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
	done
done
