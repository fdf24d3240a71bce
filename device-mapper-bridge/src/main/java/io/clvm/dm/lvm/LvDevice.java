package io.clvm.dm.lvm;

import io.clvm.dm.DmName;
import io.clvm.dm.DmUuid;
import io.clvm.dm.table.Table;

/**
 * The device-mapper device of an LV as lvm2 activates it.
 *
 * @param vg the VG name (for the {@code /dev/<vg>/<lv>} link)
 * @param lv the LV name
 * @param name the dm name, {@code <vg>-<lv>} with dashes inside the names doubled
 * @param uuid {@code LVM-<vg uuid><lv uuid>}
 * @param table the table
 */
public record LvDevice(String vg, String lv, DmName name, DmUuid uuid, Table table) {}
