package dev.vmboot.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;

/** The POST diagnostic port 0x80 (IBM PC/AT): remembers the last code written and logs it at debug level. */
public final class PostCodePort implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(PostCodePort.class);

    public static final int PORT = 0x80;

    private final GuestLogLimiter guestLog;
    private volatile int lastCode;

    /** @param guestLog the machine's budget for the lines its guest causes */
    public PostCodePort(GuestLogLimiter guestLog) {
        this.guestLog = java.util.Objects.requireNonNull(guestLog, "guestLog");
    }

    @Override
    public int read(int offset, int size) {
        return lastCode;
    }

    @Override
    public void write(int offset, int size, int value) {
        lastCode = value & 0xFF;
        if (LOG.isDebugEnabled()) {
            guestLog.debug(LOG, "POST code 0x{}", Integer.toHexString(lastCode));
        }
    }

    public int lastCode() {
        return lastCode;
    }
}
