package io.clvm.dm.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.Sectors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0 16384 linear 7:0 2048",
        "0 32768 striped 2 128 7:1 2048 7:2 2048",
        "0 8192 error",
        "0 8192 zero",
        "0 2097152 thin-pool 253:1 253:2 128 0 1 skip_block_zeroing",
        "0 409600 linear 259:65536 0",
      })
  void linesRoundTrip(String line) {
    assertEquals(line, TargetLine.parse(line).toString());
  }

  @Test
  void dmsetupOutputWithTrailingBlankParsesAndPrintsCanonically() {
    TargetLine l = TargetLine.parse("0 8192 error ");
    assertInstanceOf(ErrorTarget.class, l.target());
    assertEquals("0 8192 error", l.toString());
  }

  @Test
  void multiLineTableRoundTrips() {
    String text =
        "0 16384 linear 7:0 2048\n16384 16384 linear 7:1 18432\n32768 24576 linear 7:0 26624\n";
    Table t = Table.parse(text);
    assertEquals(text, t.toString());
    assertEquals(Sectors.of(57344), t.size());
    assertEquals(List.of(new DeviceNumber(7, 0), new DeviceNumber(7, 1)), List.copyOf(t.devices()));
  }

  @Test
  void typedParams() {
    StripedTarget s =
        (StripedTarget) TargetLine.parse("0 32768 striped 2 128 7:1 2048 7:2 0").target();
    assertEquals(Sectors.of(128), s.chunkSize());
    assertEquals(
        new StripedTarget.Stripe(new DeviceNumber(7, 2), Sectors.ZERO), s.stripes().get(1));
    assertEquals(Sectors.of(16384), s.stripeLength(Sectors.of(32768)));
    LinearTarget l = (LinearTarget) TargetLine.parse("0 1 linear 8:16 99").target();
    assertEquals(new LinearTarget(new DeviceNumber(8, 16), Sectors.of(99)), l);
  }

  @Test
  void gapIsRefused() {
    InvalidTableException e =
        assertThrows(InvalidTableException.class, () -> Table.parse("0 100 zero\n200 100 zero\n"));
    assertTrue(e.getMessage().contains("gap: sectors 100..199 unmapped"), e.getMessage());
  }

  @Test
  void overlapIsRefused() {
    InvalidTableException e =
        assertThrows(InvalidTableException.class, () -> Table.parse("0 100 zero\n50 100 zero\n"));
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
  }

  @Test
  void mustStartAtZeroAndHaveLines() {
    assertTrue(
        assertThrows(InvalidTableException.class, () -> Table.parse("8 100 zero"))
            .getMessage()
            .contains("does not start at sector 0"));
    assertTrue(
        assertThrows(InvalidTableException.class, () -> Table.parse("\n"))
            .getMessage()
            .contains("at least one line"));
    assertThrows(InvalidTableException.class, () -> Table.parse("0 0 zero"));
  }

  @Test
  void badParametersAreRefusedQuotingTheInput() {
    for (String bad :
        new String[] {
          "0 100 linear 7:0",
          "0 100 linear 7:0 x",
          "0 100 linear 70 5",
          "0 100 striped 2 128 7:1 0",
          "0 100 striped 0 128",
          "0 100 striped x 128",
          "0 100 striped 2 0 7:1 0 7:2 0",
          "0 101 striped 2 1 7:1 0 7:2 0",
          "0 256 striped 2 256 7:1 0 7:2 0",
          "0 100 error x",
          "0 100 zero x",
          "0 100",
          "x 100 zero",
          "0 -5 zero",
        }) {
      InvalidTableException e =
          assertThrows(InvalidTableException.class, () -> TargetLine.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }

  @Test
  void unknownTargetsAreKeptVerbatim() {
    TargetLine l = TargetLine.parse("0 10 nosuchtarget a  b");
    assertEquals(new OtherTarget("nosuchtarget", "a  b"), l.target());
    assertThrows(InvalidTableException.class, () -> new OtherTarget("a b", ""));
  }

  @Test
  void builders() {
    Table t = Table.single(Sectors.of(8), new ZeroTarget());
    assertEquals("0 8 zero\n", t.toString());
    assertEquals(Sectors.of(8), t.lines().get(0).end());
  }
}
