package dev.vmboot.platform;

import java.util.Objects;
import java.util.function.LongSupplier;

import dev.vmboot.api.device.PortIoDevice;

/**
 * The ACPI power-management timer (ACPI 6.5, 4.8.3.3 "Power Management Timer (PM_TMR)"): a free-running counter at
 * 3.579545 MHz, 24 bits wide, or 32 bits when the FADT sets TMR_VAL_EXT. Read-only; it counts from when it was made.
 */
public final class AcpiPmTimer implements PortIoDevice {

    /** ACPI 6.5, 4.8.3.3: PM timer frequency in Hz. */
    public static final long FREQUENCY_HZ = 3_579_545;
    /** OvmfPkg/Include/IndustryStandard/CloudHv.h: CLOUDHV_ACPI_TIMER_IO_ADDRESS. */
    public static final int CLOUD_HV_PORT = 0x608;
    public static final int LENGTH = 4;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LongSupplier nanoTime;
    private final long start;
    private final long mask;

    /** A timer driven by {@link System#nanoTime()}. */
    public AcpiPmTimer(boolean thirtyTwoBit) {
        this(thirtyTwoBit, System::nanoTime);
    }

    /** A timer driven by an injected nanosecond clock (for tests). */
    public AcpiPmTimer(boolean thirtyTwoBit, LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.start = nanoTime.getAsLong();
        this.mask = thirtyTwoBit ? 0xFFFF_FFFFL : 0x00FF_FFFFL;
    }

    /** The counter value now. */
    public int count() {
        long elapsed = nanoTime.getAsLong() - start;
        // whole seconds and the remainder separately, so the product cannot overflow for centuries of uptime
        long ticks = (elapsed / NANOS_PER_SECOND) * FREQUENCY_HZ
                + (elapsed % NANOS_PER_SECOND) * FREQUENCY_HZ / NANOS_PER_SECOND;
        return (int) (ticks & mask);
    }

    @Override
    public int read(int offset, int size) {
        if (offset < 0 || offset >= LENGTH) {
            return PortAccess.allOnes(size);
        }
        return count() >>> (8 * offset);
    }

    @Override
    public void write(int offset, int size, int value) {
        // read-only
    }
}
