package io.clvm.cli;

import io.clvm.engine.Display;
import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import io.clvm.engine.PvOps;
import io.clvm.engine.units.SizeArg;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The physical volume commands. */
final class PvCommands {
  private PvCommands() {}

  /** pvcreate's options, shared with vgcreate and vgextend (which format PVs on the way). */
  static final class FormatOptions {
    @Option(
        names = "--metadatasize",
        paramLabel = "Size[m|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Approximate size of each metadata area.")
    SizeArg metadataSize;

    @Option(
        names = {"--pvmetadatacopies", "--metadatacopies"},
        paramLabel = "0|1|2",
        converter = Converters.Count.class,
        description = "Number of metadata areas on the PV.")
    Integer metadataCopies;

    @Option(
        names = "--dataalignment",
        paramLabel = "Size[k|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Align the start of the data area to a multiple of this.")
    SizeArg dataAlignment;

    @Option(
        names = "--dataalignmentoffset",
        paramLabel = "Size[k|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Shift the start of the data area by this.")
    SizeArg dataAlignmentOffset;

    @Option(
        names = "--metadataignore",
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Ignore the PV's metadata areas.")
    Boolean metadataIgnore;

    @Option(
        names = "--bootloaderareasize",
        paramLabel = "Size[m|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Reserve space for a bootloader.")
    SizeArg bootloaderAreaSize;

    @Option(
        names = {"-Z", "--zero"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Wipe the first sectors.")
    Boolean zero;

    PvOps.Format toFormat(String uuid) {
      return new PvOps.Format(
          metadataSize, metadataCopies, dataAlignment, metadataIgnore, bootloaderAreaSize, uuid);
    }
  }

  @Command(name = "pvcreate", description = "Initialize physical volume(s) for use by LVM.")
  static final class PvCreate extends LvmCommand {
    @picocli.CommandLine.Mixin FormatOptions format = new FormatOptions();

    @Option(
        names = {"-u", "--uuid"},
        paramLabel = "String",
        description = "The PV's UUID.")
    String uuid;

    @Option(names = "--restorefile", paramLabel = "String", description = "Metadata backup.")
    String restoreFile;

    @Option(names = "--norestorefile", description = "Allow -u without --restorefile.")
    boolean noRestoreFile;

    @Option(
        names = "--setphysicalvolumesize",
        paramLabel = "Size[m|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Override the device size.")
    SizeArg size;

    @Parameters(arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvCreate(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      PvOps.Format f = format.toFormat(uuid);
      if (restoreFile != null) {
        if (uuid == null) {
          session.error("--uuid is required with --restorefile.");
          return EngineException.INVALID;
        }
        io.clvm.format.model.PhysicalVolume backup = pvInBackup(restoreFile, uuid);
        if (backup == null) {
          session.error("Can't find uuid " + uuid + " in backup file " + restoreFile);
          return EngineException.FAILED;
        }
        // The PV's data starts where the backup says (pe_start is the data alignment), after the
        // bootloader area the backup records, as lvm2's pvcreate --restorefile keeps them.
        f =
            new PvOps.Format(
                f.metadataSize(),
                f.metadataCopies(),
                new SizeArg(io.clvm.engine.units.Sign.NONE, backup.peStart() * 512),
                f.metadataIgnore(),
                backup.baSize() > 0
                    ? new SizeArg(io.clvm.engine.units.Sign.NONE, backup.baSize() * 512)
                    : f.bootloaderAreaSize(),
                f.uuid());
      }
      return new PvOps(engine).create(pvs, f, common.forceCount());
    }

    /**
     * The PV with {@code uuid} in a VG backup file (lvm2's metadata text, read with the project's
     * parser and model), or null when the backup has no such PV.
     */
    static io.clvm.format.model.PhysicalVolume pvInBackup(String file, String uuid)
        throws EngineException {
      String text;
      try {
        text = java.nio.file.Files.readString(java.nio.file.Path.of(file));
      } catch (java.io.IOException e) {
        throw new EngineException("Couldn't read " + file + ": " + e.getMessage());
      }
      io.clvm.format.model.LvmUuid want;
      try {
        want = io.clvm.format.model.LvmUuid.parse(uuid);
      } catch (IllegalArgumentException e) {
        throw new EngineException(
            "Invalid UUID " + uuid + ": " + e.getMessage(), EngineException.INVALID);
      }
      io.clvm.format.model.VolumeGroup vg;
      try {
        vg = io.clvm.format.model.MetadataText.parse(text).vg();
      } catch (io.clvm.format.MetadataException | RuntimeException e) {
        throw new EngineException(
            "Couldn't read volume group metadata from file " + file + ": " + e.getMessage());
      }
      for (io.clvm.format.model.PhysicalVolume pv : vg.pvs()) {
        if (pv.id().equals(want)) {
          return pv;
        }
      }
      return null;
    }
  }

  @Command(name = "pvremove", description = "Remove LVM label(s) from physical volume(s).")
  static final class PvRemove extends LvmCommand {
    @Parameters(arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvRemove(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new PvOps(engine).remove(pvs, common.forceCount());
    }
  }

  @Command(name = "pvresize", description = "Resize physical volume(s).")
  static final class PvResize extends LvmCommand {
    @Option(
        names = "--setphysicalvolumesize",
        paramLabel = "Size[m|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "The new size instead of the device's.")
    SizeArg size;

    @Parameters(arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvResize(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new PvOps(engine).resize(pvs, size);
    }
  }

  @Command(name = "pvchange", description = "Change attributes of physical volume(s).")
  static final class PvChange extends LvmCommand {
    @Option(
        names = "--addtag",
        paramLabel = "Tag",
        converter = Converters.Tag.class,
        description = "Add a tag.")
    List<String> addTags = new ArrayList<>();

    @Option(
        names = "--deltag",
        paramLabel = "Tag",
        converter = Converters.Tag.class,
        description = "Delete a tag.")
    List<String> delTags = new ArrayList<>();

    @Option(
        names = {"-x", "--allocatable"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Allow or forbid allocation on the PV.")
    Boolean allocatable;

    @Option(
        names = "--metadataignore",
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Ignore the PV's metadata areas.")
    Boolean metadataIgnore;

    @Option(
        names = {"-u", "--uuid"},
        description = "Generate a new UUID.")
    boolean uuid;

    @Option(
        names = {"-a", "--all"},
        description = "Change all PVs.")
    boolean all;

    @Parameters(paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvChange(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new PvOps(engine)
          .change(new PvOps.Change(pvs, all, allocatable, addTags, delTags, metadataIgnore, uuid));
    }
  }

  @Command(name = "pvdisplay", description = "Display various attributes of physical volume(s).")
  static final class PvDisplay extends LvmCommand {
    @Option(names = "--foreign", description = "Include VGs with another host's system ID.")
    boolean foreign;

    @Option(
        names = {"-m", "--maps"},
        description = "Display the mapping of extents to LVs.")
    boolean maps;

    @Option(
        names = {"-s", "--short"},
        description = "Short listing.")
    boolean shortFormat;

    @Option(
        names = {"-c", "--colon"},
        description = "Colon-separated output.")
    boolean colon;

    @Option(names = "--units", paramLabel = "Units", description = "Units for sizes.")
    String units;

    @Parameters(paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvDisplay(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      engine.withForeign(foreign);
      return new Display(engine, displayUnits(units)).pvdisplay(pvs, maps, shortFormat);
    }
  }

  @Command(name = "pvscan", description = "List all physical volumes.")
  static final class PvScan extends LvmCommand {
    @Option(
        names = {"-s", "--short"},
        description = "Short listing.")
    boolean shortFormat;

    @Option(
        names = {"-u", "--uuid"},
        description = "Show UUIDs.")
    boolean uuid;

    @Option(
        names = {"-e", "--exported"},
        description = "Only exported PVs.")
    boolean exported;

    @Option(
        names = {"-n", "--novolumegroup"},
        description = "Only PVs outside any VG.")
    boolean noVolumeGroup;

    @Option(names = "--cache", description = "Accepted for lvm2 compatibility.")
    boolean cache;

    PvScan(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new Display(engine, null).pvscan(noVolumeGroup, uuid);
    }
  }

  @Command(name = "pvck", description = "Check metadata on physical volumes.")
  static final class PvCk extends LvmCommand {
    @Option(
        names = "--dump",
        paramLabel = "headers|metadata|metadata_all|metadata_search",
        description = "Print headers or metadata.")
    String dump;

    @Option(
        names = "--file",
        paramLabel = "String",
        description = "Save the metadata text to this file.")
    String file;

    @Parameters(arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    PvCk(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      if (dump != null) {
        return new Display(engine, null).pvckDump(dump, pvs);
      }
      return new Display(engine, null).pvck(pvs);
    }
  }
}
