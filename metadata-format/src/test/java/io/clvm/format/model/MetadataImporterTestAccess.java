package io.clvm.format.model;

/** Lets tests in other packages use the sample texts of {@link MetadataImporterTest}. */
public final class MetadataImporterTestAccess {
  private MetadataImporterTestAccess() {}

  public static String thinVg() {
    return MetadataImporterTest.thinVg();
  }
}
