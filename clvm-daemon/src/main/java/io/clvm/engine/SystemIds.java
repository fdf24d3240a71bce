package io.clvm.engine;

import io.clvm.format.model.Names;
import io.clvm.format.model.VolumeGroup;

/**
 * lvm2's system-ID rules for the commands that set one (lvmsystemid(7)): vgcreate stamps the new VG
 * with this host's system ID, {@code --systemid} overrides it, {@code vgchange --systemid} changes
 * it. The messages, their order and their repetitions are lvm2 2.03.16's, measured ({@code
 * SystemIdLvm2Test}): lvm2 parses vgcreate's arguments twice, so some warnings appear twice.
 */
final class SystemIds {
  private SystemIds() {}

  /**
   * lvm2's {@code system_id_from_string}: the argument with invalid characters dropped; "" (warned)
   * for an empty argument; null (warned) when nothing valid remains or it begins with "localhost".
   */
  static String fromArgument(String raw, Console console) {
    if (raw == null || raw.isEmpty()) {
      console.warn("Empty system ID supplied.");
      return "";
    }
    String id = Names.sanitizeSystemId(raw);
    if (id.isEmpty()) {
      console.warn("Invalid system ID format: " + raw);
      return null;
    }
    if (id.startsWith("localhost")) {
      console.warn("system ID may not begin with the string \"localhost\".");
      return null;
    }
    return id;
  }

  /**
   * vgcreate: the new VG's system ID (null for none) from {@code --systemid} ({@code arg}, null
   * when not given) or this host's ({@code local}, null when unknown), with lvm2's warnings.
   *
   * @throws EngineException (invalid command line) for an ID with no valid character
   */
  static String forNewVg(String arg, String local, Console console) throws EngineException {
    if (arg == null) {
      return local;
    }
    String id = arg.isEmpty() ? "" : Names.sanitizeSystemId(arg);
    if (!arg.isEmpty() && (id.isEmpty() || id.startsWith("localhost"))) {
      // lvm2 warns, then ends as for a bad command line.
      throw new EngineException(
          id.isEmpty()
              ? "WARNING: Invalid system ID format: " + arg
              : "WARNING: system ID may not begin with the string \"localhost\".",
          EngineException.INVALID);
    }
    if (id.isEmpty()) {
      String unsafe = "A VG without a system ID allows unsafe access from other hosts.";
      if (local == null) {
        console.warn("Empty system ID supplied.");
        console.warn("Empty system ID supplied.");
        console.warn(unsafe);
      } else {
        for (int i = 0; i < 2; i++) {
          console.warn("Empty system ID supplied.");
          console.warn(unsafe);
        }
        console.error(inaccessible(id, local));
      }
      return null;
    }
    if (local != null && !id.equals(local)) {
      console.error(inaccessible(id, local));
      console.error(inaccessible(id, local));
    }
    return id;
  }

  private static String inaccessible(String id, String local) {
    return "VG with system ID " + id + " might become inaccessible as local system ID is " + local;
  }

  /**
   * vgchange --systemid (lvm2's {@code _vgchange_system_id}): the VG's new system ID ("" for none),
   * asking before the VG becomes foreign here or loses its ID.
   *
   * @throws EngineException with lvm2's message when nothing is to change or the user says no
   */
  static String change(VolumeGroup vg, String arg, String local, Console console)
      throws EngineException {
    String id = fromArgument(arg, console);
    if (id == null) {
      throw new EngineException("Unable to set system ID.");
    }
    String current = vg.systemId() == null ? "" : vg.systemId();
    if (current.equals(id)) {
      throw new EngineException("Volume Group system ID is already \"" + current + "\".");
    }
    if (id.isEmpty() && local != null) {
      console.warn("Removing the system ID allows unsafe access from other hosts.");
      if (!console.confirm(
          "Remove system ID " + current + " from volume group " + vg.name() + "?")) {
        throw new EngineException("System ID of volume group " + vg.name() + " not changed.");
      }
    }
    if (!id.isEmpty() && !id.equals(local)) {
      if (local != null) {
        console.warn(
            "Requested system ID " + id + " does not match local system ID " + local + ".");
      } else {
        console.warn("No local system ID is set.");
      }
      console.warn("Volume group " + vg.name() + " might become inaccessible from this machine.");
      if (!console.confirm("Set foreign system ID " + id + " on volume group " + vg.name() + "?")) {
        throw new EngineException("Volume group " + vg.name() + " system ID not changed.");
      }
    }
    return id;
  }
}
