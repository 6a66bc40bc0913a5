package dev.vmboot.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.PortIoDevice;

/**
 * A National Semiconductor 16550D UART (the PC's COM port) as Linux's 8250 driver and EDK2's SerialPortLib drive it.
 * Transmission is instantaneous: the transmitter is always empty, bytes go straight to the output stream. Received
 * bytes come from {@link #receive(byte)} (as on the wire, overrunning a full receiver) or {@link #offer} /
 * {@link #pumpInput(InputStream)} (waiting for room, never losing a byte). The interrupt line is level-triggered:
 * asserted while an enabled interrupt is pending. Thread-safe: vCPU threads and an input thread may call it at once.
 */
public final class Uart16550 implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(Uart16550.class);

    /** IBM PC/AT: COM1 at I/O 0x3F8, ISA IRQ 4. */
    public static final int COM1_BASE = 0x3F8;
    public static final int COM1_IRQ = 4;
    /** Eight byte-wide registers. */
    public static final int LENGTH = 8;

    // 16550D datasheet, Table 2 "Register Summary": register offsets
    private static final int RBR_THR = 0; // DLL when LCR.DLAB
    private static final int IER = 1; // DLM when LCR.DLAB
    private static final int IIR_FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    // 16550D datasheet, 8.4 Interrupt Enable Register
    static final int IER_RX_DATA = 0x01;
    static final int IER_THR_EMPTY = 0x02;
    static final int IER_LINE_STATUS = 0x04;
    static final int IER_MODEM_STATUS = 0x08;

    // 16550D datasheet, 8.5 Interrupt Identification Register, Table 4 (bit 0 = 1: nothing pending)
    static final int IIR_NONE = 0x01;
    static final int IIR_LINE_STATUS = 0x06;
    static final int IIR_RX_DATA = 0x04;
    static final int IIR_RX_TIMEOUT = 0x0C;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_MODEM_STATUS = 0x00;
    static final int IIR_FIFOS_ENABLED = 0xC0;

    // 16550D datasheet, 8.6 FIFO Control Register
    private static final int FCR_FIFO_ENABLE = 0x01;
    private static final int FCR_CLEAR_RX = 0x02;
    private static final int[] FCR_RX_TRIGGER = { 1, 4, 8, 14 };

    // 16550D datasheet, 8.2 Line Control Register bit 7
    static final int LCR_DLAB = 0x80;

    // 16550D datasheet, 8.8 Modem Control Register
    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;

    // 16550D datasheet, 8.7 Line Status Register
    static final int LSR_DATA_READY = 0x01;
    static final int LSR_OVERRUN = 0x02;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_TRANSMITTER_EMPTY = 0x40;

    // 16550D datasheet, 8.9 Modem Status Register: deltas in bits 3:0, lines in bits 7:4
    static final int MSR_DCTS = 0x01;
    static final int MSR_DDSR = 0x02;
    static final int MSR_TERI = 0x04;
    static final int MSR_DDCD = 0x08;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;

    /** 16550D datasheet, 1 Features: 16-byte receive FIFO. */
    private static final int FIFO_SIZE = 16;

    private final OutputStream output;
    private final InterruptLine interrupt;

    private final byte[] rxFifo = new byte[FIFO_SIZE];
    private int rxHead;
    private int rxCount;

    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisorLow = 0x0C; // 9600 baud until software programs it
    private int divisorHigh;
    private boolean fifosEnabled;
    private int rxTrigger = 1;
    private int lineErrors;
    private int modemDeltas;
    private boolean thrEmptyPending;
    private boolean lineAsserted;
    private boolean outputBroken;

    public Uart16550(OutputStream output, InterruptLine interrupt) {
        this.output = Objects.requireNonNull(output, "output");
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
    }

    @Override
    public synchronized int read(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= readRegister(offset + i) << (8 * i);
        }
        return value;
    }

    @Override
    public synchronized void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            writeRegister(offset + i, (value >>> (8 * i)) & 0xFF);
        }
    }

    /** The divisor latch (baud rate = 115200 / divisor). */
    public synchronized int divisor() {
        return divisorHigh << 8 | divisorLow;
    }

    /**
     * A byte arriving on the serial line. As on real hardware, a byte arriving at a full receiver is lost and sets
     * LSR.OE. Ignored in loopback mode, where the receiver is disconnected from the line.
     *
     * @return whether the byte was kept
     */
    public synchronized boolean receive(byte b) {
        if (loopback()) {
            return false;
        }
        boolean kept = pushReceived(b);
        updateInterrupt();
        return kept;
    }

    /**
     * Accepts as many of {@code bytes[offset..offset+length)} as the receiver has room for without overrunning.
     *
     * @return how many bytes were accepted (0 when full or in loopback mode)
     */
    public synchronized int offer(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (loopback()) {
            return 0;
        }
        int n = Math.min(length, capacity() - rxCount);
        for (int i = 0; i < n; i++) {
            pushReceived(bytes[offset + i]);
        }
        updateInterrupt();
        return n;
    }

    /**
     * Waits until the receiver can take a byte from the line.
     *
     * @return false when {@code timeoutMillis} passed first
     */
    public synchronized boolean awaitReceiveSpace(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeoutMillis, Long.MAX_VALUE / 4_000_000L) * 1_000_000L;
        while (loopback() || rxCount >= capacity()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * Feeds bytes typed for the guest from {@code input} until it ends or the thread is interrupted, waiting for the
     * guest to drain the receiver instead of overrunning it.
     */
    public void pumpInput(InputStream input) throws IOException, InterruptedException {
        byte[] buffer = new byte[FIFO_SIZE];
        int n;
        while ((n = input.read(buffer)) > 0) {
            int done = 0;
            while (done < n) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                done += offer(buffer, done, n - done);
                if (done < n) {
                    awaitReceiveSpace(100);
                }
            }
        }
    }

    private int readRegister(int register) {
        switch (register) {
        case RBR_THR:
            return dlab() ? divisorLow : readReceiver();
        case IER:
            return dlab() ? divisorHigh : ier;
        case IIR_FCR:
            return readInterruptIdentification();
        case LCR:
            return lcr;
        case MCR:
            return mcr;
        case LSR:
            return readLineStatus();
        case MSR:
            return readModemStatus();
        case SCR:
            return scr;
        default:
            return 0xFF;
        }
    }

    private void writeRegister(int register, int value) {
        switch (register) {
        case RBR_THR:
            if (dlab()) {
                divisorLow = value;
            } else {
                transmit((byte) value);
            }
            break;
        case IER:
            if (dlab()) {
                divisorHigh = value;
            } else {
                writeInterruptEnable(value);
            }
            break;
        case IIR_FCR:
            writeFifoControl(value);
            break;
        case LCR:
            lcr = value;
            break;
        case MCR:
            writeModemControl(value);
            break;
        case SCR:
            scr = value;
            break;
        default:
            // LSR and MSR are read-only (writing them is a factory test mode).
            break;
        }
    }

    private int readReceiver() {
        if (rxCount == 0) {
            return 0;
        }
        int value = rxFifo[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        notifyAll();
        updateInterrupt();
        return value;
    }

    private int readInterruptIdentification() {
        int id = pendingInterrupt();
        if (id == IIR_THR_EMPTY) {
            // 16550D datasheet, Table 4: reading IIR (when THRE is the source) clears the THRE interrupt.
            thrEmptyPending = false;
            updateInterrupt();
        }
        return id | (fifosEnabled ? IIR_FIFOS_ENABLED : 0);
    }

    private int readLineStatus() {
        int value = (rxCount > 0 ? LSR_DATA_READY : 0) | lineErrors | LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY;
        lineErrors = 0; // reading LSR clears the error bits and the line status interrupt
        updateInterrupt();
        return value;
    }

    private int readModemStatus() {
        int value = modemLines() | modemDeltas;
        modemDeltas = 0; // reading MSR clears the deltas and the modem status interrupt
        updateInterrupt();
        return value;
    }

    private void transmit(byte b) {
        if (loopback()) {
            pushReceived(b);
        } else if (!outputBroken) {
            try {
                output.write(b);
                output.flush();
            } catch (IOException e) {
                outputBroken = true;
                LOG.warn("serial output failed, dropping further output: {}", e.toString());
            }
        }
        // The byte left the THR at once, so THR is empty again and THRE re-arms.
        thrEmptyPending = true;
        updateInterrupt();
    }

    private void writeInterruptEnable(int value) {
        int enabled = value & 0x0F;
        if ((enabled & IER_THR_EMPTY) != 0 && (ier & IER_THR_EMPTY) == 0) {
            // 8250 behaviour Linux relies on (serial8250_startup's THRE test): enabling ETBEI while THR is empty
            // raises the THRE interrupt.
            thrEmptyPending = true;
        }
        ier = enabled;
        updateInterrupt();
    }

    private void writeFifoControl(int value) {
        boolean enable = (value & FCR_FIFO_ENABLE) != 0;
        if (enable != fifosEnabled || (enable && (value & FCR_CLEAR_RX) != 0)) {
            rxHead = 0;
            rxCount = 0; // switching FIFO mode, or FCR bit 1, resets the receive FIFO
            notifyAll();
        }
        fifosEnabled = enable;
        rxTrigger = enable ? FCR_RX_TRIGGER[(value >>> 6) & 3] : 1;
        updateInterrupt();
    }

    private void writeModemControl(int value) {
        int before = modemLines();
        mcr = value & 0x1F;
        int after = modemLines();
        int changed = before ^ after;
        if ((changed & MSR_CTS) != 0) {
            modemDeltas |= MSR_DCTS;
        }
        if ((changed & MSR_DSR) != 0) {
            modemDeltas |= MSR_DDSR;
        }
        if ((before & MSR_RI) != 0 && (after & MSR_RI) == 0) {
            modemDeltas |= MSR_TERI; // trailing edge of RI only
        }
        if ((changed & MSR_DCD) != 0) {
            modemDeltas |= MSR_DDCD;
        }
        notifyAll();
        updateInterrupt();
    }

    /** The modem input lines: wired to MCR outputs in loopback mode, otherwise a present, ready peer. */
    private int modemLines() {
        if (!loopback()) {
            return MSR_CTS | MSR_DSR | MSR_DCD;
        }
        // 16550D datasheet, 8.8 MCR bit 4: RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD
        int lines = 0;
        lines |= (mcr & MCR_RTS) != 0 ? MSR_CTS : 0;
        lines |= (mcr & MCR_DTR) != 0 ? MSR_DSR : 0;
        lines |= (mcr & MCR_OUT1) != 0 ? MSR_RI : 0;
        lines |= (mcr & MCR_OUT2) != 0 ? MSR_DCD : 0;
        return lines;
    }

    private boolean pushReceived(byte b) {
        if (rxCount >= capacity()) {
            lineErrors |= LSR_OVERRUN;
            return false;
        }
        rxFifo[(rxHead + rxCount) % FIFO_SIZE] = b;
        rxCount++;
        return true;
    }

    /** 16550D datasheet, Table 4: priority line status, received data (or timeout), THR empty, modem status. */
    private int pendingInterrupt() {
        if ((ier & IER_LINE_STATUS) != 0 && lineErrors != 0) {
            return IIR_LINE_STATUS;
        }
        if ((ier & IER_RX_DATA) != 0 && rxCount > 0) {
            // Data below the trigger level is reported as a character timeout; no character times are modelled.
            return rxCount >= rxTrigger ? IIR_RX_DATA : IIR_RX_TIMEOUT;
        }
        if ((ier & IER_THR_EMPTY) != 0 && thrEmptyPending) {
            return IIR_THR_EMPTY;
        }
        if ((ier & IER_MODEM_STATUS) != 0 && modemDeltas != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NONE;
    }

    private void updateInterrupt() {
        boolean pending = pendingInterrupt() != IIR_NONE;
        if (pending != lineAsserted) {
            lineAsserted = pending;
            interrupt.set(pending);
        }
    }

    private int capacity() {
        return fifosEnabled ? FIFO_SIZE : 1;
    }

    private boolean dlab() {
        return (lcr & LCR_DLAB) != 0;
    }

    private boolean loopback() {
        return (mcr & MCR_LOOP) != 0;
    }
}
