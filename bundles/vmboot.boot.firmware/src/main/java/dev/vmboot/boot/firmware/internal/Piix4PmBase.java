package dev.vmboot.boot.firmware.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.vm.VirtualMachine;

/**
 * Where the firmware put the PIIX4 power-management I/O block: PMBA (config 0x40, bits 15:6) of function 00:01.3,
 * decoded once PMREGMISC (config 0x80) bit 0 is set (82371AB PIIX4 datasheet, 7.2.2 and 7.2.6;
 * OvmfPkg/Include/IndustryStandard/I440FxPiix4.h).
 */
final class Piix4PmBase {
    static final int DEVICE = 1;
    static final int FUNCTION = 3;
    static final int PMBA = 0x40;
    static final int PMBA_MASK = 0xFFC0;
    static final int PMREGMISC = 0x80;
    static final int PMREGMISC_PMIOSE = 0x01;
    /** I440FxPiix4.h PIIX4_PMBA_VALUE: where OVMF programs the block. */
    static final int OVMF_VALUE = 0xB000;

    private static final Logger LOG = LoggerFactory.getLogger(Piix4PmBase.class);

    private Piix4PmBase() {
    }

    /**
     * The programmed base, or OVMF's value (with a warning, the guest's doing, so through its log budget) when the
     * block is not decoded yet.
     */
    static int programmed(VirtualMachine vm) {
        boolean enabled = (vm.readPciConfig(DEVICE, FUNCTION, PMREGMISC, 1) & PMREGMISC_PMIOSE) != 0;
        int base = vm.readPciConfig(DEVICE, FUNCTION, PMBA, 4) & PMBA_MASK;
        if (!enabled || base == 0) {
            vm.guestLog().warn(LOG, "the firmware reads ACPI tables before enabling the PIIX4 PM block; describing it "
                    + "at 0x{}", Integer.toHexString(OVMF_VALUE));
            return OVMF_VALUE;
        }
        return base;
    }
}
