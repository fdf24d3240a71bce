package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.cli.cluster.CliDaemonBackend;
import io.clvm.cli.cluster.RemoteOptions;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * clvmd takes --node and --all-nodes out of the argument list only for the commands whose parser
 * has them ({@link RemoteOptions}); the others must see them, to refuse them as the Java client
 * does. The list clvmd keeps is checked here against the parsers themselves.
 */
class NodeOptionsTest {
  @Test
  void clvmdStripsNodeOptionsExactlyForTheCommandsThatHaveThem() {
    Set<String> withNode = new TreeSet<>();
    Set<String> withAllNodes = new TreeSet<>();
    Main.newCommandLine(Main.Clvm.class, null)
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (sub.getCommand() instanceof LvmCommand) {
                if (sub.getCommandSpec().findOption("--node") != null) {
                  withNode.add(name);
                }
                if (sub.getCommandSpec().findOption("--all-nodes") != null) {
                  withAllNodes.add(name);
                }
              }
            });
    assertEquals(new TreeSet<>(CliDaemonBackend.TAKES_NODE_OPTIONS), withNode);
    assertEquals(withNode, withAllNodes);
  }
}
