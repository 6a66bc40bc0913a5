package dev.vmboot.boot.firmware.internal;

/**
 * A named fw_cfg file.
 *
 * @param name     at most 55 bytes of ASCII, e.g. {@code etc/e820}
 * @param selector the item selector it is read with (0x0020 and up)
 * @param contents its bytes
 */
record FwCfgFile(String name, int selector, byte[] contents) {
    /** FW_CFG_MAX_FILE_PATH (QEMU include/standard-headers/linux/qemu_fw_cfg.h): 56 bytes with the NUL. */
    static final int MAX_NAME = 56;

    FwCfgFile {
        if (name.isEmpty() || name.length() >= MAX_NAME || !name.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("bad fw_cfg file name '" + name + "'");
        }
    }
}
