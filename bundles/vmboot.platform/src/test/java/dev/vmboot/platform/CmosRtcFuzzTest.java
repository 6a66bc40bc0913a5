package dev.vmboot.platform;

import java.time.Instant;
import java.time.LocalDate;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;

/**
 * The CMOS/RTC under a guest writing the index port and reading and writing the data port in any order and width, the
 * host clock moving between accesses (cloud-hypervisor's {@code fuzz_targets/cmos.rs} shape), with now and then the
 * whole set-the-time sequence Linux's {@code mc146818_set_time} performs. Nothing may be thrown, and:
 * <ul>
 * <li>the 114 bytes of CMOS RAM read back what the guest wrote, register A without its read-only UIP bit, register B
 * as written; C reads 0 and D reads VRT; the index port reads as all ones;</li>
 * <li>while the clock runs, every time register holds a valid value in the mode register B selects (BCD or binary,
 * 12 or 24 hours): whatever the guest wrote before, the RTC never shows an impossible time;</li>
 * <li>while SET halts the clock, UIP reads 0 and the time registers read what the guest wrote, or the time when SET
 * came, valid in the mode before (the MC146818A does not convert them when the mode changes);</li>
 * <li>a valid time set through SET reads back as set; the NMI-disable bit follows the last index write;</li>
 * <li>at most {@link LogLineCapture#GUEST_LOG_BUDGET} log lines (an invalid time is a debug message, which this
 * module's tests print, through the machine's {@link dev.vmboot.api.device.GuestLogLimiter}).</li>
 * </ul>
 * A normal build replays the inputs under {@code CmosRtcFuzzTestInputs/ports} (written by {@link CmosRtcFuzzSeeds});
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: u32 seconds since 1970 for the host clock, u16 MiB of RAM below 4 GiB (mod 4097) and above it; then
 * operations, an opcode byte and its operands each (the {@code OP_} constants).
 */
class CmosRtcFuzzTest {

    static final int MAX_OPERATIONS = 4096;

    /** 0x00-0x3F: the index port; operand: the byte (bit 7 disables NMI). */
    static final int OP_INDEX = 0x00;
    /** 0x40-0x7F: a read of the data port, width {@link Uart16550FuzzTest#size(int)}. */
    static final int OP_READ = 0x40;
    /** 0x80-0xBF: a byte written to the data port; operand: the byte. */
    static final int OP_WRITE = 0x80;
    /** 0xC0-0xCF: a raw access: bit 0 the port, bit 1 read or write, bits 3:2 the width; a write's value follows. */
    static final int OP_RAW = 0xC0;
    /** 0xD0-0xDF: the host clock moves: u16 milliseconds, or (bit 0) u16 hours. */
    static final int OP_TICK = 0xD0;
    /** 0xE0-0xEF: Linux's set-the-time sequence; operands: second, minute, hour, day, month, year, century bytes. */
    static final int OP_SET_TIME = 0xE0;

    private static final int[] SIZES = { 1, 2, 4, 1 };
    private static final int REGISTER_A = 0x0A, REGISTER_B = 0x0B, REGISTER_C = 0x0C, REGISTER_D = 0x0D;
    private static final int SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07,
            MONTH = 0x08, YEAR = 0x09, CENTURY = 0x32;
    private static final int[] TIME_REGISTERS = { SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR,
        CENTURY };
    private static final int B_SET = 0x80, B_BINARY = 0x04, B_24_HOUR = 0x02;

    @FuzzTest(maxDuration = "60s")
    void ports(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        ManualClock clock = new ManualClock(Instant.ofEpochSecond(in.u32()));
        long mib = 1L << 20;
        CmosRtc rtc = new CmosRtc(clock, (in.u16() % 4097) * mib, in.u16() * mib, GuestLogLimiter.perMinute("VM fuzz"));
        try (LogLineCapture log = LogLineCapture.start(CmosRtc.class.getName())) {
            new Run(in, clock, rtc).run();
            check(log.count() <= LogLineCapture.GUEST_LOG_BUDGET, log.count() + " log records: " + log.firstRecords());
        }
    }

    /** The guest's program, the device and the model. */
    private static final class Run {
        private final FuzzInput in;
        private final ManualClock clock;
        private final CmosRtc rtc;
        /** What each register should read when the model knows it; -1 where it does not (a running time register). */
        private final int[] expected = new int[128];
        private int index;
        private boolean nmiDisabled;
        /** Register B before SET halted the clock: the mode the time registers were copied in. */
        private int copiedInMode;

        Run(FuzzInput in, ManualClock clock, CmosRtc rtc) {
            this.in = in;
            this.clock = clock;
            this.rtc = rtc;
            for (int r = 0; r < expected.length; r++) {
                rtc.write(0, 1, r);
                expected[r] = rtc.read(1, 1) & 0xFF; // what the machine was made with
            }
            for (int r : TIME_REGISTERS) {
                expected[r] = -1;
            }
            expected[REGISTER_A] &= 0x7F;
            rtc.write(0, 1, 0);
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_READ) {
                    writePort(0, 1, in.u8());
                } else if (code < OP_WRITE) {
                    readPort(1, SIZES[(code >>> 3) & 3]);
                } else if (code < OP_RAW) {
                    writePort(1, 1, in.u8());
                } else if (code < OP_TICK) {
                    int port = code & 1;
                    int size = SIZES[(code >>> 2) & 3];
                    if ((code & 2) != 0) {
                        writePort(port, size, (int) in.bytes(size));
                    } else {
                        readPort(port, size);
                    }
                } else if (code < OP_SET_TIME) {
                    int amount = in.u16();
                    clock.now = clock.now.plusMillis((code & 1) != 0 ? amount * 3_600_000L : amount);
                } else {
                    setTime();
                }
                check(rtc.nmiDisabled() == nmiDisabled, "NMI disable " + rtc.nmiDisabled());
            }
        }

        private void writePort(int port, int size, int value) {
            rtc.write(port, size, value);
            if (port == 0) {
                index = value & 0x7F;
                nmiDisabled = (value & 0x80) != 0;
                return;
            }
            int b = value & 0xFF;
            switch (index) {
            case REGISTER_A -> expected[REGISTER_A] = b & 0x7F;
            case REGISTER_B -> {
                boolean wasFrozen = frozen();
                int before = expected[REGISTER_B];
                expected[REGISTER_B] = b;
                if (frozen() && !wasFrozen) {
                    // the running time, copied in the mode before this write: checked for validity, not value
                    copiedInMode = before;
                    for (int r : TIME_REGISTERS) {
                        expected[r] = -1;
                    }
                }
            }
            case REGISTER_C, REGISTER_D -> {
                // read-only
            }
            default -> expected[index] = isTimeRegister(index) && !frozen() ? -1 : b;
            }
        }

        private void readPort(int port, int size) {
            int value = rtc.read(port, size);
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            if (port == 0) {
                check((value & mask) == mask, "the index port is write-only: " + value);
                return;
            }
            int b = value & 0xFF;
            switch (index) {
            case REGISTER_A -> {
                check((b & 0x7F) == expected[REGISTER_A], "register A " + b);
                check(!frozen() || (b & 0x80) == 0, "UIP while SET halts updates");
            }
            case REGISTER_C -> check(b == 0, "register C " + b);
            case REGISTER_D -> check(b == 0x80, "register D " + b);
            default -> {
                if (isTimeRegister(index) && !frozen()) {
                    checkTimeRegister(index, b, expected[REGISTER_B]);
                } else if (isTimeRegister(index) && expected[index] < 0) {
                    checkTimeRegister(index, b, copiedInMode);
                } else {
                    check(b == expected[index], String.format("register 0x%x read 0x%x, expected 0x%x", index, b,
                            expected[index]));
                }
            }
            }
        }

        /** A valid value for the field in the mode register B value {@code mode} selects. */
        private static void checkTimeRegister(int register, int b, int mode) {
            boolean binary = (mode & B_BINARY) != 0;
            boolean twentyFourHour = (mode & B_24_HOUR) != 0;
            int hourValue = twentyFourHour ? b : b & 0x7F;
            boolean ok = switch (register) {
            case SECONDS, MINUTES -> inRange(b, 0, 59, binary);
            case HOURS -> twentyFourHour ? inRange(hourValue, 0, 23, binary) : inRange(hourValue, 1, 12, binary);
            case DAY_OF_WEEK -> inRange(b, 1, 7, binary);
            case DAY_OF_MONTH -> inRange(b, 1, 31, binary);
            case MONTH -> inRange(b, 1, 12, binary);
            default -> inRange(b, 0, 99, binary); // year, century
            };
            check(ok, String.format("register 0x%x reads 0x%x, not a valid %s value", register, b,
                    binary ? "binary" : "BCD"));
        }

        private static boolean inRange(int raw, int low, int high, boolean binary) {
            if (binary) {
                return raw >= low && raw <= high;
            }
            int hi = raw >>> 4;
            int lo = raw & 0x0F;
            return hi <= 9 && lo <= 9 && hi * 10 + lo >= low && hi * 10 + lo <= high;
        }

        /**
         * Linux's mc146818_set_time: SET, the fields in the current mode, SET cleared; a valid date reads back as
         * written (the clock does not move meanwhile).
         */
        private void setTime() {
            int second = in.u8() % 60;
            int minute = in.u8() % 60;
            int hour = in.u8() % 24;
            int day = in.u8() % 28 + 1;
            int month = in.u8() % 12 + 1;
            int year = in.u8() % 100;
            int century = 19 + in.u8() % 3;
            int b = expected[REGISTER_B];
            select(REGISTER_B);
            writePort(1, 1, b | B_SET);
            int[] values = { encode(second), encode(minute), encodeHour(hour),
                LocalDate.of(century * 100 + year, month, day).getDayOfWeek().getValue() % 7 + 1, encode(day),
                encode(month), encode(year), encode(century) };
            for (int i = 0; i < TIME_REGISTERS.length; i++) {
                select(TIME_REGISTERS[i]);
                writePort(1, 1, values[i]);
            }
            select(REGISTER_B);
            writePort(1, 1, b & ~B_SET);
            for (int i = 0; i < TIME_REGISTERS.length; i++) {
                select(TIME_REGISTERS[i]);
                int read = rtc.read(1, 1) & 0xFF;
                check(read == values[i], String.format("register 0x%x reads 0x%x after setting 0x%x",
                        TIME_REGISTERS[i], read, values[i]));
            }
        }

        private void select(int register) {
            writePort(0, 1, register | (nmiDisabled ? 0x80 : 0));
        }

        private int encode(int value) {
            return binary() ? value : (value / 10) << 4 | value % 10;
        }

        private int encodeHour(int hour) {
            if (twentyFourHour()) {
                return encode(hour);
            }
            int h12 = hour % 12 == 0 ? 12 : hour % 12;
            return encode(h12) | (hour >= 12 ? 0x80 : 0);
        }

        private boolean frozen() {
            return (expected[REGISTER_B] & B_SET) != 0;
        }

        private boolean binary() {
            return (expected[REGISTER_B] & B_BINARY) != 0;
        }

        private boolean twentyFourHour() {
            return (expected[REGISTER_B] & B_24_HOUR) != 0;
        }

        private static boolean isTimeRegister(int register) {
            for (int r : TIME_REGISTERS) {
                if (r == register) {
                    return true;
                }
            }
            return false;
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
