package io.clvm.testing;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips (laptop) or fails (CI) a test whose tier's prerequisite is missing, naming which and why.
 */
abstract class TierCheck implements BeforeAllCallback, BeforeEachCallback {
  private final Tier tier;

  TierCheck(Tier tier) {
    this.tier = tier;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    check(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    check(context);
  }

  private void check(ExtensionContext context) {
    Optional<String> missing = tier.missing();
    if (missing.isEmpty()) return;
    String message =
        "test tier '"
            + tier.tag()
            + "' cannot run here: "
            + missing.get()
            + " ("
            + context.getDisplayName()
            + ")";
    if (Tier.required()) {
      throw new AssertionError(message + "; CI must run every tier");
    }
    Assumptions.abort(message);
  }

  static final class Lvm2 extends TierCheck {
    Lvm2() {
      super(Tier.LVM2);
    }
  }

  static final class Kernel extends TierCheck {
    Kernel() {
      super(Tier.KERNEL);
    }
  }

  static final class Root extends TierCheck {
    Root() {
      super(Tier.ROOT);
    }
  }
}
