package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bad command lines of {@link BadCommandLineTest} that clvm answers as lvm2 does, run through
 * the real lvm2 on a loop device with a VG {@code vg0} and an LV {@code lv0} (so that a check lvm2
 * makes only after finding the VG would show): same exit code, same standard error.
 */
@RequiresLvm2
class BadCommandLineLvm2Test extends LiveLvm2Test {
  @Override
  int loopCount() {
    return 1;
  }

  @Override
  long loopSize() {
    return 16L << 20;
  }

  /** clvm with {@code --devices} right after the command name, so that it cannot end a line. */
  private Result clvmDevicesFirst(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(args);
    all.add(1, devices);
    Session s =
        new Session(
            new PrintWriter(out),
            new PrintWriter(err),
            new ByteArrayInputStream(new byte[0]),
            Map.of("CLVM_CONF", tmp.resolve("clvm.conf").toString()));
    int status = Main.run(all.toArray(new String[0]), s);
    return new Result(status, out.toString(), err.toString());
  }

  @Test
  void lvm2AnswersTheSameBadCommandLinesTheSameWay() {
    String dev = loops.get(0).device().toString();
    lvm2.run("pvcreate", dev).requireOk();
    lvm2.run("vgcreate", "vg0", dev).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "lv0", "-L", "4M", "vg0").requireOk();
    int compared = 0;
    for (BadCommandLineTest.Case c : BadCommandLineTest.cases()) {
      if (!c.lvm2()) {
        continue;
      }
      Lvm2Oracle.Result expected = lvm2.run(c.args().toArray(new String[0]));
      Result actual = clvmDevicesFirst(c.args());
      assertEquals(expected.exitCode(), actual.status(), c + "\n" + expected + actual.err());
      assertEquals(expected.errors(), actual.err(), c.toString());
      compared++;
    }
    assertTrue(compared >= 40, "compared " + compared);
    // Nothing of the above changed the VG (lvm2 would have said so in its seqno).
    assertEquals(2, lvm2.report("vgs", "vg", "-o", "seqno", "vg0").get(0).get("vg_seqno").asInt());
  }
}
