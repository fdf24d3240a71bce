package io.clvm.format.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.clvm.format.MetadataException;
import io.clvm.format.disk.LabelReader;
import io.clvm.format.disk.LabelWriter;
import io.clvm.format.disk.LvmCrc;
import io.clvm.format.disk.MdaHeaderCodec;
import io.clvm.format.disk.MemoryDevice;
import io.clvm.format.fixtures.Lvm2Fixtures;
import io.clvm.format.store.DeviceScanner;
import io.clvm.format.text.ConfigParser;
import io.clvm.format.text.ConfigPrinter;
import io.clvm.format.text.ConfigSection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzz targets: random and mutated input may only produce the format's own exceptions, quickly.
 * Mutations keep CRCs valid where that lets the decoder get further than the checksum check.
 */
class FormatFuzzProperties {
  private static final byte[] TEXT =
      Lvm2Fixtures.pv("b_pv0").pvckMetadataText().getBytes(StandardCharsets.UTF_8);
  private static final byte[] HEAD = Lvm2Fixtures.pv("d_pv0").head();

  /** A mutation: at a position, overwrite, insert or delete a byte. */
  record Edit(int kind, double where, byte value) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of(
                    (byte) '{',
                    (byte) '}',
                    (byte) '[',
                    (byte) ']',
                    (byte) '"',
                    (byte) '\\',
                    (byte) '=',
                    (byte) ',',
                    (byte) '#',
                    (byte) '\n',
                    (byte) '0',
                    (byte) '-',
                    (byte) 'x',
                    (byte) 0,
                    (byte) 0xff,
                    (byte) '\''))
            .as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(8);
  }

  static byte[] mutate(byte[] in, List<Edit> edits) {
    byte[] b = in;
    for (Edit e : edits) {
      int p = (int) (e.where() * b.length);
      p = Math.min(p, b.length - 1);
      if (e.kind() == 0 && b.length > 0) {
        b = b.clone();
        b[p] = e.value();
      } else if (e.kind() == 1) {
        byte[] n = new byte[b.length + 1];
        System.arraycopy(b, 0, n, 0, p);
        n[p] = e.value();
        System.arraycopy(b, p, n, p + 1, b.length - p);
        b = n;
      } else if (b.length > 1) {
        byte[] n = new byte[b.length - 1];
        System.arraycopy(b, 0, n, 0, p);
        System.arraycopy(b, p + 1, n, p, b.length - p - 1);
        b = n;
      }
    }
    return b;
  }

  @Property(tries = 1000)
  void parserOnRandomBytes(@ForAll @Size(max = 400) byte[] input) {
    parseOrSyntaxError(input);
  }

  @Property(tries = 1000)
  void parserOnMutatedLvm2Text(@ForAll("edits") List<Edit> edits) {
    byte[] input = mutate(TEXT, edits);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> parseOrSyntaxError(input));
  }

  private static void parseOrSyntaxError(byte[] input) {
    ConfigSection root;
    try {
      root = ConfigParser.parse(input);
    } catch (MetadataException e) {
      return;
    }
    // Whatever parses must print and parse back to the same tree (floats aside).
    String printed = ConfigPrinter.onDisk().print(root);
    if (!printed.contains(".")) {
      try {
        assertEquals(root, ConfigParser.parse(printed));
      } catch (MetadataException e) {
        throw new AssertionError("printed tree does not parse: " + printed, e);
      }
    }
  }

  @Property(tries = 1000)
  void labelDecoderOnMutatedSectors(@ForAll("edits") List<Edit> edits) {
    byte[] sector = Arrays.copyOf(mutate(Arrays.copyOfRange(HEAD, 512, 1024), edits), 512);
    // Valid CRC half of the time, so that the PV header decoder is reached.
    if (edits.size() % 2 == 0) {
      int crc = LvmCrc.of(sector, 20, 492);
      for (int i = 0; i < 4; i++) {
        sector[16 + i] = (byte) (crc >>> (8 * i));
      }
    }
    try {
      LabelWriter.encode(LabelReader.decode(sector, 1, "fuzz"));
    } catch (MetadataException | IllegalArgumentException e) {
      // The writer refuses headers that do not fit; anything else is a bug.
    }
  }

  @Property(tries = 1000)
  void mdaHeaderDecoderOnMutatedSectors(@ForAll("edits") List<Edit> edits) {
    byte[] sector = Arrays.copyOf(mutate(Arrays.copyOfRange(HEAD, 4096, 4608), edits), 512);
    if (edits.size() % 2 == 0) {
      int crc = LvmCrc.of(sector, 4, 508);
      for (int i = 0; i < 4; i++) {
        sector[i] = (byte) (crc >>> (8 * i));
      }
    }
    try {
      MdaHeaderCodec.encode(MdaHeaderCodec.decode(sector, 4096, "fuzz"));
    } catch (MetadataException e) {
      // expected for most mutations
    }
  }

  @Property(tries = 300)
  void scannerReportsButNeverThrowsOnMutatedDevices(
      @ForAll("edits") List<Edit> edits, @ForAll boolean fixCrcs) throws Exception {
    byte[] dev = HEAD.clone();
    // Edit the label sector, the mda header and the committed text at 5632.
    for (int base : new int[] {512, 4096, 5632}) {
      byte[] part = Arrays.copyOf(mutate(Arrays.copyOfRange(dev, base, base + 512), edits), 512);
      System.arraycopy(part, 0, dev, base, 512);
    }
    if (fixCrcs) {
      int crc = LvmCrc.of(dev, 512 + 20, 492);
      for (int i = 0; i < 4; i++) {
        dev[512 + 16 + i] = (byte) (crc >>> (8 * i));
      }
      crc = LvmCrc.of(dev, 4100, 508);
      for (int i = 0; i < 4; i++) {
        dev[4096 + i] = (byte) (crc >>> (8 * i));
      }
    }
    MemoryDevice d = new MemoryDevice("fuzz", dev, 512);
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> new DeviceScanner().scan(d));
  }
}
