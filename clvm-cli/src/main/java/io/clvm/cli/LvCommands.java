package io.clvm.cli;

import io.clvm.engine.Display;
import io.clvm.engine.Engine;
import io.clvm.engine.EngineException;
import io.clvm.engine.LvOps;
import io.clvm.engine.units.ExtentsArg;
import io.clvm.engine.units.Sign;
import io.clvm.engine.units.SizeArg;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** The logical volume commands. */
final class LvCommands {
  private LvCommands() {}

  /** {@code -L} or {@code -l}: one of the two. */
  static final class SizeOrExtents {
    @Option(
        names = {"-L", "--size"},
        paramLabel = "[+|-]Size[m|UNIT]",
        converter = Converters.Size.class,
        description = "Size of the LV (rounded up to whole extents).")
    SizeArg size;

    @Option(
        names = {"-l", "--extents"},
        paramLabel = "[+|-]Number[PERCENT]",
        converter = Converters.Extents.class,
        description = "Extents, or N%VG, N%FREE, N%PVS.")
    ExtentsArg extents;

    /**
     * lvm2's checks of {@code -L/-l} that depend on the command: a sign it does not take is a parse
     * error ("Size may not be negative."), a zero amount is invalid ("--size may not be zero.").
     *
     * @param forbidden the sign this command refuses, or null
     */
    void check(CommandSpec spec, Sign forbidden) throws EngineException {
      boolean isSize = size != null;
      Sign sign = isSize ? size.sign() : extents.sign();
      if (sign == forbidden) {
        String what = isSize ? "Size" : "Extents";
        String word = sign == Sign.MINUS ? "negative" : "positive";
        OptionSpec option = spec.findOption(isSize ? "--size" : "--extents");
        List<String> typed = option.originalStringValues();
        String value = typed.isEmpty() ? "" : typed.get(typed.size() - 1);
        String message = what + " may not be " + word + ".";
        throw new ParameterException(
            spec.commandLine(), message, new TypeConversionException(message), option, value);
      }
      boolean zero =
          isSize
              ? size.bytes() == 0
              : extents.value() == 0 && extents.percent() == ExtentsArg.Percent.NONE;
      if (zero) {
        throw new EngineException(
            "--" + (isSize ? "size" : "extents") + " may not be zero.", EngineException.INVALID);
      }
    }
  }

  /** Options lvcreate and the resize commands share. */
  static final class AllocOptions {
    @Option(
        names = {"-i", "--stripes"},
        paramLabel = "Number",
        converter = Converters.Count.class,
        description = "Number of stripes.")
    Integer stripes;

    @Option(
        names = {"-I", "--stripesize"},
        paramLabel = "Size[k|UNIT]",
        description = "Stripe size (KiB by default).")
    String stripeSize;

    @Option(
        names = "--alloc",
        paramLabel = "contiguous|cling|normal|anywhere|inherit",
        converter = Converters.Alloc.class,
        description = "Allocation policy.")
    String alloc;

    /** lvm2's limits on {@code -i}: 1 to 128 stripes. */
    void check() throws EngineException {
      if (stripes == null) {
        return;
      }
      if (stripes == 0) {
        throw new EngineException("--stripes may not be zero.", EngineException.INVALID);
      }
      if (stripes > MAX_STRIPES) {
        throw new EngineException(
            "Number of stripes (" + stripes + ") must be between 1 and " + MAX_STRIPES + ".",
            EngineException.INVALID);
      }
    }
  }

  /** lvm2's MAX_STRIPES. */
  static final int MAX_STRIPES = 128;

  @Command(name = "lvcreate", description = "Create a logical volume.")
  static final class LvCreate extends LvmCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    SizeOrExtents amount;

    @picocli.CommandLine.Mixin AllocOptions allocation = new AllocOptions();

    @Option(
        names = {"-n", "--name"},
        paramLabel = "String",
        description = "Name of the new LV.")
    String lvName;

    @Option(names = "--type", paramLabel = "linear|striped", description = "Segment type.")
    String type;

    @Option(
        names = {"-a", "--activate"},
        paramLabel = "y|n|ay|ey|sy",
        converter = Converters.Activate.class,
        description = "Activate the new LV (default y).")
    String activate;

    @Option(
        names = {"-Z", "--zero"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Zero the first 4 KiB of the new LV.")
    Boolean zero;

    @Option(
        names = {"-W", "--wipesignatures"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Wipe signatures on the new LV.")
    Boolean wipe;

    @Option(
        names = "--addtag",
        paramLabel = "Tag",
        converter = Converters.Tag.class,
        description = "Add a tag.")
    List<String> addTags = new ArrayList<>();

    @Option(
        names = {"-C", "--contiguous"},
        paramLabel = "y|n",
        arity = "1",
        converter = Converters.YesNo.class,
        description = "Contiguous allocation.")
    Boolean contiguous;

    @Option(
        names = {"-p", "--permission"},
        paramLabel = "rw|r",
        converter = Converters.Permission.class,
        description = "Access permission.")
    String permission;

    @Option(
        names = {"-r", "--readahead"},
        paramLabel = "auto|none|Number",
        converter = Converters.ReadAhead.class,
        description = "Read ahead sectors.")
    String readAhead;

    @Parameters(index = "0", paramLabel = "VG")
    String vg;

    @Parameters(index = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    LvCreate(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      amount.check(spec, Sign.MINUS);
      allocation.check();
      return new LvOps(engine)
          .create(
              new LvOps.Create(
                  vg,
                  lvName,
                  amount.size,
                  amount.extents,
                  allocation.stripes,
                  allocation.stripeSize,
                  type,
                  activate,
                  zero,
                  addTags,
                  allocation.alloc,
                  contiguous,
                  permission,
                  pvs));
    }
  }

  /** lvextend, lvreduce, lvresize. */
  abstract static class Resize extends LvmCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    SizeOrExtents amount;

    @picocli.CommandLine.Mixin AllocOptions allocation = new AllocOptions();

    @Option(
        names = {"-r", "--resizefs"},
        description = "Resize the file system too (not supported by clvm).")
    boolean resizeFs;

    @Option(
        names = {"-n", "--nofsck"},
        description = "Do not check the file system.")
    boolean noFsck;

    @Parameters(index = "0", paramLabel = "LV")
    String lv;

    @Parameters(index = "1..*", paramLabel = "PV")
    List<String> pvs = new ArrayList<>();

    Resize(Session s) {
      super(s);
    }

    abstract LvOps.ResizeKind kind();

    @Override
    int run(Engine engine) throws EngineException {
      amount.check(
          spec,
          kind() == LvOps.ResizeKind.EXTEND
              ? Sign.MINUS
              : kind() == LvOps.ResizeKind.REDUCE ? Sign.PLUS : null);
      allocation.check();
      return new LvOps(engine)
          .resize(
              new LvOps.Resize(
                  kind(),
                  lv,
                  amount.size,
                  amount.extents,
                  allocation.stripes,
                  allocation.stripeSize,
                  allocation.alloc,
                  resizeFs,
                  pvs,
                  common.forceCount() > 0 || common.yes));
    }
  }

  @Command(name = "lvextend", description = "Add space to a logical volume.")
  static final class LvExtend extends Resize {
    LvExtend(Session s) {
      super(s);
    }

    @Override
    LvOps.ResizeKind kind() {
      return LvOps.ResizeKind.EXTEND;
    }
  }

  @Command(name = "lvreduce", description = "Reduce the size of a logical volume.")
  static final class LvReduce extends Resize {
    LvReduce(Session s) {
      super(s);
    }

    @Override
    LvOps.ResizeKind kind() {
      return LvOps.ResizeKind.REDUCE;
    }
  }

  @Command(name = "lvresize", description = "Resize a logical volume.")
  static final class LvResize extends Resize {
    LvResize(Session s) {
      super(s);
    }

    @Override
    LvOps.ResizeKind kind() {
      return LvOps.ResizeKind.RESIZE;
    }
  }

  @Command(name = "lvremove", description = "Remove logical volume(s).")
  static final class LvRemove extends LvmCommand {
    @Parameters(arity = "1..*", paramLabel = "VG|LV")
    List<String> lvs = new ArrayList<>();

    LvRemove(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new LvOps(engine).remove(lvs, common.forceCount() > 0 || common.yes);
    }
  }

  @Command(name = "lvrename", description = "Rename a logical volume.")
  static final class LvRename extends LvmCommand {
    @Parameters(arity = "2..3", paramLabel = "VG LV LVNew | VG/LV LVNew")
    List<String> args = new ArrayList<>();

    LvRename(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new LvOps(engine).rename(args);
    }
  }

  @Command(name = "lvchange", description = "Change the attributes of logical volume(s).")
  static final class LvChange extends LvmCommand {
    @Option(
        names = {"-a", "--activate"},
        paramLabel = "y|n|ay|ey|sy",
        converter = Converters.Activate.class,
        description = "Activate or deactivate.")
    String activate;

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

    @Option(names = "--refresh", description = "Reload the LV's table.")
    boolean refresh;

    @Option(
        names = {"-p", "--permission"},
        paramLabel = "rw|r",
        converter = Converters.Permission.class,
        description = "Access permission.")
    String permission;

    @Option(
        names = "--alloc",
        paramLabel = "contiguous|cling|normal|anywhere|inherit",
        converter = Converters.Alloc.class,
        description = "Allocation policy.")
    String alloc;

    @Parameters(arity = "1..*", paramLabel = "VG|LV")
    List<String> lvs = new ArrayList<>();

    // integ: lvchange -ay --node NODE (cluster mode)
    @picocli.CommandLine.Mixin
    io.clvm.cli.cluster.RemoteOptions remote = new io.clvm.cli.cluster.RemoteOptions();

    LvChange(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      remote.refuseLocal(engine);
      return new LvOps(engine)
          .change(new LvOps.Change(lvs, activate, addTags, delTags, refresh, permission, alloc));
    }
  }

  @Command(name = "lvdisplay", description = "Display information about a logical volume.")
  static final class LvDisplay extends LvmCommand {
    @Option(names = "--foreign", description = "Include VGs with another host's system ID.")
    boolean foreign;

    @Option(
        names = {"-m", "--maps"},
        description = "Display the mapping of logical extents to PVs.")
    boolean maps;

    @Option(names = "--units", paramLabel = "Units", description = "Units for sizes.")
    String units;

    @Parameters(paramLabel = "VG|LV")
    List<String> lvs = new ArrayList<>();

    LvDisplay(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      engine.withForeign(foreign);
      return new Display(engine, displayUnits(units)).lvdisplay(lvs, maps);
    }
  }

  @Command(name = "lvscan", description = "List all logical volumes in all volume groups.")
  static final class LvScan extends LvmCommand {
    @Option(
        names = {"-a", "--all"},
        description = "Accepted for lvm2 compatibility.")
    boolean all;

    LvScan(Session s) {
      super(s);
    }

    @Override
    int run(Engine engine) throws EngineException {
      return new Display(engine, null).lvscan();
    }
  }
}
