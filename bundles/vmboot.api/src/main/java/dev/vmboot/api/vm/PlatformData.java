package dev.vmboot.api.vm;

import java.util.Map;

/**
 * Extra platform information a boot protocol hands to the machine: named firmware-configuration files (fw_cfg
 * {@code etc/table-loader} and friends) for firmware that asks for them.
 *
 * @param fwCfgFiles fw_cfg files by name
 */
public record PlatformData(Map<String, byte[]> fwCfgFiles) {
    public PlatformData {
        fwCfgFiles = Map.copyOf(fwCfgFiles);
    }
}
