package io.clvm.bench;

import io.clvm.format.alloc.LvOperations;
import io.clvm.format.alloc.SizeSpec;
import io.clvm.format.disk.LvmCrc;
import io.clvm.format.model.LogicalVolume;
import io.clvm.format.model.MetadataText;
import io.clvm.format.model.VgMetadata;
import io.clvm.format.text.BigVgText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What every clvm command pays for the metadata itself: parsing the committed text into the model,
 * printing a new copy, the CRC lvm2 requires over it, and the allocator's work for one lvcreate and
 * one lvextend (free-space map of the whole VG included). lvm2 needs about 60 ms per command on a
 * 1,000-LV VG here, process start included; these must be a small fraction of that.
 *
 * <p>Run with {@code scripts/bench-jmh.sh}; results go to BENCHMARKS.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetadataBench {
  @Param({"1000", "10000"})
  public int lvCount;

  private String text;
  private byte[] bytes;
  private VgMetadata parsed;
  private io.clvm.format.model.VolumeGroup withOneMore;

  @Setup
  public void setUp() throws Exception {
    text = BigVgText.generate(lvCount);
    bytes = text.getBytes(StandardCharsets.UTF_8);
    parsed = MetadataText.parse(text);
    withOneMore =
        LvOperations.create(
                parsed.vg(), LvOperations.CreateRequest.linear("bench_new", SizeSpec.extents(2)))
            .vg();
  }

  @Benchmark
  public VgMetadata parse() throws Exception {
    return MetadataText.parse(
        bytes, 0, bytes.length, null, io.clvm.format.MetadataException.UNKNOWN_OFFSET);
  }

  /**
   * A VG whose LVs the printer has not seen (new objects of the same content): every LV's section
   * is formatted, as in the first print of a VG by a process.
   */
  @State(Scope.Thread)
  public static class FreshLvs {
    VgMetadata vg;

    @Setup(Level.Invocation)
    public void copyLvs(MetadataBench b) {
      List<LogicalVolume> lvs =
          b.parsed.vg().lvs().stream().map(l -> l.withName(l.name())).toList();
      vg = new VgMetadata(b.parsed.vg().toBuilder().lvs(lvs).build(), b.parsed.header());
    }
  }

  @Benchmark
  public String print(FreshLvs fresh) {
    return MetadataText.printOnDisk(fresh.vg);
  }

  /**
   * The next version of a VG printed before, with one LV added (a commit of lvcreate): only the new
   * LV's section is formatted, the others are the printer's sections of the last print.
   */
  @Benchmark
  public String printAfterLvcreate() {
    MetadataText.printOnDisk(parsed);
    return MetadataText.printOnDisk(new VgMetadata(withOneMore, parsed.header()));
  }

  @Benchmark
  public LvOperations.Result allocateNewLv() {
    return LvOperations.create(
        parsed.vg(), LvOperations.CreateRequest.linear("bench_new", SizeSpec.extents(2)));
  }

  @Benchmark
  public LvOperations.Result extendLastLv() {
    return LvOperations.extend(
        parsed.vg(), "lv" + (lvCount - 1), SizeSpec.parseSize("+8m"), 0, 0, List.of(), null);
  }

  @Benchmark
  public int crc() {
    return LvmCrc.of(bytes);
  }
}
