package io.clvm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clvm.testing.RequiresLvm2;
import io.clvm.testing.lvm2.Lvm2Oracle;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Questions as lvm2 asks them: on standard error, answered from standard input whether or not it is
 * a terminal, with lvm2's words for an answer it does not take and for no answer at all.
 */
@RequiresLvm2
class PromptLvm2Test extends LiveLvm2Test {
  private static final String VG = "vgq-clvmtest";

  @Override
  int loopCount() {
    return 1;
  }

  @Override
  long loopSize() {
    return 32L << 20;
  }

  /** What a user sees of one answer: exit code, output, and error output without lvm2's notes. */
  record Seen(int exit, String out, String err, boolean vgLeft) {}

  private static String withoutNotes(String err) {
    return err.lines()
        .filter(l -> !l.contains("Activation disabled"))
        .collect(Collectors.joining("\n", "", err.endsWith("\n") ? "\n" : ""));
  }

  private boolean vgExists() {
    return lvm2.run("vgs", VG).exitCode() == 0;
  }

  private Seen lvm2Answers(String input) {
    String dev = loops.get(0).device().toString();
    lvm2.run("pvcreate", dev).requireOk();
    lvm2.run("vgcreate", VG, dev).requireOk();
    lvm2.run("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "4M", VG).requireOk();
    Lvm2Oracle.Result r = lvm2.runWithInput(input, "vgremove", VG);
    Seen seen = new Seen(r.exitCode(), r.stdout(), withoutNotes(r.stderr()), vgExists());
    lvm2.run("vgremove", "-f", VG);
    lvm2.run("pvremove", dev).requireOk();
    return seen;
  }

  private Seen clvmAnswers(String input) {
    String dev = loops.get(0).device().toString();
    assertEquals(0, clvm("pvcreate", dev).status());
    assertEquals(0, clvm("vgcreate", VG, dev).status());
    assertEquals(0, clvm("lvcreate", "-an", "-Zn", "-n", "l1", "-L", "4M", VG).status());
    Result r = clvmWithInput(input, "vgremove", VG);
    Seen seen = new Seen(r.status(), r.out(), withoutNotes(r.err()), vgExists());
    lvm2.run("vgremove", "-f", VG);
    lvm2.run("pvremove", dev).requireOk();
    return seen;
  }

  @Test
  void vgremoveAsksAsLvm2Does() {
    for (String input :
        List.of("n\n", "", "x\nn\n", "nope\n", " N \n", "n", "\nYES\n", "y\n", "\tno\r\n")) {
      Seen expected = lvm2Answers(input);
      Seen actual = clvmAnswers(input);
      assertEquals(expected, actual, "answer " + input.replace("\n", "\\n"));
    }
  }
}
