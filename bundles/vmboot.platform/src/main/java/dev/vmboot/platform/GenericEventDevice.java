package dev.vmboot.platform;

import java.util.Objects;

import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;

/**
 * The Generic Event Device of the hardware-reduced CLOUD_HV platform (ACPI 6.5, 5.6.9: ACPI0013), which gives it the
 * power button a hardware-reduced platform has no fixed register for. One byte of memory space holds the pending
 * events; reading it returns them and clears them, writes are ignored. Raising an event sets its bit and sends an edge
 * on the GED's interrupt; the DSDT's {@code \_SB.GED0._EVT} (dev.vmboot.acpi.Dsdt) then reads the byte and notifies the
 * control-method power button {@code \_SB.PWRB} (PNP0C0C) when {@link #POWER_BUTTON} is set. The address, the bit and
 * the interrupt must agree with the ACPI tables' (dev.vmboot.acpi.PlatformDescription GED_ADDRESS and GED_IRQ,
 * PowerManagement.HardwareReduced.GED_POWER_BUTTON).
 */
public final class GenericEventDevice implements MmioDevice {

    /** PlatformDescription.GED_ADDRESS: in the 32-bit hole past KVM's TSS pages, below the IOAPIC. */
    public static final long CLOUD_HV_ADDRESS = 0xFEB0_0000L;
    public static final int LENGTH = 1;
    /** PlatformDescription.GED_IRQ: ISA IRQ 5, edge-triggered, active high (the default of an ISA IRQ). */
    public static final int CLOUD_HV_IRQ = 5;
    /** The power-button event bit (PowerManagement.HardwareReduced.GED_POWER_BUTTON). */
    static final int POWER_BUTTON = 0x08;

    private final InterruptLine interrupt;
    private int pending;

    /** @param interrupt the GED's interrupt line, edge-triggered */
    public GenericEventDevice(InterruptLine interrupt) {
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
    }

    /** The operator pressed the power button: the event is pending until the guest reads it, and an edge is sent. */
    public void pressPowerButton() {
        synchronized (this) {
            pending |= POWER_BUTTON;
        }
        interrupt.pulse();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset != 0) {
            return 0;
        }
        int events = pending;
        pending = 0;
        return events;
    }

    @Override
    public void write(long offset, int size, long value) {
        // the register is read-only: events are cleared by reading them
    }
}
