package dev.vmboot.platform;

import java.time.Duration;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;

/**
 * The lines firmware writes to the {@link DebugPort}, logged at debug level on logger {@code vmboot.firmware}. They are
 * the guest's own log, read to find out why a firmware stops, so they have a budget of their own, large enough for a
 * DEBUG firmware's whole boot, instead of sharing the machine's few hundred lines a minute; a guest writing them in a
 * loop is still held to it.
 */
public final class FirmwareLog implements Consumer<String>, AutoCloseable {
    /**
     * Twice what EDK2's CloudHv DEBUG build (platforms/qemu/firmware/build-cloudhv.sh) logs on its way to the UEFI
     * shell: 1,038 lines in 27 s, measured in the nested lab; Debian's OVMF.fd logs none.
     */
    static final int LINES_PER_MINUTE = 2000;
    private static final Logger LOG = LoggerFactory.getLogger("vmboot.firmware");

    private final GuestLogLimiter limiter;

    /** @param machine what the summaries name, e.g. {@code "VM OVMF.fd"} */
    public FirmwareLog(String machine) {
        this(new GuestLogLimiter(machine + " firmware log", LINES_PER_MINUTE, Duration.ofMinutes(1),
                System::nanoTime, LoggerFactory.getLogger(GuestLogLimiter.class)));
    }

    FirmwareLog(GuestLogLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void accept(String line) {
        limiter.debug(LOG, "{}", line);
    }

    /** Says how many lines the last minute suppressed, if any. */
    @Override
    public void close() {
        limiter.close();
    }
}
