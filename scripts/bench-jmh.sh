#!/usr/bin/env bash
# JMH micro-benchmarks of the metadata library (parse, print, CRC, allocator).
#   scripts/bench-jmh.sh [JMH options, e.g. -f 1 -wi 2 -i 3 MetadataBench]
# Results are printed and written to build-out/jmh.json.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
# One reactor run compiles and writes the class path (sibling modules as their target/ folders).
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true -pl tests -am \
	test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp=$(cat tests/target/test-classpath.txt)
mkdir -p build-out
exec java -cp "tests/target/test-classes:$cp" org.openjdk.jmh.Main -rf json -rff build-out/jmh.json "$@"
