package io.clvm.format.alloc;

/**
 * A request the allocator cannot satisfy (not enough suitable free extents, a bad size, a
 * restriction that leaves no PV). The VG is unchanged. The message is lvm2's where lvm2 has one.
 */
public class AllocationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public AllocationException(String message) {
    super(message);
  }
}
