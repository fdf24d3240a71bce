package io.clvm.engine;

/** A VG owned by another host (lvm2's "foreign" VG: another system ID): refused, as lvm2 does. */
final class ForeignVgException extends EngineException {
  private static final long serialVersionUID = 1L;

  ForeignVgException(String message) {
    super(message);
  }
}
