package dev.vmboot.platform;

import java.math.BigInteger;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;

/**
 * The power-management registers a guest pokes to sleep, power off and reset, and the PM timers it reads: the PIIX4
 * PM block ({@link Piix4PmRegisters}, 64 ports), cloud-hypervisor's ACPI sleep control port
 * ({@link AcpiSleepControl}) and the ACPI PM timer in both widths ({@link AcpiPmTimer}), under any access at any
 * offset and width while the host's time moves. Nothing may be thrown, and:
 * <ul>
 * <li>a power-off comes exactly from SLP_EN with the S5 sleep type (PM1 control type 0, sleep control type 5), a
 * reset exactly from the reset value 1 at the sleep control port; nothing else asks the machine for either;</li>
 * <li>PM1 status is write-1-to-clear (it reads 0: nothing sets it), SLP_EN reads 0, the timer bytes are read-only,
 * the other bytes read back what was written, accesses past the block read all ones;</li>
 * <li>the timers count 3.579545 MHz ticks of the time that passed, wrapped at 24 or 32 bits;</li>
 * <li>log output is bounded: an unsupported sleep type is reported, but however often the guest asks, at most
 * {@link LogLineCapture#GUEST_LOG_BUDGET} lines come out.</li>
 * </ul>
 * A normal build replays the inputs under {@code PowerManagementFuzzTestInputs/registers} (written by
 * {@link PowerManagementFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: u32 nanoseconds the host clock starts at; then operations, an opcode byte and its operands each (the
 * {@code OP_} constants).
 */
class PowerManagementFuzzTest {

    static final int MAX_OPERATIONS = 4096;

    /** 0x00-0x5F: a PM block write; operands: offset (mod 72, past the block too), then the value's bytes. */
    static final int OP_PM_WRITE = 0x00;
    /** 0x60-0x9F: a PM block read; operand: offset (mod 72). */
    static final int OP_PM_READ = 0x60;
    /** 0xA0-0xBF: a sleep control write; bit 0: at offset 1 instead of 0; then the value's bytes. */
    static final int OP_SLEEP_WRITE = 0xA0;
    /** 0xC0-0xCF: a sleep control read. */
    static final int OP_SLEEP_READ = 0xC0;
    /** 0xD0-0xDF: the host's time moves; operand: u32 nanoseconds. */
    static final int OP_TIME = 0xD0;
    /** 0xE0-0xEF: a read of the 32-bit PM timer; operand: offset (mod 5). */
    static final int OP_TIMER_READ = 0xE0;
    /** 0xF0-0xFF: OVMF's power-off: SLP_TYP 0 and SLP_EN in one 16-bit write to PM1 control. */
    static final int OP_OVMF_POWER_OFF = 0xF0;

    private static final int[] SIZES = { 1, 1, 2, 4 };
    private static final int PM_BLOCK = 64;
    private static final int PM1_CONTROL = 4;
    private static final int PM_TIMER = 8;
    private static final int SLP_EN = 1 << 13;
    private static final BigInteger FREQUENCY = BigInteger.valueOf(AcpiPmTimer.FREQUENCY_HZ);
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    @FuzzTest(maxDuration = "60s")
    void registers(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        try (LogLineCapture log = LogLineCapture.start("dev.vmboot.platform")) {
            Run run = new Run(in);
            run.run();
            check(log.count() <= LogLineCapture.GUEST_LOG_BUDGET, log.count() + " log records for "
                    + run.unsupported + " unsupported sleep requests: " + log.firstRecords());
            check(run.unsupported == 0 || log.count() > 0, "unsupported sleep requests went unreported");
        }
    }

    /** The guest's program, the devices and the model. */
    private static final class Run {
        private final FuzzInput in;
        private final RecordingPowerEvents power = new RecordingPowerEvents();
        private final long start;
        private long nanos;
        private final AcpiPmTimer timer24;
        private final AcpiPmTimer timer32;
        private final Piix4PmRegisters pm;
        private final AcpiSleepControl sleep;
        // the model
        private final byte[] registers = new byte[PM_BLOCK];
        /** One machine's budget of guest-caused log lines, as KvmVirtualMachine gives its devices. */
        private final GuestLogLimiter guestLog = GuestLogLimiter.perMinute("VM fuzz");
        /** The SCI: nothing here presses the power button, so no write of the guest may raise it. */
        private final RecordingInterruptLine sci = new RecordingInterruptLine();
        private int powerOffs;
        private int resets;
        int unsupported;

        Run(FuzzInput in) {
            this.in = in;
            start = in.u32();
            nanos = start;
            registers[PM1_CONTROL] = (byte) Piix4PmRegisters.SCI_EN;
            timer24 = new AcpiPmTimer(false, () -> nanos);
            timer32 = new AcpiPmTimer(true, () -> nanos);
            pm = new Piix4PmRegisters(timer24, power, sci, guestLog);
            sleep = new AcpiSleepControl(power, guestLog);
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                int size = SIZES[(code >>> 3) & 3];
                if (code < OP_PM_READ) {
                    pmWrite(in.u8() % (PM_BLOCK + 8), size, (int) in.bytes(size));
                } else if (code < OP_SLEEP_WRITE) {
                    pmRead(in.u8() % (PM_BLOCK + 8), size);
                } else if (code < OP_SLEEP_READ) {
                    sleepWrite(code & 1, size, (int) in.bytes(size));
                } else if (code < OP_TIME) {
                    check(sleep.read(0, size) == 0, "the sleep control register reads 0");
                } else if (code < OP_TIMER_READ) {
                    nanos += in.u32();
                } else if (code < OP_OVMF_POWER_OFF) {
                    timerRead(in.u8() % 5, size);
                } else {
                    pmWrite(PM1_CONTROL, 2, SLP_EN | Piix4PmRegisters.S5_SLEEP_TYPE << 10);
                }
                check(power.powerOffs == powerOffs && power.resets == resets, "power-offs " + power.powerOffs
                        + " and resets " + power.resets + ", expected " + powerOffs + " and " + resets);
            }
        }

        private void pmWrite(int offset, int size, int value) {
            pm.write(offset, size, value);
            if (offset + size > PM_BLOCK) {
                return;
            }
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                byte b = (byte) (value >>> (8 * i));
                if (at < 2) {
                    registers[at] &= (byte) ~b;
                } else if (at < PM_TIMER || at >= PM_TIMER + 4) {
                    registers[at] = b;
                }
            }
            int control = (registers[PM1_CONTROL] & 0xFF) | (registers[PM1_CONTROL + 1] & 0xFF) << 8;
            registers[PM1_CONTROL + 1] &= (byte) ~(SLP_EN >>> 8);
            registers[PM1_CONTROL] |= (byte) Piix4PmRegisters.SCI_EN; // always in ACPI mode
            check(!sci.asserted(), "the SCI is raised without a power button press");
            if (offset < PM1_CONTROL + 2 && PM1_CONTROL < offset + size && (control & SLP_EN) != 0) {
                if (((control >>> 10) & 7) == Piix4PmRegisters.S5_SLEEP_TYPE) {
                    powerOffs++;
                } else {
                    unsupported++;
                }
            }
        }

        private void pmRead(int offset, int size) {
            int value = pm.read(offset, size);
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            if (offset + size > PM_BLOCK) {
                check((value & mask) == mask, "past the PM block: " + value);
                return;
            }
            int ticks = ticks(0xFF_FFFFL);
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                int b = (value >>> (8 * i)) & 0xFF;
                int expected = at >= PM_TIMER && at < PM_TIMER + 4 ? (ticks >>> (8 * (at - PM_TIMER))) & 0xFF
                        : registers[at] & 0xFF;
                check(b == expected, String.format("PM block byte 0x%x reads 0x%x, expected 0x%x", at, b, expected));
            }
        }

        private void sleepWrite(int offset, int size, int value) {
            sleep.write(offset, size, value);
            if (offset != 0) {
                return;
            }
            int b = value & 0xFF;
            if (b == AcpiSleepControl.RESET_VALUE) {
                resets++;
            } else if ((b & 0x20) != 0) {
                if (((b >>> 2) & 7) == AcpiSleepControl.S5_SLEEP_TYPE) {
                    powerOffs++;
                } else {
                    unsupported++;
                }
            }
        }

        private void timerRead(int offset, int size) {
            int value = timer32.read(offset, size);
            if (offset >= AcpiPmTimer.LENGTH) {
                int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
                check((value & mask) == mask, "past the timer: " + value);
                return;
            }
            int expected = ticks(0xFFFF_FFFFL) >>> (8 * offset);
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            check(((value ^ expected) & mask) == 0, "timer " + value + ", expected " + expected);
        }

        /** ACPI 6.5, 4.8.3.3: whole ticks of 3.579545 MHz since the timers were made, wrapped. */
        private int ticks(long wrap) {
            BigInteger elapsed = BigInteger.valueOf(nanos - start);
            return (int) (elapsed.multiply(FREQUENCY).divide(NANOS_PER_SECOND).longValue() & wrap);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
