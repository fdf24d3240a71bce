package io.clvm.cli;

/** Entry point of {@code bin/clvm} and of every lvm2-style link that dispatches on its name. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 1 && "version".equals(args[0])) {
      System.out.println("  clvm version: " + Main.class.getPackage().getImplementationVersion());
      return 0;
    }
    System.err.println("clvm: no such command");
    return 3;
  }
}
