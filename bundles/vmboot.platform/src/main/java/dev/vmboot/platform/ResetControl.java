package dev.vmboot.platform;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;

/**
 * The reset control register at 0xCF9 (82371AB PIIX4 datasheet, 4.1.2 "RC—Reset Control Register": bit 1 SRST hard
 * reset, bit 2 RCPU reset CPU). Writing bit 2 resets; EDK2's ResetCold writes 0x06. It sits inside the PCI
 * configuration ports' range and is reached through {@link PciConfigPorts}.
 */
public final class ResetControl implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(ResetControl.class);

    public static final int PORT = 0xCF9;
    private static final int RESET_CPU = 0x04;
    private static final int STORED_BITS = 0x0A; // SRST and FULL_RST (ICH) read back; RCPU self-clears

    private final PowerEvents power;
    private final GuestLogLimiter guestLog;
    private int value;

    /** @param guestLog the machine's budget for the lines its guest causes */
    public ResetControl(PowerEvents power, GuestLogLimiter guestLog) {
        this.power = Objects.requireNonNull(power, "power");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
    }

    @Override
    public synchronized int read(int offset, int size) {
        return value;
    }

    @Override
    public void write(int offset, int size, int newValue) {
        synchronized (this) {
            value = newValue & STORED_BITS;
        }
        if ((newValue & RESET_CPU) != 0) {
            guestLog.debug(LOG, "guest reset through 0xCF9 (value 0x{})", Integer.toHexString(newValue & 0xFF));
            power.reset();
        }
    }
}
