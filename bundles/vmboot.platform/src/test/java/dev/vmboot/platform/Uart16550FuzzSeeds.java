package dev.vmboot.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link Uart16550FuzzTest#registers} under src/test/resources, in its input format: what
 * Linux's 8250 driver and EDK2's SerialPortLib do (probe, divisor, FIFO, loopback test, interrupts, transmit, receive),
 * and a console that fails. Run from the module directory.
 */
final class Uart16550FuzzSeeds {

    private static final int THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        Program(int setup) {
            u8(setup);
        }

        Program outb(int register, int value) {
            u8(Uart16550FuzzTest.OP_WRITE | register).u8(value);
            return this;
        }

        /** A 2-byte write (opcode bits 4:3 = 2). */
        Program outw(int register, int value) {
            u8(Uart16550FuzzTest.OP_WRITE | 0x10 | register).u16(value);
            return this;
        }

        Program inb(int register) {
            u8(Uart16550FuzzTest.OP_READ | register);
            return this;
        }

        /** A 4-byte read (opcode bits 4:3 = 3). */
        Program inl(int register) {
            u8(Uart16550FuzzTest.OP_READ | 0x18 | register);
            return this;
        }

        Program receive(int b) {
            u8(Uart16550FuzzTest.OP_RECEIVE).u8(b);
            return this;
        }

        Program offer(String text) {
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            u8(Uart16550FuzzTest.OP_OFFER).u8(b.length);
            for (byte x : b) {
                u8(x);
            }
            return this;
        }

        Program transmit(String text) {
            for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
                outb(THR, b);
            }
            return this;
        }

        Program checkInterrupt() {
            u8(Uart16550FuzzTest.OP_CHECK_INTERRUPT);
            return this;
        }

        Program drain() {
            u8(Uart16550FuzzTest.OP_DRAIN);
            return this;
        }

        /** 115200 8N1 as EDK2's SerialPortInitialize and Linux's serial8250_do_set_termios program it. */
        Program init() {
            return outb(LCR, 0x80).outb(THR, 0x01).outb(IER, 0x00).outb(LCR, 0x03);
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/platform/Uart16550FuzzTestInputs/registers");
        // Linux's autoconfig: scratch register, IER probe, loopback test of the modem lines, FIFO probe
        new Program(0).outb(SCR, 0xA5).inb(SCR).outb(IER, 0x0F).inb(IER).outb(IER, 0).outb(MCR, 0x1A).inb(MSR)
                .outb(MCR, 0x1F).inb(MSR).outb(MCR, 0x0B).outb(FCR, 0x01).inb(FCR).outb(FCR, 0xC7).inb(FCR)
                .outb(FCR, 0).writeTo(dir, "linux-autoconfig");
        // EDK2: 8N1, FIFO on, transmit waiting on LSR.THRE, poll for input
        new Program(0).init().outb(FCR, 0x07).outb(MCR, 0x03).inb(LSR).transmit("BdsDxe: loading Boot0001\r\n")
                .offer("\r").inb(LSR).inb(THR).inb(LSR).writeTo(dir, "edk2-console");
        // Linux with interrupts: THRE on enable, received data at the trigger level, a line status overrun
        new Program(0).init().outb(FCR, 0xC7).outb(MCR, 0x0B).outb(IER, 0x07).checkInterrupt().checkInterrupt()
                .transmit("login: ").checkInterrupt().offer("root\n").checkInterrupt().drain().offer("0123456789abcdef")
                .receive('X').checkInterrupt().inb(LSR).drain().checkInterrupt().writeTo(dir, "linux-interrupts");
        // FIFO off: one byte of room; loopback echoes THR into RBR, a second byte overruns
        new Program(0).init().outb(MCR, 0x10).transmit("ab").inb(LSR).inb(THR).inb(LSR).outb(MCR, 0).receive('c')
                .receive('d').inb(LSR).drain().writeTo(dir, "loopback-overrun");
        // FCR resets the receiver: clearing it with bytes waiting, switching the FIFO off, then on again
        new Program(0).init().outb(FCR, 0x01).offer("abc").inb(LSR).outb(FCR, 0x03).inb(LSR).offer("def").inb(THR)
                .outb(FCR, 0x00).inb(LSR).offer("gh").outb(FCR, 0x01).inb(LSR).offer("ij").drain()
                .writeTo(dir, "fifo-reset");
        // wide accesses: a word write spanning LCR and MCR, a dword read across the end of the registers
        new Program(0).outw(LCR, 0x1003).inl(LSR).inl(THR).outw(MSR, 0xFFFF).inb(SCR).drain()
                .writeTo(dir, "wide-accesses");
        // a console that takes 4 bytes and then fails: one warning, later output dropped
        Program broken = new Program(Uart16550FuzzTest.SETUP_BROKEN_OUTPUT);
        broken.u8(4);
        broken.init().transmit("Linux version 6.1").offer("x").drain().writeTo(dir, "broken-console");
    }

    private Uart16550FuzzSeeds() {
    }
}
