package dev.vmboot.acpi;

import java.nio.ByteBuffer;

/**
 * The Fixed ACPI Description Table, revision 6 (ACPI 6.5, 5.2.9, Table 5.9; 276 bytes). Two shapes, by the platform's
 * {@link PowerManagement}: hardware-reduced like cloud-hypervisor's (no SCI, no PM1 blocks, no FACS; the PM timer, the
 * sleep control/status register and the reset register are I/O ports), or a PC's fixed hardware (FACS, SCI, PM1a
 * event/control blocks and the 24-bit PM timer in the PIIX4 PM block, reset through 0xCF9, SMI_CMD 0 = always in ACPI
 * mode). Both fill the 32-bit and the X_ (Generic Address) forms of each block.
 */
public final class Fadt {

    public static final String SIGNATURE = "FACP";
    public static final int REVISION = 6;
    /** FADT Minor Version 5 = ACPI 6.5 (Table 5.9, offset 131). */
    public static final int MINOR_REVISION = 5;
    public static final int LENGTH = 276;

    // Table 5.9 field offsets
    public static final int FIRMWARE_CTRL_OFFSET = 36;
    public static final int DSDT_OFFSET = 40;
    public static final int PREFERRED_PM_PROFILE_OFFSET = 45;
    public static final int SCI_INT_OFFSET = 46;
    public static final int PM1A_EVT_BLK_OFFSET = 56;
    public static final int PM1A_CNT_BLK_OFFSET = 64;
    public static final int PM_TMR_BLK_OFFSET = 76;
    public static final int PM1_EVT_LEN_OFFSET = 88;
    public static final int PM1_CNT_LEN_OFFSET = 89;
    public static final int PM_TMR_LEN_OFFSET = 91;
    public static final int P_LVL2_LAT_OFFSET = 96;
    public static final int P_LVL3_LAT_OFFSET = 98;
    public static final int CENTURY_OFFSET = 108;
    public static final int IAPC_BOOT_ARCH_OFFSET = 109;
    public static final int FLAGS_OFFSET = 112;
    public static final int RESET_REG_OFFSET = 116;
    public static final int RESET_VALUE_OFFSET = 128;
    public static final int MINOR_VERSION_OFFSET = 131;
    public static final int X_DSDT_OFFSET = 140;
    public static final int X_PM1A_EVT_BLK_OFFSET = 148;
    public static final int X_PM1A_CNT_BLK_OFFSET = 172;
    public static final int X_PM_TMR_BLK_OFFSET = 208;
    public static final int SLEEP_CONTROL_REG_OFFSET = 244;
    public static final int SLEEP_STATUS_REG_OFFSET = 256;
    public static final int HYPERVISOR_VENDOR_ID_OFFSET = 268;

    // Table 5.10 Fixed ACPI Description Table Fixed Feature Flags
    public static final int WBINVD = 1 << 0;
    public static final int PROC_C1 = 1 << 2;
    /** Set: the power button, if any, is a control method device; clear: it is the fixed feature (Table 5.10). */
    public static final int PWR_BUTTON = 1 << 4;
    public static final int SLP_BUTTON = 1 << 5;
    public static final int TMR_VAL_EXT = 1 << 8;
    public static final int RESET_REG_SUP = 1 << 10;
    public static final int HW_REDUCED_ACPI = 1 << 20;
    /** Table 5.11 IA-PC Boot Architecture Flags: bit 0 "LEGACY_DEVICES", bit 2 "VGA Not Present". */
    public static final int IAPC_LEGACY_DEVICES = 1 << 0;
    public static final int IAPC_VGA_NOT_PRESENT = 1 << 2;
    /** Preferred_PM_Profile 0 = unspecified (a virtual machine). */
    private static final int PM_PROFILE_UNSPECIFIED = 0;
    /** P_LVL2_LAT above 100 and P_LVL3_LAT above 1000 (microseconds) mean C2 and C3 are not supported (Table 5.9). */
    private static final int C2_NOT_SUPPORTED = 101;
    private static final int C3_NOT_SUPPORTED = 1001;
    /** IBM PC/AT CMOS century register, which vmboot's RTC keeps (FADT CENTURY, Table 5.9). */
    private static final int CMOS_CENTURY = 0x32;

    public static final String HYPERVISOR_VENDOR_ID = "VMBOOT";

    private Fadt() {
    }

    /**
     * @param dsdtAddress where the DSDT is
     * @param facsAddress where the FACS is; ignored (FIRMWARE_CTRL = 0) on a hardware-reduced platform
     */
    public static byte[] build(SdtHeader oem, PlatformDescription platform, long dsdtAddress, long facsAddress) {
        ByteBuffer b = oem.start(SIGNATURE, REVISION, LENGTH);
        // DSDT (32-bit) only when it fits; X_DSDT always. Both name the same table (5.2.9: X_DSDT wins if non-zero).
        b.putInt(DSDT_OFFSET, dsdtAddress <= 0xFFFF_FFFFL ? (int) dsdtAddress : 0);
        b.put(PREFERRED_PM_PROFILE_OFFSET, (byte) PM_PROFILE_UNSPECIFIED);
        b.putInt(PM_TMR_BLK_OFFSET, platform.pmTimerPort());
        b.put(PM_TMR_LEN_OFFSET, (byte) 4);
        b.put(MINOR_VERSION_OFFSET, (byte) MINOR_REVISION);
        b.putLong(X_DSDT_OFFSET, dsdtAddress);
        b.position(HYPERVISOR_VENDOR_ID_OFFSET);
        b.put(SdtHeader.bytes(SdtHeader.ascii(HYPERVISOR_VENDOR_ID, 8, "hypervisor vendor")));
        if (platform.power() instanceof PowerManagement.Pm1Blocks pm) {
            fixedHardware(b, pm, facsAddress);
        } else {
            hardwareReduced(b, (PowerManagement.HardwareReduced) platform.power());
        }
        return SdtHeader.seal(b);
    }

    private static void hardwareReduced(ByteBuffer b, PowerManagement.HardwareReduced r) {
        // FIRMWARE_CTRL stays 0: hardware-reduced, no FACS
        b.putShort(IAPC_BOOT_ARCH_OFFSET, (short) IAPC_VGA_NOT_PRESENT);
        b.putInt(FLAGS_OFFSET, HW_REDUCED_ACPI | RESET_REG_SUP | TMR_VAL_EXT);
        b.position(RESET_REG_OFFSET);
        GenericAddress.systemIo(r.sleepControlPort(), 8).writeTo(b);
        b.put(RESET_VALUE_OFFSET, (byte) r.resetValue());
        b.position(X_PM_TMR_BLK_OFFSET);
        GenericAddress.systemIo(r.pmTimerPort(), 32).writeTo(b);
        b.position(SLEEP_CONTROL_REG_OFFSET);
        GenericAddress.systemIo(r.sleepControlPort(), 8).writeTo(b);
        GenericAddress.systemIo(r.sleepControlPort(), 8).writeTo(b); // SLEEP_STATUS_REG
    }

    private static void fixedHardware(ByteBuffer b, PowerManagement.Pm1Blocks pm, long facsAddress) {
        if (facsAddress <= 0 || facsAddress > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the FACS must lie below 4 GiB: 0x" + Long.toHexString(facsAddress));
        }
        b.putInt(FIRMWARE_CTRL_OFFSET, (int) facsAddress); // X_FIRMWARE_CTRL stays 0 (only one may be set)
        b.putShort(SCI_INT_OFFSET, (short) pm.sciIrq());
        // SMI_CMD, ACPI_ENABLE, ACPI_DISABLE stay 0: no SMM, the platform is always in ACPI mode (4.8.2.1).
        b.putInt(PM1A_EVT_BLK_OFFSET, pm.pm1EventBlock());
        b.putInt(PM1A_CNT_BLK_OFFSET, pm.pm1ControlBlock());
        b.put(PM1_EVT_LEN_OFFSET, (byte) PowerManagement.Pm1Blocks.EVENT_LENGTH);
        b.put(PM1_CNT_LEN_OFFSET, (byte) PowerManagement.Pm1Blocks.CONTROL_LENGTH);
        b.putShort(P_LVL2_LAT_OFFSET, (short) C2_NOT_SUPPORTED);
        b.putShort(P_LVL3_LAT_OFFSET, (short) C3_NOT_SUPPORTED);
        b.put(CENTURY_OFFSET, (byte) CMOS_CENTURY);
        b.putShort(IAPC_BOOT_ARCH_OFFSET, (short) (IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT));
        // The PIIX4 timer is 24 bits wide: no TMR_VAL_EXT. PWR_BUTTON clear: the power button is the fixed feature
        // (PWRBTN_STS/EN in the PM1 blocks, Table 5.10); SLP_BUTTON set: there is no sleep button.
        b.putInt(FLAGS_OFFSET, WBINVD | PROC_C1 | SLP_BUTTON | RESET_REG_SUP);
        b.position(RESET_REG_OFFSET);
        GenericAddress.systemIo(pm.resetPort(), 8).writeTo(b);
        b.put(RESET_VALUE_OFFSET, (byte) pm.resetValue());
        b.position(X_PM1A_EVT_BLK_OFFSET);
        GenericAddress.systemIo(pm.pm1EventBlock(), 8 * PowerManagement.Pm1Blocks.EVENT_LENGTH).writeTo(b);
        b.position(X_PM1A_CNT_BLK_OFFSET);
        GenericAddress.systemIo(pm.pm1ControlBlock(), 8 * PowerManagement.Pm1Blocks.CONTROL_LENGTH).writeTo(b);
        b.position(X_PM_TMR_BLK_OFFSET);
        GenericAddress.systemIo(pm.pmTimerPort(), 32).writeTo(b);
    }
}
