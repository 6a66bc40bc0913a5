package dev.vmboot.platform;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link PowerManagementFuzzTest#registers} under src/test/resources, in its input format:
 * OVMF's and Linux's power-off through PM1 control, CloudHv's through the sleep control port, a reset, the PM timer
 * read as Linux's acpi_pm clocksource and OVMF's timer library read it, and a few sleep types that are not supported.
 * Run from the module directory.
 */
final class PowerManagementFuzzSeeds {

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        Program(long startNanos) {
            u32(startNanos);
        }

        /** A 2-byte PM block write (opcode bits 4:3 = 2). */
        Program pmWriteWord(int offset, int value) {
            u8(PowerManagementFuzzTest.OP_PM_WRITE | 0x10).u8(offset).u16(value);
            return this;
        }

        Program pmWriteByte(int offset, int value) {
            u8(PowerManagementFuzzTest.OP_PM_WRITE).u8(offset).u8(value);
            return this;
        }

        /** A 4-byte PM block read (opcode bits 4:3 = 3). */
        Program pmReadDword(int offset) {
            u8(PowerManagementFuzzTest.OP_PM_READ | 0x18).u8(offset);
            return this;
        }

        Program pmReadWord(int offset) {
            u8(PowerManagementFuzzTest.OP_PM_READ | 0x10).u8(offset);
            return this;
        }

        Program sleepWrite(int value) {
            u8(PowerManagementFuzzTest.OP_SLEEP_WRITE).u8(value);
            return this;
        }

        Program sleepRead() {
            u8(PowerManagementFuzzTest.OP_SLEEP_READ);
            return this;
        }

        Program time(long nanos) {
            u8(PowerManagementFuzzTest.OP_TIME).u32(nanos);
            return this;
        }

        /** A 4-byte read of the 32-bit timer (opcode bits 4:3 = 3). */
        Program timerRead(int offset) {
            u8(PowerManagementFuzzTest.OP_TIMER_READ | 0x18).u8(offset);
            return this;
        }

        Program ovmfPowerOff() {
            u8(PowerManagementFuzzTest.OP_OVMF_POWER_OFF);
            return this;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/platform/PowerManagementFuzzTestInputs/registers");
        // Linux on the PIIX4 block: SCI_EN, PM1 status cleared, the timer read as a clocksource, S5 (type 0)
        new Program(1_000).pmWriteWord(0x04, 0x0001).pmWriteWord(0x00, 0xFFFF).pmWriteWord(0x02, 0x0100)
                .pmReadDword(0x08).time(279).pmReadDword(0x08).time(4_000_000_000L).pmReadDword(0x08).pmReadWord(0x00)
                .pmReadWord(0x04).pmWriteWord(0x04, 0x2001).pmReadWord(0x04).writeTo(dir, "linux-piix4-s5");
        // OVMF: its power-off, the timer past its 24-bit wrap, the block's end and beyond
        new Program(0).time(4_700_000_000L).pmReadDword(0x08).ovmfPowerOff().pmReadDword(0x3C).pmReadDword(0x3E)
                .pmWriteByte(0x3F, 0x5A).pmReadWord(0x3F).pmWriteByte(0x40, 1).writeTo(dir, "ovmf-power-off");
        // CloudHv: S5 through the sleep control port, the reset value, the 32-bit timer wrapping at 1200 s
        Program cloudHv = new Program(0xFFFF_0000L).timerRead(0).sleepRead().sleepWrite(0x01).sleepWrite(0x34);
        for (int i = 0; i < 300; i++) {
            cloudHv.time(4_000_000_000L);
        }
        cloudHv.timerRead(0).timerRead(1).timerRead(3).timerRead(4).writeTo(dir, "cloudhv-sleep-control");
        // sleep types that are not supported (S1, S3, S4), each reported, and nothing happens
        new Program(0).pmWriteWord(0x04, 0x2000 | 1 << 10).pmWriteWord(0x04, 0x2000 | 3 << 10)
                .pmWriteByte(0x05, 0x20 | 4 << 2).sleepWrite(0x20 | 3 << 2).sleepWrite(0x20 | 1 << 2)
                .sleepWrite(0x1C).writeTo(dir, "unsupported-sleep-types");
    }

    private PowerManagementFuzzSeeds() {
    }
}
