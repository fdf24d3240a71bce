package io.clvm.dm.table;

import io.clvm.dm.DeviceNumber;
import io.clvm.dm.Sectors;
import java.util.List;

/**
 * {@code linear <major:minor> <offset>}: maps the line's sectors onto {@code device} from {@code
 * offset} on.
 *
 * @param device the underlying device
 * @param offset the first sector used on it
 */
public record LinearTarget(DeviceNumber device, Sectors offset) implements TargetParams {
  public static final String TYPE = "linear";

  public static LinearTarget parse(String params) {
    String[] w = TargetParams.words(params);
    if (w.length != 2) {
      throw new InvalidTableException(
          "linear target: expected 2 parameters (device offset) in \""
              + params
              + "\", found "
              + w.length);
    }
    try {
      return new LinearTarget(DeviceNumber.parse(w[0]), Sectors.parse(w[1]));
    } catch (IllegalArgumentException e) {
      throw new InvalidTableException(
          "linear target: " + e.getMessage() + " in \"" + params + "\"", e);
    }
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String toParamString() {
    return device + " " + offset;
  }

  @Override
  public List<DeviceNumber> devices() {
    return List.of(device);
  }
}
