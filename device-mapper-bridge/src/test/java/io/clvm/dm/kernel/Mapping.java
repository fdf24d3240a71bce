package io.clvm.dm.kernel;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.table.LinearTarget;
import io.clvm.dm.table.StripedTarget;
import io.clvm.dm.table.Table;
import io.clvm.dm.table.TargetLine;

/**
 * Where a sector of a mapped device lives, computed from the table independently of the kernel: the
 * reference the kernel tests compare the backing files against.
 */
final class Mapping {
  record Location(DeviceNumber device, long sector) {}

  private Mapping() {}

  static Location locate(Table table, long sector) {
    for (TargetLine line : table.lines()) {
      long start = line.start().count();
      if (sector < start || sector >= line.end().count()) continue;
      long rel = sector - start;
      if (line.target() instanceof LinearTarget l) {
        return new Location(l.device(), l.offset().count() + rel);
      }
      if (line.target() instanceof StripedTarget s) {
        long chunk = s.chunkSize().count();
        int n = s.stripes().size();
        long chunkIndex = rel / chunk;
        StripedTarget.Stripe stripe = s.stripes().get((int) (chunkIndex % n));
        return new Location(
            stripe.device(), stripe.offset().count() + (chunkIndex / n) * chunk + rel % chunk);
      }
      throw new IllegalArgumentException("no data for target " + line.target().type());
    }
    throw new IllegalArgumentException("sector " + sector + " beyond the table");
  }
}
