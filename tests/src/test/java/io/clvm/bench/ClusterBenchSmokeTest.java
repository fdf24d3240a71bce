package io.clvm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster benchmark's harness runs end to end with tiny parameters (three daemons, a few
 * commits, one takeover): the figures themselves are not checked, only that every phase produced
 * them. The real run is {@code scripts/bench-cluster.sh}.
 */
class ClusterBenchSmokeTest {
  @TempDir Path tmp;

  @Test
  void everyPhaseRunsWithTinyParameters() throws Exception {
    ClusterBench b =
        ClusterBench.run(
            ClusterBench.Options.parse(
                "--dir", tmp.toString(),
                "--iterations", "2",
                "--clients", "1",
                "--paced", "4",
                "--extends", "2",
                "--limit-ops", "5",
                "--takeovers", "1",
                "--session-timeout-ms", "4000",
                "--jvm", "-Xmx160m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
                "--out", tmp.resolve("bench-cluster.md").toString()));
    Map<String, Object> r = b.results();
    assertEquals(2, ((List<?>) r.get("throughput")).size(), r.toString());
    for (String key : List.of("pacedAppliedMs", "extendActiveOn3Ms", "limit", "takeoverMs")) {
      assertTrue(r.containsKey(key), key + " missing in " + r.keySet());
    }
    assertEquals(2, r.get("extendAppliedOn3of3"), b.markdown());
    assertTrue(b.markdown().contains("### Takeover"), b.markdown());
  }
}
