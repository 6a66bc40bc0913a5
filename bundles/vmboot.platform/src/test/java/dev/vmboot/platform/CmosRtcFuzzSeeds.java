package dev.vmboot.platform;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link CmosRtcFuzzTest#ports} under src/test/resources, in its input format: what EDK2's
 * PcRtc and Linux's mc146818 code do (initialise registers A and B, wait for UIP, read the time, set it, read the
 * memory size bytes), in BCD, binary and 12-hour modes, and single time fields written without SET. Run from the
 * module directory.
 */
final class CmosRtcFuzzSeeds {

    /** 2024-03-09 13:45:07 UTC. */
    private static final long SOME_TIME = 1_709_991_907L;

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        Program(long epochSecond, int ramBelow4GiBMiB, int ramAbove4GiBMiB) {
            u32(epochSecond).u16(ramBelow4GiBMiB).u16(ramAbove4GiBMiB);
        }

        Program select(int register) {
            u8(CmosRtcFuzzTest.OP_INDEX).u8(register);
            return this;
        }

        Program read() {
            u8(CmosRtcFuzzTest.OP_READ);
            return this;
        }

        Program write(int value) {
            u8(CmosRtcFuzzTest.OP_WRITE).u8(value);
            return this;
        }

        Program in(int register) {
            return select(register).read();
        }

        Program out(int register, int value) {
            return select(register).write(value);
        }

        /** Linux's mc146818_get_time: wait for UIP to clear, then the fields. */
        Program readTime() {
            in(0x0A).in(0x0A);
            for (int r : new int[] { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32, 0x0B }) {
                in(r);
            }
            return this;
        }

        Program tickMillis(int millis) {
            u8(CmosRtcFuzzTest.OP_TICK).u16(millis);
            return this;
        }

        Program tickHours(int hours) {
            u8(CmosRtcFuzzTest.OP_TICK | 1).u16(hours);
            return this;
        }

        Program setTime(int second, int minute, int hour, int day, int month, int year, int century) {
            u8(CmosRtcFuzzTest.OP_SET_TIME).u8(second).u8(minute).u8(hour).u8(day).u8(month).u8(year).u8(century);
            return this;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/platform/CmosRtcFuzzTestInputs/ports");
        // EDK2 PcRtc: registers A and B, D's VRT, the time; OVMF MemDetect: the memory size bytes
        new Program(SOME_TIME, 2048, 0).out(0x0A, 0x26).out(0x0B, 0x02).in(0x0D).readTime().in(0x34).in(0x35)
                .in(0x5B).in(0x5C).in(0x5D).in(0x17).in(0x18).in(0x2E).in(0x2F).writeTo(dir, "edk2-init");
        // Linux: reading the time across a second and a day boundary, with NMI disabled on the index port
        new Program(SOME_TIME, 1024, 3072).select(0x80).read().readTime().tickMillis(999).in(0x0A).tickMillis(1)
                .readTime().tickHours(11).readTime().writeTo(dir, "linux-read-time");
        // setting the time in BCD 24-hour, binary 24-hour, BCD 12-hour and binary 12-hour
        new Program(SOME_TIME, 512, 0).setTime(59, 59, 23, 27, 11, 99, 1).readTime().out(0x0B, 0x06)
                .setTime(0, 0, 0, 0, 0, 0, 2).readTime().out(0x0B, 0x00).setTime(30, 15, 12, 14, 1, 24, 2)
                .readTime().out(0x0B, 0x04).setTime(1, 2, 0, 3, 4, 5, 0).readTime().writeTo(dir, "set-time-modes");
        // single fields written while the clock runs (hwclock's way on some kernels), one of them impossible
        new Program(SOME_TIME, 256, 0).out(0x00, 0x30).in(0x00).out(0x07, 0x31).out(0x08, 0x02).in(0x07)
                .out(0x00, 0x5A).readTime().writeTo(dir, "single-fields");
        // SET held: raw values stay as written, then released with an impossible date (kept the old time)
        new Program(SOME_TIME, 128, 0).out(0x0B, 0x82).out(0x00, 0x99).in(0x00).in(0x0A).out(0x07, 0x31)
                .out(0x08, 0x02).out(0x0B, 0x02).readTime().out(0x0C, 0xFF).in(0x0C).out(0x0D, 0).in(0x0D)
                .out(0x40, 0x5A).in(0x40).out(0x7F, 0xA5).in(0x7F).writeTo(dir, "set-held");
    }

    private CmosRtcFuzzSeeds() {
    }
}
