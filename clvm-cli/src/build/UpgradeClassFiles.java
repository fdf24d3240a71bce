import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import jdk.internal.org.objectweb.asm.ClassReader;
import jdk.internal.org.objectweb.asm.ClassVisitor;
import jdk.internal.org.objectweb.asm.ClassWriter;
import jdk.internal.org.objectweb.asm.Opcodes;

/**
 * Build step of clvm-cli (run at package time as a single-file program, with the JDK's own copy of
 * ASM): rewrites the class files of a jar compiled for Java 5 (picocli's: class file version 49)
 * as Java 8 class files (version 52) with stack map frames computed, in place. JDK 17's
 * class-data-sharing archives skip every class older than version 50 ("Pre JDK 6 class not
 * supported by CDS"), so without this ~180 picocli classes are parsed and verified on every start
 * of bin/clvm. Nothing else changes: same classes, same bytecode, same behaviour.
 *
 * <p>Usage: {@code java --add-exports java.base/jdk.internal.org.objectweb.asm=ALL-UNNAMED
 * UpgradeClassFiles.java JAR...}. A jar that cannot be rewritten is left as it was (exit 0 with a
 * message): the archive is an optimisation, never a reason to fail the build.
 */
public final class UpgradeClassFiles {
  private UpgradeClassFiles() {}

  public static void main(String[] args) throws Exception {
    for (String a : args) {
      Path jar = Path.of(a);
      try {
        int n = upgrade(jar);
        System.out.println(
            "UpgradeClassFiles: " + jar.getFileName() + ": " + n + " classes now version 52");
      } catch (Exception | LinkageError e) {
        System.out.println("UpgradeClassFiles: " + jar + " left as it was: " + e);
      }
    }
  }

  static int upgrade(Path jar) throws IOException {
    if (!needsUpgrade(jar)) {
      return 0;
    }
    Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
    int count = 0;
    try (URLClassLoader loader =
            new URLClassLoader(
                new URL[] {jar.toUri().toURL()}, UpgradeClassFiles.class.getClassLoader());
        ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        byte[] data;
        try (InputStream is = in.getInputStream(e)) {
          data = is.readAllBytes();
        }
        if (e.getName().endsWith(".class")
            && !e.getName().startsWith("META-INF/")
            && major(data) < 50) {
          data = rewrite(data, loader);
          count++;
        }
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setTime(e.getTime());
        out.putNextEntry(copy);
        out.write(data);
        out.closeEntry();
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    return count;
  }

  private static boolean needsUpgrade(Path jar) throws IOException {
    try (ZipFile in = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
          try (InputStream is = in.getInputStream(e)) {
            if (major(is.readNBytes(8)) < 50) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  private static int major(byte[] c) {
    return ((c[6] & 0xff) << 8) | (c[7] & 0xff);
  }

  private static byte[] rewrite(byte[] data, ClassLoader loader) {
    ClassReader reader = new ClassReader(data);
    ClassWriter writer =
        new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
          @Override
          protected ClassLoader getClassLoader() {
            return loader;
          }
        };
    reader.accept(
        new ClassVisitor(Opcodes.ASM8, writer) {
          @Override
          public void visit(
              int version, int access, String name, String sig, String sup, String[] ifs) {
            super.visit(Opcodes.V1_8, access, name, sig, sup, ifs);
          }
        },
        ClassReader.SKIP_FRAMES);
    return writer.toByteArray();
  }
}
