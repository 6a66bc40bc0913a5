package dev.vmboot.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;

/**
 * The 16550 UART under a guest driving its eight registers with any access (width 1, 2 or 4 at any offset, as a
 * guest's IN/OUT may) while bytes arrive from the line ({@code receive}) and from the console ({@code offer}), the
 * shape of cloud-hypervisor's {@code fuzz_targets/serial.rs}. Nothing may be thrown, and a small model of what the
 * guest can rely on is checked against the device:
 * <ul>
 * <li>no byte is lost or invented: every byte the console offered and the UART accepted, and every byte looped back,
 * comes out of RBR in order unless the guest reset the FIFO; a byte arriving at a full receiver is refused and flagged
 * with LSR.OE, as on the wire; every byte written to THR (DLAB clear, not in loopback) reaches the output, in order,
 * until the output fails;</li>
 * <li>the receiver holds at most 16 bytes (1 with the FIFO off): the buffer is bounded whatever the guest or the
 * console does;</li>
 * <li>the interrupt line is asserted exactly when IIR names a pending interrupt, and is driven only on a change;</li>
 * <li>LSR, MSR, LCR, MCR and the FIFO bits of IIR read what the guest set up;</li>
 * <li>log output is bounded: one warning when the output fails, nothing else, however many bytes follow.</li>
 * </ul>
 * A normal build replays the inputs under {@code Uart16550FuzzTestInputs/registers} (written by
 * {@link Uart16550FuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: byte 0 bit 0 makes the output fail after byte 1's count of bytes; then operations, an opcode byte and its
 * operands each (the {@code OP_} constants).
 */
class Uart16550FuzzTest {

    static final int MAX_OPERATIONS = 4096;
    /** Byte 0 bit 0: the output stream throws once it has taken byte 1's count of bytes. */
    static final int SETUP_BROKEN_OUTPUT = 0x01;

    /** 0x00-0x5F: a write; {@code b & 7} the register, {@link #size(int)} the width, then the value's bytes. */
    static final int OP_WRITE = 0x00;
    /** 0x60-0x9F: a read; {@code b & 7} the register, {@link #size(int)} the width. */
    static final int OP_READ = 0x60;
    /** 0xA0-0xBF: a byte arrives on the line; operand: the byte. */
    static final int OP_RECEIVE = 0xA0;
    /** 0xC0-0xDF: the console offers bytes; operands: a count (mod 33) and the bytes. */
    static final int OP_OFFER = 0xC0;
    /** 0xE0-0xEF: IIR is read and compared with the interrupt line. */
    static final int OP_CHECK_INTERRUPT = 0xE0;
    /** 0xF0-0xFF: the guest reads LSR and RBR until no data is ready (after clearing DLAB). */
    static final int OP_DRAIN = 0xF0;

    private static final int[] SIZES = { 1, 1, 2, 4 };
    private static final int RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6;
    private static final int FIFO_SIZE = 16;

    /** The access width an opcode names: bits 4:3 pick 1, 1, 2 or 4 bytes, so bytes are the most common. */
    static int size(int opcode) {
        return SIZES[(opcode >>> 3) & 3];
    }

    @FuzzTest(maxDuration = "60s")
    void registers(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int setup = in.u8();
        int outputLimit = (setup & SETUP_BROKEN_OUTPUT) != 0 ? in.u8() : Integer.MAX_VALUE;
        try (LogLineCapture log = LogLineCapture.start(Uart16550.class.getName())) {
            Run run = new Run(in, outputLimit);
            run.run();
            int expectedLines = run.outputBroken ? 1 : 0;
            check(log.count() == expectedLines, "log records: " + log.count() + ", expected " + expectedLines + ": "
                    + log.firstRecords());
        }
    }

    /** An interrupt line that knows its level and counts the calls that did not change it. */
    private static final class Line implements InterruptLine {
        boolean level;
        int redundant;

        @Override
        public void set(boolean asserted) {
            if (asserted == level) {
                redundant++;
            }
            level = asserted;
        }
    }

    /** An output that takes {@code limit} bytes and then fails, as a closed console does. */
    private static final class Output extends OutputStream {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        final int limit;

        Output(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            if (taken.size() >= limit) {
                throw new IOException("console closed");
            }
            taken.write(b);
        }
    }

    /** The guest's program, the device and the model. */
    private static final class Run {
        private final FuzzInput in;
        private final Line line = new Line();
        private final Output output;
        private final Uart16550 uart;
        // the model
        private final ByteArrayOutputStream expectedOutput = new ByteArrayOutputStream();
        private final ArrayDeque<Byte> received = new ArrayDeque<>();
        private int lcr;
        private int mcr;
        private boolean fifos;
        private boolean overrun;
        boolean outputBroken;

        Run(FuzzInput in, int outputLimit) {
            this.in = in;
            this.output = new Output(outputLimit);
            this.uart = new Uart16550(output, line);
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_READ) {
                    write(code & 7, size(code), (int) in.bytes(size(code)));
                } else if (code < OP_RECEIVE) {
                    read(code & 7, size(code));
                } else if (code < OP_OFFER) {
                    receive((byte) in.u8());
                } else if (code < OP_CHECK_INTERRUPT) {
                    offer(in.u8() % (2 * FIFO_SIZE + 1));
                } else if (code < OP_DRAIN) {
                    checkInterrupt();
                } else {
                    drain();
                }
            }
            check(expectedOutput.toString().equals(output.taken.toString()), "output differs from what THR took");
            check(line.redundant == 0, "the interrupt line was driven " + line.redundant + " times without a change");
        }

        private void write(int offset, int size, int value) {
            uart.write(offset, size, value);
            for (int i = 0; i < size; i++) {
                writeModel(offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }

        private void writeModel(int register, int b) {
            switch (register) {
            case RBR_THR -> {
                if (dlab()) {
                    return;
                }
                if (loopback()) {
                    push((byte) b);
                } else if (!outputBroken) {
                    if (expectedOutput.size() >= output.limit) {
                        outputBroken = true;
                    } else {
                        expectedOutput.write(b);
                    }
                }
            }
            case IIR_FCR -> {
                boolean enable = (b & 1) != 0;
                if (enable != fifos || (enable && (b & 2) != 0)) {
                    received.clear();
                }
                fifos = enable;
            }
            case LCR -> lcr = b;
            case MCR -> mcr = b & 0x1F;
            default -> {
                // IER, LSR, MSR, SCR and offsets past the registers change nothing the model follows
            }
            }
        }

        private void read(int offset, int size) {
            int value = uart.read(offset, size);
            for (int i = 0; i < size; i++) {
                checkRead(offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }

        private void checkRead(int register, int b) {
            switch (register) {
            case RBR_THR -> {
                if (!dlab()) {
                    Byte expected = received.poll();
                    check(b == (expected == null ? 0 : expected & 0xFF), "RBR read " + b + ", expected " + expected);
                }
            }
            case IER -> check(dlab() || (b & 0xF0) == 0, "IER bits 7:4 set: " + b);
            case IIR_FCR -> check((b & 0xC0) == (fifos ? 0xC0 : 0) && (b & 0x30) == 0, "IIR " + b);
            case LCR -> check(b == lcr, "LCR " + b + ", set " + lcr);
            case MCR -> check(b == mcr, "MCR " + b + ", set " + mcr);
            case LSR -> {
                check(((b & 1) != 0) == !received.isEmpty(), "LSR.DR " + b + " with " + received.size() + " bytes");
                check(((b & 2) != 0) == overrun, "LSR.OE " + b + ", overrun " + overrun);
                check((b & 0x60) == 0x60, "THRE and TEMT must stay set: " + b);
                overrun = false;
            }
            case MSR -> check((b & 0xF0) == modemLines(), "MSR lines " + b + " with MCR " + mcr);
            default -> check(register < 8 || b == 0xFF, "past the registers: " + b);
            }
        }

        private void receive(byte b) {
            boolean kept = uart.receive(b);
            boolean expected = !loopback() && push(b);
            check(kept == expected, "receive kept " + kept + ", expected " + expected);
        }

        private void offer(int count) {
            byte[] bytes = new byte[count];
            for (int i = 0; i < count; i++) {
                bytes[i] = (byte) in.u8();
            }
            int taken = uart.offer(bytes, 0, count);
            int room = loopback() ? 0 : capacity() - received.size();
            check(taken == Math.min(count, room), "offer took " + taken + " of " + count + " with room " + room);
            for (int i = 0; i < taken; i++) {
                received.add(bytes[i]);
            }
        }

        private void checkInterrupt() {
            boolean asserted = line.level;
            int iir = uart.read(IIR_FCR, 1);
            check(((iir & 1) == 0) == asserted, "IIR " + iir + " but the line is " + (asserted ? "high" : "low"));
        }

        private void drain() {
            if (dlab()) {
                write(LCR, 1, lcr & 0x7F);
            }
            for (int bytes = 0; bytes <= FIFO_SIZE; bytes++) {
                read(LSR, 1);
                if (received.isEmpty()) {
                    return; // the model agreed that DR is clear
                }
                read(RBR_THR, 1);
            }
            throw new AssertionError("the receiver held more than " + FIFO_SIZE + " bytes");
        }

        /** Where a byte from the line or from loopback goes: kept if there is room, else an overrun. */
        private boolean push(byte b) {
            if (received.size() >= capacity()) {
                overrun = true;
                return false;
            }
            received.add(b);
            return true;
        }

        private int capacity() {
            return fifos ? FIFO_SIZE : 1;
        }

        private boolean dlab() {
            return (lcr & 0x80) != 0;
        }

        private boolean loopback() {
            return (mcr & 0x10) != 0;
        }

        /** 16550D datasheet, 8.8 MCR bit 4: in loopback RTS, DTR, OUT1, OUT2 drive CTS, DSR, RI, DCD. */
        private int modemLines() {
            if (!loopback()) {
                return 0xB0; // CTS, DSR, DCD: a present, ready peer
            }
            return ((mcr & 0x02) != 0 ? 0x10 : 0) | ((mcr & 0x01) != 0 ? 0x20 : 0) | ((mcr & 0x04) != 0 ? 0x40 : 0)
                    | ((mcr & 0x08) != 0 ? 0x80 : 0);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
