package io.clvm.engine;

/**
 * How lvm2 commands name VGs and LVs on the command line: {@code vg}, {@code vg/lv}, {@code
 * /dev/vg/lv} or {@code /dev/mapper/vg-lv} is not accepted (lvm2 accepts it only for some
 * commands).
 */
public final class Args {
  private Args() {}

  /** The VG part of {@code arg}. */
  public static String vgOf(String arg) {
    String a = strip(arg);
    int slash = a.indexOf('/');
    return slash < 0 ? a : a.substring(0, slash);
  }

  /** The LV part of {@code arg}, or null when it names only a VG. */
  public static String lvOf(String arg) {
    String a = strip(arg);
    int slash = a.indexOf('/');
    return slash < 0 ? null : a.substring(slash + 1);
  }

  private static String strip(String arg) {
    String a = arg;
    if (a.startsWith("/dev/")) {
      a = a.substring(5);
    }
    while (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    return a;
  }
}
