#!/usr/bin/env bash
# issue 8's cluster benchmark: three clvmd processes on this machine, one VG, driven over their
# control sockets (io.clvm.bench.ClusterBench in the tests module): commits/s from one and three
# nodes, commit -> applied on every node (p50/p99), lvextend with the LV active on three nodes,
# fsync and ZooKeeper write latency, takeover after SIGKILL of a node.
#   scripts/bench-cluster.sh [--iterations 100] [--clients 1,3] [--paced 200] [--extends 50]
#                            [--limit-ops 500] [--takeovers 3] [--session-timeout-ms 10000]
#                            [--jvm "JVM options of clvmd; bin/clvmd's by default"]
#                            [--log-level INFO|DEBUG]
#                            [--dir /var/tmp] [--out build-out/bench-cluster.md] [--keep]
# Results are printed and written to build-out/bench-cluster.md and .json.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
# One reactor run compiles and writes the class path (sibling modules as their target/ folders).
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true -pl tests -am \
	test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp=$(cat tests/target/test-classpath.txt)
mkdir -p build-out
exec java -Xmx512m -cp "tests/target/test-classes:$cp" io.clvm.bench.ClusterBench "$@"
