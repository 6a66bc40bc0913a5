package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.LogLineCapture;

class CmosRtcTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final GuestLogLimiter guestLog = GuestLogLimiter.perMinute("VM t");

    // Saturday 9 March 2024, 13:45:07.5 UTC
    private final ManualClock clock = new ManualClock(Instant.parse("2024-03-09T13:45:07.500Z"));

    private static int cmos(CmosRtc rtc, int register) {
        rtc.write(0, 1, register);
        return rtc.read(1, 1) & 0xFF;
    }

    private static void setCmos(CmosRtc rtc, int register, int value) {
        rtc.write(0, 1, register);
        rtc.write(1, 1, value);
    }

    private CmosRtc rtc() {
        return new CmosRtc(clock, 2 * GIB, 0, guestLog);
    }

    @Test
    void timeRegistersAreBcdTwentyFourHourByDefault() {
        CmosRtc rtc = rtc();
        assertEquals(0x07, cmos(rtc, CmosRtc.SECONDS));
        assertEquals(0x45, cmos(rtc, CmosRtc.MINUTES));
        assertEquals(0x13, cmos(rtc, CmosRtc.HOURS));
        assertEquals(7, cmos(rtc, CmosRtc.DAY_OF_WEEK), "Saturday; 1 = Sunday");
        assertEquals(0x09, cmos(rtc, CmosRtc.DAY_OF_MONTH));
        assertEquals(0x03, cmos(rtc, CmosRtc.MONTH));
        assertEquals(0x24, cmos(rtc, CmosRtc.YEAR));
        assertEquals(0x20, cmos(rtc, CmosRtc.CENTURY));
    }

    @Test
    void binaryAndTwelveHourModesFollowRegisterB() {
        CmosRtc rtc = rtc();
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_BINARY | CmosRtc.B_24_HOUR);
        assertEquals(13, cmos(rtc, CmosRtc.HOURS));
        assertEquals(45, cmos(rtc, CmosRtc.MINUTES));
        setCmos(rtc, CmosRtc.REGISTER_B, 0); // BCD, 12-hour
        assertEquals(0x81, cmos(rtc, CmosRtc.HOURS), "1 PM");
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_BINARY); // binary, 12-hour
        assertEquals(0x81, cmos(rtc, CmosRtc.HOURS));
    }

    @Test
    void indexBitSevenDisablesNmiAndIsMaskedOff() {
        CmosRtc rtc = rtc();
        rtc.write(0, 1, 0x80 | CmosRtc.MINUTES);
        assertEquals(0x45, rtc.read(1, 1));
        assertTrue(rtc.nmiDisabled());
        rtc.write(0, 1, CmosRtc.MINUTES);
        assertFalse(rtc.nmiDisabled());
    }

    @Test
    void statusRegisters() {
        CmosRtc rtc = rtc();
        assertEquals(0x26, cmos(rtc, CmosRtc.REGISTER_A));
        assertEquals(0x02, cmos(rtc, CmosRtc.REGISTER_B));
        assertEquals(0x00, cmos(rtc, CmosRtc.REGISTER_C));
        assertEquals(0x80, cmos(rtc, CmosRtc.REGISTER_D));
        setCmos(rtc, CmosRtc.REGISTER_D, 0);
        assertEquals(0x80, cmos(rtc, CmosRtc.REGISTER_D), "read-only");
    }

    @Test
    void updateInProgressJustBeforeTheSecondTicks() {
        CmosRtc rtc = rtc();
        assertEquals(0, cmos(rtc, CmosRtc.REGISTER_A) & CmosRtc.A_UIP);
        clock.now = Instant.parse("2024-03-09T13:45:07.999900Z");
        assertEquals(CmosRtc.A_UIP, cmos(rtc, CmosRtc.REGISTER_A) & CmosRtc.A_UIP);
    }

    @Test
    void memoryRegistersForTwoGiB() {
        CmosRtc rtc = new CmosRtc(clock, 2 * GIB, 0, guestLog);
        // (2048 - 16) MiB / 64 KiB = 0x7F00
        assertEquals(0x00, cmos(rtc, 0x34));
        assertEquals(0x7F, cmos(rtc, 0x35));
        assertEquals(0, cmos(rtc, 0x5B));
        assertEquals(0, cmos(rtc, 0x5C));
        assertEquals(0, cmos(rtc, 0x5D));
        assertEquals(0xFF, cmos(rtc, 0x30), "extended memory in KiB clamps at 0xFFFF");
        assertEquals(0xFF, cmos(rtc, 0x31));
        assertEquals(640, cmos(rtc, 0x15) | cmos(rtc, 0x16) << 8);
    }

    @Test
    void memoryRegistersForSixGiBSplitAtThreeGiB() {
        CmosRtc rtc = new CmosRtc(clock, 3 * GIB, 3 * GIB, guestLog);
        // (3072 - 16) MiB / 64 KiB = 0xBF00; 3 GiB / 64 KiB = 0x00C000
        assertEquals(0xBF00, cmos(rtc, 0x34) | cmos(rtc, 0x35) << 8);
        assertEquals(0x00, cmos(rtc, 0x5B));
        assertEquals(0xC0, cmos(rtc, 0x5C));
        assertEquals(0x00, cmos(rtc, 0x5D));
        // OVMF MemDetect.c: ((0x35 << 8 | 0x34) << 16) + 16 MiB
        long lowRam = ((long) (cmos(rtc, 0x34) | cmos(rtc, 0x35) << 8) << 16) + 16 * MIB;
        assertEquals(3 * GIB, lowRam);
    }

    @Test
    void memoryRegistersForSmallGuest() {
        CmosRtc rtc = new CmosRtc(clock, 32 * MIB, 0, guestLog);
        assertEquals(31 * 1024, cmos(rtc, 0x30) | cmos(rtc, 0x31) << 8);
        assertEquals(31 * 1024, cmos(rtc, 0x17) | cmos(rtc, 0x18) << 8);
        assertEquals(0x0100, cmos(rtc, 0x34) | cmos(rtc, 0x35) << 8);
    }

    @Test
    void fullLowMemoryAndLargeHighMemory() {
        CmosRtc rtc = new CmosRtc(clock, 4096 * MIB, 64 * GIB, guestLog);
        assertEquals(0xFF00, cmos(rtc, 0x34) | cmos(rtc, 0x35) << 8, "(4096 - 16) MiB / 64 KiB");
        assertEquals(0x10_0000, cmos(rtc, 0x5B) | cmos(rtc, 0x5C) << 8 | cmos(rtc, 0x5D) << 16);
    }

    @Test
    void cmosRamKeepsWrites() {
        CmosRtc rtc = rtc();
        setCmos(rtc, 0x40, 0x5A);
        setCmos(rtc, 0x7F, 0xA5);
        assertEquals(0x5A, cmos(rtc, 0x40));
        assertEquals(0xA5, cmos(rtc, 0x7F));
    }

    @Test
    void guestSetsTimeWithSetBitAndTheClockRunsOn() {
        CmosRtc rtc = rtc();
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_SET | CmosRtc.B_24_HOUR);
        // 31 January -> 28 February 2025, month first: only valid once all fields are in
        setCmos(rtc, CmosRtc.MONTH, 0x02);
        setCmos(rtc, CmosRtc.DAY_OF_MONTH, 0x28);
        setCmos(rtc, CmosRtc.YEAR, 0x25);
        setCmos(rtc, CmosRtc.HOURS, 0x08);
        setCmos(rtc, CmosRtc.MINUTES, 0x00);
        setCmos(rtc, CmosRtc.SECONDS, 0x00);
        assertEquals(0x08, cmos(rtc, CmosRtc.HOURS), "frozen while SET");
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_24_HOUR);
        assertEquals(LocalDateTime.of(2025, 2, 28, 8, 0, 0), rtc.guestTime().withNano(0));
        clock.now = clock.now.plus(Duration.ofSeconds(75));
        assertEquals(0x01, cmos(rtc, CmosRtc.MINUTES));
        assertEquals(0x15, cmos(rtc, CmosRtc.SECONDS));
    }

    @Test
    void invalidTimeIsRefused() {
        CmosRtc rtc = rtc();
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_SET | CmosRtc.B_24_HOUR);
        setCmos(rtc, CmosRtc.MONTH, 0x13);
        setCmos(rtc, CmosRtc.REGISTER_B, CmosRtc.B_24_HOUR);
        assertEquals(LocalDateTime.of(2024, 3, 9, 13, 45, 7), rtc.guestTime().withNano(0));
    }

    @Test
    void singleFieldWriteWhileRunning() {
        CmosRtc rtc = rtc();
        setCmos(rtc, CmosRtc.HOURS, 0x02);
        assertEquals(0x02, cmos(rtc, CmosRtc.HOURS));
        assertEquals(0x45, cmos(rtc, CmosRtc.MINUTES));
    }

    @Test
    void aGuestSettingImpossibleTimesInALoopLogsAFewHundredLinesAtMost() {
        CmosRtc rtc = rtc();
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 10_000; i++) {
                setCmos(rtc, CmosRtc.MONTH, 0x13); // month 13: a single-field write thaws at once and is refused
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1,
                    log.records().size() + " lines logged");
        }
    }

    /**
     * MC146818A Table 2: a year and a century are 0-99 and a BCD byte has two decimal digits. A field outside that is
     * as impossible as the 13th month (found by CmosRtcFuzzTest: a century of 189 written in binary mode made the
     * year 18924, and the century register then read 0xBD).
     */
    @Test
    void fieldsOutsideTheirRegistersRangeAreRefusedLikeImpossibleDates() {
        LocalDateTime before = LocalDateTime.of(2024, 3, 9, 13, 45, 7);
        CmosRtc binary = rtc();
        setCmos(binary, CmosRtc.REGISTER_B, CmosRtc.B_BINARY | CmosRtc.B_24_HOUR);
        setCmos(binary, CmosRtc.CENTURY, 189);
        assertEquals(before, binary.guestTime().withNano(0), "century 189");
        setCmos(binary, CmosRtc.YEAR, 255);
        assertEquals(before, binary.guestTime().withNano(0), "year 255");
        assertEquals(20, cmos(binary, CmosRtc.CENTURY));
        CmosRtc bcd = rtc();
        setCmos(bcd, CmosRtc.YEAR, 0x9A);
        assertEquals(before, bcd.guestTime().withNano(0), "BCD year 0x9A");
        setCmos(bcd, CmosRtc.SECONDS, 0x1F);
        assertEquals(before, bcd.guestTime().withNano(0), "BCD seconds 0x1F");
        setCmos(bcd, CmosRtc.REGISTER_B, 0); // 12-hour
        setCmos(bcd, CmosRtc.HOURS, 0x00);
        assertEquals(before, bcd.guestTime().withNano(0), "hour 0 in 12-hour mode");
        assertEquals(0x81, cmos(bcd, CmosRtc.HOURS), "1 PM");
        setCmos(bcd, CmosRtc.HOURS, 0x12); // 12 AM, a valid 12-hour hour: taken
        assertEquals(before.withHour(0), bcd.guestTime().withNano(0), "the next good write");
    }
}
