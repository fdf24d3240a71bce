package io.clvm.dm.table;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.Sectors;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code striped <stripes> <chunk size> (<major:minor> <offset>)...}: the line's sectors in chunks
 * of {@code chunkSize}, round-robin over the stripes; each stripe holds {@code length / stripes}
 * sectors from its offset on.
 *
 * @param chunkSize the chunk (stripe) size in sectors
 * @param stripes the stripes in order
 */
public record StripedTarget(Sectors chunkSize, List<Stripe> stripes) implements TargetParams {
  public static final String TYPE = "striped";

  /**
   * One stripe's area.
   *
   * @param device the underlying device
   * @param offset the first sector of the stripe on it
   */
  public record Stripe(DeviceNumber device, Sectors offset) {}

  /** Checks what the kernel's {@code stripe_ctr} checks that does not depend on the length. */
  public StripedTarget {
    stripes = List.copyOf(stripes);
    if (stripes.isEmpty()) throw new InvalidTableException("striped target: no stripes");
    if (chunkSize.isZero()) throw new InvalidTableException("striped target: chunk size 0");
  }

  public static StripedTarget parse(String params) {
    String[] w = TargetParams.words(params);
    try {
      if (w.length < 2) {
        throw new InvalidTableException(
            "striped target: expected <stripes> <chunk size> in \"" + params + "\"");
      }
      int n = Integer.parseInt(w[0]);
      if (n < 1 || w.length != 2 + 2 * n) {
        throw new InvalidTableException(
            "striped target: "
                + w[0]
                + " stripes need "
                + (2 + 2 * Math.max(n, 0))
                + " parameters in \""
                + params
                + "\", found "
                + w.length);
      }
      List<Stripe> stripes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        stripes.add(new Stripe(DeviceNumber.parse(w[2 + 2 * i]), Sectors.parse(w[3 + 2 * i])));
      }
      return new StripedTarget(Sectors.parse(w[1]), stripes);
    } catch (InvalidTableException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new InvalidTableException(
          "striped target: " + e.getMessage() + " in \"" + params + "\"", e);
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String toParamString() {
    StringBuilder b = new StringBuilder().append(stripes.size()).append(' ').append(chunkSize);
    for (Stripe s : stripes) b.append(' ').append(s.device()).append(' ').append(s.offset());
    return b.toString();
  }

  @Override
  public List<DeviceNumber> devices() {
    return stripes.stream().map(Stripe::device).toList();
  }

  /** The sectors each stripe holds for a line of {@code length}. */
  public Sectors stripeLength(Sectors length) {
    return length.dividedBy(stripes.size());
  }

  @Override
  public void checkLength(Sectors length) {
    if (length.count() % stripes.size() != 0) {
      throw new InvalidTableException(
          "striped target: length " + length + " not divisible by " + stripes.size() + " stripes");
    }
    if ((length.count() / stripes.size()) % chunkSize.count() != 0) {
      throw new InvalidTableException(
          "striped target: stripe length "
              + length.count() / stripes.size()
              + " not divisible by chunk size "
              + chunkSize);
    }
  }
}
