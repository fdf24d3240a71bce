package io.clvm.cli;

import io.clvm.engine.Display;
import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import io.clvm.engine.VgOps;
import io.clvm.engine.units.SizeArg;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The volume group commands. */
final class VgCommands {
  private VgCommands() {}

  @Command(name = "vgcreate", description = "Create a volume group.")
  static final class VgCreate extends LvmCommand {
    @Mixin PvCommands.FormatOptions format = new PvCommands.FormatOptions();

    @Option(
        names = {"-s", "--physicalextentsize"},
        paramLabel = "Size[m|UNIT]",
        converter = Converters.UnsignedSize.class,
        description = "Physical extent size (default 4 MiB).")
    SizeArg extentSize;

    @Option(
        names = "--addtag",
        paramLabel = "Tag",
        converter = Converters.Tag.class,
        description = "Add a tag.")
    List<String> addTags = new ArrayList<>();

    @Option(
        names = "--alloc",
        paramLabel = "contiguous|cling|normal|anywhere|inherit",
        converter = Converters.Alloc.class,
        description = "Allocation policy.")
    String alloc;

    @Option(names = "--shared", description = "Create a VG shared by the cluster.")
    boolean shared;

    @Option(
        names = {"-c", "--clustered"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Create a clustered VG (same as --shared).")
    Boolean clustered;

    @Option(
        names = {"-l", "--maxlogicalvolumes"},
        paramLabel = "Number",
        converter = Converters.Count.class,
        description = "Maximum number of LVs (0: unlimited).")
    Integer maxLv;

    @Option(
        names = {"-p", "--maxphysicalvolumes"},
        paramLabel = "Number",
        converter = Converters.Count.class,
        description = "Maximum number of PVs (0: unlimited).")
    Integer maxPv;

    @Option(
        names = "--vgmetadatacopies",
        paramLabel = "all|unmanaged|Number",
        description = "Number of metadata copies in the VG.")
    String vgMetadataCopies;

    @Option(
        names = "--systemid",
        paramLabel = "String",
        description = "The VG's system ID instead of this host's.")
    String systemId;

    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    VgCreate(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine)
          .create(
              new VgOps.Create(
                  vg,
                  pvs,
                  extentSize,
                  addTags,
                  alloc,
                  shared || Boolean.TRUE.equals(clustered),
                  maxLv,
                  maxPv,
                  format.toFormat(null),
                  systemId));
    }
  }

  @Command(name = "vgextend", description = "Add physical volumes to a volume group.")
  static final class VgExtend extends LvmCommand {
    @Mixin PvCommands.FormatOptions format = new PvCommands.FormatOptions();

    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    VgExtend(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).extend(vg, pvs, format.toFormat(null));
    }
  }

  @Command(name = "vgreduce", description = "Remove physical volume(s) from a volume group.")
  static final class VgReduce extends LvmCommand {
    @Option(names = "--removemissing", description = "Remove missing PVs.")
    boolean removeMissing;

    @Option(
        names = {"-a", "--all"},
        description = "Remove all unused PVs.")
    boolean all;

    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    @Parameters(index = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    VgReduce(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      if (pvs.isEmpty() && !all && !removeMissing) {
        // lvm2: vgreduce needs PVs, --all or --removemissing
        throw new ParameterException(
            spec.commandLine(), "vgreduce needs PVs, --all or --removemissing");
      }
      return new VgOps(engine).reduce(vg, pvs, all, removeMissing, common.forceCount() > 0);
    }
  }

  @Command(name = "vgremove", description = "Remove volume group(s).")
  static final class VgRemove extends LvmCommand {
    @Parameters(arity = "1..*", paramLabel = "VG")
    List<String> vgs = new ArrayList<>();

    VgRemove(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).remove(vgs, common.forceCount() > 0 || common.yes);
    }
  }

  @Command(name = "vgrename", description = "Rename a volume group.")
  static final class VgRename extends LvmCommand {
    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    @Parameters(index = "1", paramLabel = "VGNew")
    String newName;

    VgRename(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).rename(vg, newName);
    }
  }

  @Command(name = "vgchange", description = "Change volume group attributes.")
  static final class VgChange extends LvmCommand {
    @Option(
        names = {"-a", "--activate"},
        paramLabel = "y|n|ay|ey|sy",
        converter = Converters.Activate.class,
        description = "Activate or deactivate the VG's LVs.")
    String activate;

    // integ: vgchange -ay --all-nodes / --node NODE (cluster mode)
    @picocli.CommandLine.Mixin
    io.clvm.cli.cluster.RemoteOptions remote = new io.clvm.cli.cluster.RemoteOptions();

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
        names = "--alloc",
        paramLabel = "contiguous|cling|normal|anywhere",
        converter = Converters.Alloc.class,
        description = "Allocation policy.")
    String alloc;

    @Option(
        names = {"-x", "--resizeable"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Allow or forbid adding and removing PVs.")
    Boolean resizeable;

    @Option(names = "--refresh", description = "Reload the tables of active LVs.")
    boolean refresh;

    @Option(names = "--lock-type", paramLabel = "String", description = "Change the lock type.")
    String lockType;

    @Option(
        names = "--systemid",
        paramLabel = "String",
        description = "Change the VG's system ID (\"\" removes it).")
    String systemId;

    @Parameters(paramLabel = "VG")
    List<String> vgs = new ArrayList<>();

    VgChange(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      remote.refuseLocal(engine);
      return new VgOps(engine)
          .change(
              new VgOps.Change(
                  vgs, activate, addTags, delTags, alloc, resizeable, refresh, systemId));
    }
  }

  @Command(name = "vgck", description = "Check the consistency of volume group(s).")
  static final class VgCk extends LvmCommand {
    @Option(names = "--updatemetadata", description = "Rewrite old or bad metadata copies.")
    boolean updateMetadata;

    @Parameters(paramLabel = "VG")
    List<String> vgs = new ArrayList<>();

    VgCk(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).check(vgs, updateMetadata);
    }
  }

  @Command(name = "vgcfgbackup", description = "Back up volume group configuration(s).")
  static final class VgCfgBackup extends LvmCommand {
    @Option(
        names = "--file",
        paramLabel = "String",
        description = "Write the backup to this file (%s: VG name).")
    String file;

    @Parameters(paramLabel = "VG")
    List<String> vgs = new ArrayList<>();

    VgCfgBackup(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).backup(vgs, file);
    }
  }

  @Command(name = "vgcfgrestore", description = "Restore volume group configuration.")
  static final class VgCfgRestore extends LvmCommand {
    @Option(names = "--file", paramLabel = "String", description = "Restore from this file.")
    String file;

    @Option(
        names = {"-l", "--list"},
        description = "List the archived and backed-up metadata of the VG.")
    boolean list;

    @Parameters(arity = "0..1", paramLabel = "VG")
    String vg;

    VgCfgRestore(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new VgOps(engine).restore(vg, file, list);
    }
  }

  @Command(name = "vgdisplay", description = "Display volume group information.")
  static final class VgDisplay extends LvmCommand {
    @Option(names = "--foreign", description = "Include VGs with another host's system ID.")
    boolean foreign;

    @Option(
        names = {"-s", "--short"},
        description = "Short listing.")
    boolean shortFormat;

    @Option(names = "--units", paramLabel = "Units", description = "Units for sizes.")
    String units;

    @Parameters(paramLabel = "VG")
    List<String> vgs = new ArrayList<>();

    VgDisplay(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      engine.withForeign(foreign);
      return new Display(engine, displayUnits(units)).vgdisplay(vgs, shortFormat);
    }
  }

  @Command(name = "vgscan", description = "Search for all volume groups.")
  static final class VgScan extends LvmCommand {
    @Option(names = "--cache", description = "Accepted for lvm2 compatibility.")
    boolean cache;

    VgScan(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new Display(engine, null).vgscan();
    }
  }
}
