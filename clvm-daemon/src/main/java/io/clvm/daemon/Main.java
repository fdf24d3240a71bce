package io.clvm.daemon;

/** Entry point of {@code bin/clvmd}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("clvmd: not implemented yet");
    System.exit(5);
  }
}
