package io.clvm.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Needs the real lvm2 tools, root and loop devices: the compatibility oracle. Skipped with the
 * reason on a laptop, failed in CI.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("lvm2")
@ExtendWith(TierCheck.Lvm2.class)
public @interface RequiresLvm2 {}
