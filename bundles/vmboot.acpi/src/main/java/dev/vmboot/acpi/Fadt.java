package dev.vmboot.acpi;

import java.nio.ByteBuffer;

/**
 * The Fixed ACPI Description Table, revision 6 (ACPI 6.5, 5.2.9, Table 5.9; 276 bytes), for a hardware-reduced
 * platform like cloud-hypervisor's: no SCI, no PM1 event/control blocks, no GPEs; the PM timer, the sleep
 * control/status register and the reset register are I/O ports.
 */
public final class Fadt {

    public static final String SIGNATURE = "FACP";
    public static final int REVISION = 6;
    /** FADT Minor Version 5 = ACPI 6.5 (Table 5.9, offset 131). */
    public static final int MINOR_REVISION = 5;
    public static final int LENGTH = 276;

    // Table 5.9 field offsets
    public static final int DSDT_OFFSET = 40;
    public static final int PREFERRED_PM_PROFILE_OFFSET = 45;
    public static final int PM_TMR_BLK_OFFSET = 76;
    public static final int PM_TMR_LEN_OFFSET = 91;
    public static final int IAPC_BOOT_ARCH_OFFSET = 109;
    public static final int FLAGS_OFFSET = 112;
    public static final int RESET_REG_OFFSET = 116;
    public static final int RESET_VALUE_OFFSET = 128;
    public static final int MINOR_VERSION_OFFSET = 131;
    public static final int X_DSDT_OFFSET = 140;
    public static final int X_PM_TMR_BLK_OFFSET = 208;
    public static final int SLEEP_CONTROL_REG_OFFSET = 244;
    public static final int SLEEP_STATUS_REG_OFFSET = 256;
    public static final int HYPERVISOR_VENDOR_ID_OFFSET = 268;

    // Table 5.10 Fixed ACPI Description Table Fixed Feature Flags
    public static final int TMR_VAL_EXT = 1 << 8;
    public static final int RESET_REG_SUP = 1 << 10;
    public static final int HW_REDUCED_ACPI = 1 << 20;
    /** Table 5.11 IA-PC Boot Architecture Flags: bit 2 "VGA Not Present". */
    public static final int IAPC_VGA_NOT_PRESENT = 1 << 2;
    /** Preferred_PM_Profile 0 = unspecified (a virtual machine). */
    private static final int PM_PROFILE_UNSPECIFIED = 0;
    public static final String HYPERVISOR_VENDOR_ID = "VMBOOT";

    private Fadt() {
    }

    public static byte[] build(SdtHeader oem, PlatformDescription platform, long dsdtAddress) {
        ByteBuffer b = oem.start(SIGNATURE, REVISION, LENGTH);
        b.putInt(36, 0); // FIRMWARE_CTRL: hardware-reduced, no FACS
        // DSDT (32-bit) only when it fits; X_DSDT always. Both name the same table (5.2.9: X_DSDT wins if non-zero).
        b.putInt(DSDT_OFFSET, dsdtAddress <= 0xFFFF_FFFFL ? (int) dsdtAddress : 0);
        b.put(PREFERRED_PM_PROFILE_OFFSET, (byte) PM_PROFILE_UNSPECIFIED);
        b.putInt(PM_TMR_BLK_OFFSET, platform.pmTimerPort());
        b.put(PM_TMR_LEN_OFFSET, (byte) 4);
        b.putShort(IAPC_BOOT_ARCH_OFFSET, (short) IAPC_VGA_NOT_PRESENT);
        b.putInt(FLAGS_OFFSET, HW_REDUCED_ACPI | RESET_REG_SUP | TMR_VAL_EXT);
        b.position(RESET_REG_OFFSET);
        GenericAddress.systemIo(platform.sleepControlPort(), 8).writeTo(b);
        b.put(RESET_VALUE_OFFSET, (byte) platform.resetValue());
        b.put(MINOR_VERSION_OFFSET, (byte) MINOR_REVISION);
        b.putLong(X_DSDT_OFFSET, dsdtAddress);
        b.position(X_PM_TMR_BLK_OFFSET);
        GenericAddress.systemIo(platform.pmTimerPort(), 32).writeTo(b);
        b.position(SLEEP_CONTROL_REG_OFFSET);
        GenericAddress.systemIo(platform.sleepControlPort(), 8).writeTo(b);
        GenericAddress.systemIo(platform.sleepControlPort(), 8).writeTo(b); // SLEEP_STATUS_REG
        b.position(HYPERVISOR_VENDOR_ID_OFFSET);
        b.put(SdtHeader.bytes(SdtHeader.ascii(HYPERVISOR_VENDOR_ID, 8, "hypervisor vendor")));
        return SdtHeader.seal(b);
    }
}
