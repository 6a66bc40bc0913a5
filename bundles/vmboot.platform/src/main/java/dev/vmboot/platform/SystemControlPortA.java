package dev.vmboot.platform;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;

/**
 * System control port A at 0x92 (IBM PS/2 "fast A20 and reset"): bit 0 alternate hot reset, bit 1 A20 gate. The A20
 * bit reads back what was written (the address line itself is always enabled under KVM); setting bit 0 resets.
 */
public final class SystemControlPortA implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(SystemControlPortA.class);

    public static final int PORT = 0x92;
    private static final int FAST_RESET = 0x01;

    private final PowerEvents power;
    private final GuestLogLimiter guestLog;
    private int value;

    /** @param guestLog the machine's budget for the lines its guest causes */
    public SystemControlPortA(PowerEvents power, GuestLogLimiter guestLog) {
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
            value = newValue & 0xFF & ~FAST_RESET;
        }
        if ((newValue & FAST_RESET) != 0) {
            guestLog.debug(LOG, "guest reset through port 0x92");
            power.reset();
        }
    }
}
