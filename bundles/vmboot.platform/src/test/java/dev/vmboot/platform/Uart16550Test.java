package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Uart16550Test {

    private static final int THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final RecordingInterruptLine irq = new RecordingInterruptLine();
    private final Uart16550 uart = new Uart16550(out, irq);

    private int in(int register) {
        return uart.read(register, 1) & 0xFF;
    }

    private void outb(int register, int value) {
        uart.write(register, 1, value);
    }

    @Test
    void divisorLatchIsBehindDlab() {
        outb(LCR, 0x80);
        outb(THR, 0x01);
        outb(IER, 0x00);
        assertEquals(0x01, in(THR));
        assertEquals(1, uart.divisor());
        outb(LCR, 0x03); // 8N1, DLAB off
        outb(IER, 0x00);
        assertEquals(0x00, in(IER));
        assertEquals(1, uart.divisor(), "IER writes must not touch the latch");
        assertEquals(0x03, in(LCR));
    }

    @Test
    void transmittedBytesReachTheOutput() {
        for (byte b : "Hello".getBytes(StandardCharsets.US_ASCII)) {
            outb(THR, b);
        }
        assertEquals("Hello", out.toString(StandardCharsets.US_ASCII));
        assertEquals(0x60, in(LSR), "THRE and TEMT stay set: transmission is instantaneous");
    }

    @Test
    void enablingThrEmptyInterruptAssertsUntilIirIsRead() {
        assertFalse(irq.asserted());
        outb(IER, Uart16550.IER_THR_EMPTY);
        assertTrue(irq.asserted());
        assertEquals(0x02, in(IIR));
        assertFalse(irq.asserted(), "reading IIR clears the THRE interrupt");
        assertEquals(0x01, in(IIR));
    }

    @Test
    void thrEmptyInterruptRearmsOnIerWriteAndAfterTransmit() {
        outb(IER, Uart16550.IER_THR_EMPTY);
        in(IIR);
        // serial8250_startup's THRE test: IER=0 then IER=THRI must raise THRE again
        outb(IER, 0);
        outb(IER, Uart16550.IER_THR_EMPTY);
        assertEquals(0x02, in(IIR));
        outb(THR, 'x');
        assertTrue(irq.asserted(), "THR empties at once after a write");
        assertEquals(0x02, in(IIR));
    }

    @Test
    void loopbackEchoesAndMapsModemLines() {
        outb(MCR, Uart16550.MCR_LOOP);
        outb(THR, 'A');
        assertEquals(0, out.size(), "loopback output stays inside the UART");
        assertEquals(Uart16550.LSR_DATA_READY, in(LSR) & Uart16550.LSR_DATA_READY);
        assertEquals('A', in(THR));
        // Linux autoconfig: MCR = LOOP | OUT2 | RTS must read MSR 0x90 (DCD | CTS)
        outb(MCR, Uart16550.MCR_LOOP | 0x0A);
        assertEquals(0x90, in(MSR) & 0xF0);
        assertFalse(uart.receive((byte) 'z'), "the line is disconnected in loopback");
    }

    @Test
    void modemStatusOutsideLoopbackShowsAReadyPeer() {
        assertEquals(0xB0, in(MSR));
    }

    @Test
    void receiveFifoFillsAndRaisesDataInterrupt() {
        outb(FCR, 0xC7); // enable, clear both, trigger level 14
        outb(IER, Uart16550.IER_RX_DATA);
        byte[] data = new byte[20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i);
        }
        assertEquals(16, uart.offer(data, 0, data.length), "16-byte FIFO");
        assertTrue(irq.asserted());
        assertEquals(0xC4, in(IIR), "FIFOs enabled, received data at trigger level");
        for (int i = 0; i < 16; i++) {
            assertEquals(Uart16550.LSR_DATA_READY, in(LSR) & Uart16550.LSR_DATA_READY);
            assertEquals('a' + i, in(THR));
        }
        assertEquals(0, in(LSR) & Uart16550.LSR_DATA_READY);
        assertFalse(irq.asserted());
        assertEquals(0xC1, in(IIR));
    }

    @Test
    void fewBytesInFifoReportCharacterTimeout() {
        outb(FCR, 0x81); // trigger level 8
        outb(IER, Uart16550.IER_RX_DATA);
        uart.receive((byte) 1);
        assertEquals(0xCC, in(IIR));
    }

    @Test
    void overrunSetsLineStatusWhichHasPriority() {
        outb(IER, Uart16550.IER_RX_DATA | Uart16550.IER_LINE_STATUS | Uart16550.IER_THR_EMPTY);
        assertTrue(uart.receive((byte) 1));
        assertFalse(uart.receive((byte) 2), "no FIFO: the second byte overruns");
        assertEquals(0x06, in(IIR), "line status before received data");
        assertEquals(0x63, in(LSR), "DR, OE, THRE, TEMT");
        assertEquals(0x61, in(LSR), "reading LSR clears OE");
        assertEquals(0x04, in(IIR), "then received data");
        assertEquals(1, in(THR));
        assertEquals(0x02, in(IIR), "then THR empty");
        assertEquals(0x01, in(IIR));
        assertFalse(irq.asserted());
    }

    @Test
    void interruptLineFollowsEnableBits() {
        uart.receive((byte) 7);
        assertFalse(irq.asserted(), "pending but not enabled");
        outb(IER, Uart16550.IER_RX_DATA);
        assertTrue(irq.asserted());
        outb(IER, 0);
        assertFalse(irq.asserted());
    }

    @Test
    void scratchRegisterHoldsItsValue() {
        outb(SCR, 0x5A);
        assertEquals(0x5A, in(SCR));
    }

    @Test
    void pumpFeedsInputWithoutOverrunning() throws Exception {
        outb(FCR, 0x01);
        uart.pumpInput(new ByteArrayInputStream("ls -l\r".getBytes(StandardCharsets.US_ASCII)));
        StringBuilder got = new StringBuilder();
        while ((in(LSR) & Uart16550.LSR_DATA_READY) != 0) {
            got.append((char) in(THR));
        }
        assertEquals("ls -l\r", got.toString());
        assertEquals(0, in(LSR) & Uart16550.LSR_OVERRUN);
    }

    @Test
    void failingOutputDoesNotStopTheGuest() {
        Uart16550 broken = new Uart16550(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("closed");
            }
        }, irq);
        broken.write(THR, 1, 'a');
        broken.write(THR, 1, 'b');
        assertEquals(0x60, broken.read(LSR, 1));
    }
}
