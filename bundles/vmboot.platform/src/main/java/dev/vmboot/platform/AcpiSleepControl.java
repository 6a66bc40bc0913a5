package dev.vmboot.platform;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;

/**
 * cloud-hypervisor's "ACPI shutdown device" at 0x600: one byte that is the hardware-reduced ACPI sleep control and
 * status register (ACPI 6.5, 4.8.3.7: SLP_TYP bits 4:2, SLP_EN bit 5) and the FADT reset register (reset value 1).
 * EDK2 CloudHv powers off by writing 0x34 (SLP_TYP 5 | SLP_EN; OvmfPkg ResetSystemLib BaseResetShutdown.c). Reads
 * return 0 (no wake status).
 */
public final class AcpiSleepControl implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(AcpiSleepControl.class);

    /** OvmfPkg/Include/IndustryStandard/CloudHv.h: CLOUDHV_ACPI_SHUTDOWN_IO_ADDRESS. */
    public static final int CLOUD_HV_PORT = 0x600;
    public static final int LENGTH = 1;
    /** ACPI 6.5, 4.8.3.7 Sleep Control Register. */
    private static final int SLP_EN = 1 << 5;
    private static final int SLP_TYP_SHIFT = 2;
    private static final int SLP_TYP_MASK = 0x7;
    /** The \_S5 sleep type cloud-hypervisor's DSDT declares and CloudHv firmware writes. */
    public static final int S5_SLEEP_TYPE = 5;
    /** The FADT RESET_VALUE for this register. */
    public static final int RESET_VALUE = 1;

    private final PowerEvents power;
    private final GuestLogLimiter guestLog;

    /** @param guestLog the machine's budget for the lines its guest causes */
    public AcpiSleepControl(PowerEvents power, GuestLogLimiter guestLog) {
        this.power = Objects.requireNonNull(power, "power");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
    }

    @Override
    public int read(int offset, int size) {
        return 0;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset != 0) {
            return;
        }
        int b = value & 0xFF;
        if (b == RESET_VALUE) {
            guestLog.debug(LOG, "guest wrote the ACPI reset value");
            power.reset();
        } else if ((b & SLP_EN) != 0) {
            int type = (b >>> SLP_TYP_SHIFT) & SLP_TYP_MASK;
            if (type == S5_SLEEP_TYPE) {
                guestLog.debug(LOG, "guest entered S5");
                power.powerOff();
            } else {
                guestLog.warn(LOG, "guest asked for sleep type {}, which is not supported; ignored", type);
            }
        }
    }
}
