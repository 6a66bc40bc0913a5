package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.LogLineCapture;

/** Logger vmboot.firmware logs at debug level in this module's tests (pom.xml). */
class FirmwareLogTest {
    /** What EDK2's CloudHv DEBUG build logs on its way to the shell (FirmwareLog.LINES_PER_MINUTE). */
    private static final int CLOUD_HV_BOOT_LINES = 1038;

    @Test
    void aDebugFirmwaresBootIsLoggedWholeAndALoopIsHeldToTheBudget() {
        AtomicLong clock = new AtomicLong();
        GuestLogLimiter limiter = new GuestLogLimiter("VM t firmware log", FirmwareLog.LINES_PER_MINUTE,
                Duration.ofMinutes(1), clock::get, LoggerFactory.getLogger(GuestLogLimiter.class));
        try (LogLineCapture err = LogLineCapture.all(); FirmwareLog log = new FirmwareLog(limiter)) {
            DebugPort port = new DebugPort(log);
            for (int i = 0; i < CLOUD_HV_BOOT_LINES; i++) {
                writeLine(port, "line " + i);
            }
            assertEquals(CLOUD_HV_BOOT_LINES, err.records().size());
            assertTrue(err.records().get(0).endsWith("DEBUG vmboot.firmware - line 0"), err.records().get(0));
            for (int i = 0; i < 10_000; i++) {
                writeLine(port, "again");
            }
            assertEquals(FirmwareLog.LINES_PER_MINUTE + 1, err.records().size(), "the budget and one line saying "
                    + "that the rest is counted");
            log.close();
            assertTrue(err.records().get(err.records().size() - 1).endsWith("VM t firmware log: "
                    + (CLOUD_HV_BOOT_LINES + 10_000 - FirmwareLog.LINES_PER_MINUTE) + " guest-caused log line(s) "
                    + "suppressed (at most 2000 are logged in 60 s)"));
        }
    }

    private static void writeLine(DebugPort port, String line) {
        for (char c : (line + "\n").toCharArray()) {
            port.write(0, 1, c);
        }
    }
}
