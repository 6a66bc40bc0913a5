package dev.vmboot.api.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.EventRecodingLogger;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.helpers.SubstituteLogger;

class GuestLogLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final Queue<SubstituteLoggingEvent> deviceEvents = new ConcurrentLinkedQueue<>();
    private final Queue<SubstituteLoggingEvent> summaryEvents = new ConcurrentLinkedQueue<>();
    private final Logger device = recording("device", deviceEvents);
    private final GuestLogLimiter limiter = new GuestLogLimiter("VM t", 3, Duration.ofMinutes(1), clock::get,
            recording("summary", summaryEvents));

    private static Logger recording(String name, Queue<SubstituteLoggingEvent> into) {
        return new EventRecodingLogger(new SubstituteLogger(name, into, false), into);
    }

    private static List<String> texts(Queue<SubstituteLoggingEvent> events) {
        List<String> out = new ArrayList<>();
        for (SubstituteLoggingEvent e : events) {
            out.add(e.getLevel() + " " + MessageFormatter.arrayFormat(e.getMessage(), e.getArgumentArray())
                    .getMessage());
        }
        return out;
    }

    @Test
    void linesOverTheBudgetAreCountedAndSummarisedWhenTheNextWindowStarts() {
        for (int i = 0; i < 10; i++) {
            limiter.warn(device, "bad DMA {}", i);
        }
        assertEquals(List.of("WARN bad DMA 0", "WARN bad DMA 1", "WARN bad DMA 2"), texts(deviceEvents));
        assertEquals(List.of("WARN VM t: more than 3 guest-caused log lines in 60 s; the rest of this window's are "
                + "counted, not logged"), texts(summaryEvents));
        assertEquals(7, limiter.suppressed());

        clock.addAndGet(59 * SECOND);
        limiter.info(device, "still the first window");
        assertEquals(3, deviceEvents.size());
        assertEquals(8, limiter.suppressed());

        clock.addAndGet(SECOND);
        limiter.info(device, "a new window");
        assertEquals("INFO a new window", texts(deviceEvents).get(3));
        assertEquals("WARN VM t: 8 guest-caused log line(s) suppressed (at most 3 are logged in 60 s)",
                texts(summaryEvents).get(1));
        assertEquals(2, summaryEvents.size());
    }

    @Test
    void closeSummarisesTheWindowOnlyWhenItSuppressedSomething() {
        limiter.debug(device, "one");
        limiter.close();
        assertTrue(summaryEvents.isEmpty(), texts(summaryEvents).toString());
        for (int i = 0; i < 5; i++) {
            limiter.error(device, "line {}", i);
        }
        limiter.close();
        limiter.close();
        assertEquals(List.of("WARN VM t: more than 3 guest-caused log lines in 60 s; the rest of this window's are "
                + "counted, not logged", "WARN VM t: 3 guest-caused log line(s) suppressed (at most 3 are logged in "
                + "60 s)"), texts(summaryEvents));
        assertEquals(List.of("DEBUG one", "ERROR line 0", "ERROR line 1"), texts(deviceEvents));
    }

    @Test
    void aFloodLogsTheBudgetAndTwoSummariesPerWindow() {
        int windows = 5;
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < 100_000; i++) {
                limiter.warn(device, "flood");
            }
            clock.addAndGet(60 * SECOND);
        }
        limiter.close();
        assertEquals(3 * windows, deviceEvents.size());
        assertEquals(2 * windows, summaryEvents.size());
        assertEquals(windows * (100_000L - 3), limiter.suppressed());
    }

    @Test
    void linesOfALevelNotLoggedTakeNothingFromTheBudget() {
        Logger silent = NOPLogger.NOP_LOGGER;
        for (int i = 0; i < 10; i++) {
            limiter.warn(silent, "not logged anyway");
        }
        assertEquals(0, limiter.suppressed());
        limiter.warn(device, "logged");
        assertEquals(1, deviceEvents.size());
    }

    @Test
    void admitIsTheBudgetForCallersThatBuildTheirOwnLine() {
        assertTrue(limiter.admit());
        assertTrue(limiter.admit());
        assertTrue(limiter.admit());
        assertFalse(limiter.admit());
        assertEquals(1, limiter.suppressed());
    }

    @Test
    void budgetAndWindowMustBePositive() {
        IllegalArgumentException lines = assertThrows(IllegalArgumentException.class,
                () -> new GuestLogLimiter("VM t", 0, Duration.ofMinutes(1), clock::get, device));
        assertEquals("a guest log budget needs at least 1 line per window, not 0", lines.getMessage());
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> new GuestLogLimiter("VM t", 1, Duration.ZERO, clock::get, device));
        assertEquals("a guest log window must be longer than 0, not PT0S", window.getMessage());
    }

    @Test
    void theDefaultIsAFewHundredLinesAMinute() {
        GuestLogLimiter perMinute = GuestLogLimiter.perMinute("VM d");
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += perMinute.admit() ? 1 : 0;
        }
        assertEquals(GuestLogLimiter.DEFAULT_LINES, admitted);
        assertEquals(1000 - GuestLogLimiter.DEFAULT_LINES, perMinute.suppressed());
        assertEquals("VM d", perMinute.source());
    }
}
